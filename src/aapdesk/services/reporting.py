"""Reports' data: each report is built from the same service views as the screens (file active,
hours, exits, finances), so a figure in a file always equals the figure on screen.

:func:`indicators` is the machine-readable summary of an operation (``aapdesk report
indicateurs``); the document builders live in :mod:`aapdesk.reports`.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from aapdesk.domain.activity import ParcoursSpan, present_months
from aapdesk.domain.exits import ExitCategory
from aapdesk.domain.money import round_cents
from aapdesk.domain.participants import is_under
from aapdesk.domain.periods import Period, as_of_default
from aapdesk.services import activity, exits, finances
from aapdesk.services.context import AppContext
from aapdesk.services.operations import get_operation
from aapdesk.storage.schema import Parcours, Participant


def _money(value: Decimal | None) -> float | None:
    return None if value is None else float(round_cents(value))


def _rate(value: Decimal | None) -> float | None:
    return None if value is None else float(value.quantize(Decimal("0.0001")))


def default_as_of(app: AppContext, operation_id: int, au: date | None = None) -> date:
    """The earlier of today and the operation's end, unless a date is asked for."""
    op = get_operation(app, operation_id)
    return as_of_default(app.today(), op.fin, au)


def participants_counts(app: AppContext, operation_id: int, as_of: date) -> dict[str, int]:
    """Distinct people accompanied at least one day between the start and ``as_of``, and their profile."""
    op = get_operation(app, operation_id)
    window = Period(op.debut, max(op.debut, as_of))
    with app.reading() as session:
        rows = session.execute(
            select(Parcours.id, Parcours.date_entree, Parcours.date_sortie, Participant.id, Participant.sexe,
                   Participant.date_naissance, Participant.brsa, Participant.rqth, Participant.qpv)
            .join(Participant, Participant.id == Parcours.participant_id)
            .where(Parcours.operation_id == operation_id)).all()
    people: dict[int, tuple[tuple, list[date]]] = {}
    entered = exited = 0
    for parcours_id, entry, exit_date, person_id, *person in rows:
        span = ParcoursSpan(parcours_id, entry, exit_date)
        if as_of < op.debut or not present_months(span, window, as_of):
            continue
        people.setdefault(person_id, (tuple(person), []))[1].append(entry)
        entered += window.contains(entry)
        exited += exit_date is not None and window.contains(exit_date)
    profiles = [p for p, _ in people.values()]  # (sexe, birth, brsa, rqth, qpv)
    young = sum(1 for (_, birth, *_rest), entries in people.values() if is_under(birth, min(entries)))
    return {
        "accompagnes": len(profiles), "entres": entered, "sortis": exited,
        "femmes": sum(p[0] == "F" for p in profiles), "hommes": sum(p[0] == "M" for p in profiles),
        "brsa": sum(bool(p[2]) for p in profiles), "moins_26_ans": young, "rqth": sum(bool(p[3]) for p in profiles),
        "qpv": sum(bool(p[4]) for p in profiles),
    }


def indicators(app: AppContext, operation_id: int, au: date | None = None) -> dict[str, Any]:
    op = get_operation(app, operation_id)
    as_of = default_as_of(app, operation_id, au)
    data = activity.operation_activity(app, operation_id)  # loaded once, shared by every figure below
    fa = activity.build_file_active_view(data, as_of)
    grid = activity.build_hours_grid(data, as_of)
    exit_view = exits.exits_view(app, operation_id, as_of)
    money = finances.finance_view(app, operation_id, as_of, figures=finances.ActivityFigures(
        grid.totals.valorisables, exit_view.summary.dynamiques, fa.taux_occupation))
    summary = exit_view.summary
    by_type = {t.value: n for t, n in sorted(summary.by_type.items(), key=lambda item: item[0].value)}
    direct = money.direct
    estimate = money.estimate
    rules = op.rules
    return {
        "operation": {"code": op.code, "dispositif": op.dispositif_key, "debut": op.debut.isoformat(),
                      "fin": op.fin.isoformat(), "intitule": op.intitule},
        "au": as_of.isoformat(),
        "participants": participants_counts(app, operation_id, as_of),
        "file_active": [{"mois": str(row.month), "effectif": row.file_active, "entrees": row.entrees,
                         "sorties": row.sorties, "places": row.places} for row in fa.months],
        "taux_occupation": _rate(fa.taux_occupation),
        "mois_accompagnement": {"presents": grid.totals.presents, "valorisables": grid.totals.valorisables,
                                "objectif": int(grid.months_target) if grid.months_target is not None else None},
        "heures": {"mad": float(grid.totals.mad), "accompagnement": float(grid.totals.accompagnement),
                   "mois_sous_seuil": grid.totals.sous_seuil},
        "sorties": {
            "emploi_durable": summary.counts[ExitCategory.EMPLOI_DURABLE],
            "emploi_transition": summary.counts[ExitCategory.EMPLOI_TRANSITION],
            "sortie_positive": summary.counts[ExitCategory.SORTIE_POSITIVE],
            "changement_situation_financiere": summary.counts[ExitCategory.CHANGEMENT_SITUATION_FINANCIERE],
            "autre": summary.counts[ExitCategory.AUTRE],
            "non_comptee": summary.counts[ExitCategory.NON_COMPTEE],
            "dynamiques": summary.dynamiques,
            "taux_dynamiques": _rate(summary.taux_dynamiques),
            "par_type": by_type,
            "a_qualifier": exit_view.unqualified,
            "pieces_manquantes": exit_view.missing_proofs,
        },
        "depenses": {
            "personnel": _money(direct["personnel"]), "fonctionnement": _money(direct["fonctionnement"]),
            "prestations": _money(direct["prestations"]), "participants": _money(direct["participants"]),
            "directes": _money(sum(direct.values(), Decimal(0))), "indirectes": _money(money.indirect.amount),
            "total_eligible": _money(money.total_eligible), "non_eligibles": _money(money.non_eligibles),
        },
        "financement": {
            "modele": rules.financement.modele.value if rules else None,
            "montant_conventionne": _money(op.montant),
            "montant_estime": _money(estimate.montant_estime) if estimate else None,
            "hypotheses": list(estimate.hypotheses) if estimate else [],
            "recu": _money(money.received_from_departement),
            "solde": _money(money.solde),
        },
    }
