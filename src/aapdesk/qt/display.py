"""French wording of operations shared by several pages: period, capacity, status as of today."""

from __future__ import annotations

from datetime import date

from aapdesk.formatting import format_date
from aapdesk.services.operations import OperationRow


def period_text(op: OperationRow) -> str:
    return f"{format_date(op.debut)} – {format_date(op.fin)}"


def dispositif_short(op: OperationRow) -> str:
    """"3.15 (Pas-de-Calais, AAP 2025)": the fiche without its long title."""
    rules = op.rules
    if rules is None:
        return op.dispositif_key
    return f"{rules.fiche} ({rules.departement_label}, AAP {rules.annee_aap})"


def capacity_text(op: OperationRow) -> str:
    """"20 postes" for SIAE operations, "15 places" otherwise, "" when not set."""
    if op.postes is not None:
        return f"{op.postes} poste{'s' if op.postes > 1 else ''}"
    if op.places is not None:
        return f"{op.places} place{'s' if op.places > 1 else ''}"
    return ""


def operation_status(op: OperationRow, today: date) -> str:
    if op.cloturee or today > op.fin:
        return "terminée"
    if today < op.debut:
        return "à venir"
    return "en cours"


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    return f"{count} {singular if count <= 1 else (plural_form or singular + 's')}"
