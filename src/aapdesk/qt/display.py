"""French wording of operations shared by several pages: period, capacity, status as of today."""

from __future__ import annotations

from datetime import date

from aapdesk.formatting import format_date
from aapdesk.services.operations import OperationRow


def period_text(op: OperationRow) -> str:
    return f"{format_date(op.debut)} – {format_date(op.fin)}"


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
