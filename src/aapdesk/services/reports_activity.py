"""The tableau de bord and the reporting mensuel: gathers the screens' own views and registers both
reports (``tableau-de-bord`` and ``reporting-mensuel``, in xlsx and PDF) with the report registry.

Nothing is counted here: each figure comes from the service the matching screen calls
(file active, hours grid, exits, milestones, participants, to-do list, finances), and the
pure builders of :mod:`aapdesk.reports` only lay them out.
"""

from __future__ import annotations

from datetime import date

from aapdesk import __version__
from aapdesk.domain.dispositif import DeadlineRule
from aapdesk.domain.exits import ExitType, summarize
from aapdesk.domain.participants import sort_key
from aapdesk.domain.periods import YearMonth
from aapdesk.domain.problems import Problem, ValidationError
from aapdesk.formatting import format_date
from aapdesk.reports.model import Report
from aapdesk.reports.reporting_mensuel import MonthlyData, build_reporting_mensuel
from aapdesk.reports.tableau_de_bord import DashboardData, build_tableau_de_bord
from aapdesk.services import activity, exits, finances, participants, reporting
from aapdesk.services.context import AppContext
from aapdesk.services.operations import OperationRow, get_operation
from aapdesk.services.report_registry import Cancelled, Progress, ReportCancelled, ReportRequest, ReportSpec, register
from aapdesk.services.structure import get_structure

#: To-do items left out of the tableau de bord: the reminder to send this very file, and the
#: expense checks (bookkeeping for the bilan, not a comité's business).
TODO_CODES_LEFT_OUT = frozenset({"tableau_de_bord", "depense"})


def _structure_name(app: AppContext) -> str:
    structure = get_structure(app)
    return structure.nom if structure else ""


def _step(progress: Progress, cancelled: Cancelled, percent: int, label: str) -> None:
    if cancelled():
        raise ReportCancelled()
    progress(percent, label)


def _common_parameters(op: OperationRow) -> tuple[tuple[str, str], ...]:
    return (("Code de l'opération", op.code), ("Clé du dispositif", op.dispositif_key),
            ("Logiciel", f"aapdesk {__version__}"))


def dashboard_data(app: AppContext, operation_id: int, au: date | None = None, *,
                   progress: Progress | None = None, cancelled: Cancelled | None = None) -> DashboardData:
    """Everything the tableau de bord shows, from the same services as the screens."""
    report_progress = progress or (lambda _p, _s: None)
    is_cancelled = cancelled or (lambda: False)
    op = get_operation(app, operation_id)
    as_of = reporting.default_as_of(app, operation_id, au)
    _step(report_progress, is_cancelled, 5, "File active et heures")
    loaded = activity.operation_activity(app, operation_id)
    file_active = activity.build_file_active_view(loaded, as_of)
    hours = activity.build_hours_grid(loaded, as_of)
    _step(report_progress, is_cancelled, 25, "Participants et jalons")
    counts = reporting.participants_counts(app, operation_id, as_of)
    milestones = activity.milestone_indicators(app, operation_id, as_of)
    people = sorted((row for row in participants.list_participant_rows(app, operation_id)
                     if row.date_entree is not None and row.date_entree <= as_of),
                    key=lambda row: (sort_key(row.nom, row.prenom), row.date_entree))
    _step(report_progress, is_cancelled, 45, "Sorties")
    exit_view = exits.exits_view(app, operation_id, as_of)
    _step(report_progress, is_cancelled, 60, "Tâches, comités et finances")
    todos = [t for t in activity.todo_list(app, operation_id=operation_id, au=as_of)
             if t.code not in TODO_CODES_LEFT_OUT]
    comites = activity.list_comites(app, operation_id)
    money = finances.finance_view(app, operation_id, as_of)
    parameters = (*_common_parameters(op),
                  ("File active", "personnes en parcours le dernier jour de chaque mois"
                   + (" ; fonctionnement annuel : le dernier jour de l'année" if file_active.years else "")),
                  ("Classement des sorties", exit_view.variant_label),
                  ("À faire", f"en retard, et à échéance dans les {activity.TODO_HORIZON_DAYS} jours suivant l'arrêté"))
    return DashboardData(
        structure=_structure_name(app), operation=op, as_of=as_of, generated_on=app.today(), counts=counts,
        file_active=file_active, hours=hours, exits=exit_view, milestones=milestones, participants=people,
        todos=todos, comites=comites, comite_natures=activity.COMITE_NATURES, estimate=money.estimate,
        received=money.received_from_departement, solde=money.solde, parameters=parameters)


def build_dashboard(app: AppContext, request: ReportRequest, progress: Progress, cancelled: Cancelled) -> Report:
    data = dashboard_data(app, request.operation_id, request.as_of, progress=progress, cancelled=cancelled)
    _step(progress, cancelled, 75, "Mise en page")
    return build_tableau_de_bord(data)


def monthly_deadline(op: OperationRow, month: YearMonth) -> date | None:
    """The fiche's monthly reporting deadline for ``month`` (Nord: the 10th of the next month)."""
    if op.rules is None:
        return None
    for deliverable in op.rules.livrables:
        if deliverable.regle is DeadlineRule.MENSUEL and deliverable.jour:
            following = month.add(1)
            return date(following.year, following.month, min(deliverable.jour, following.days))
    return None


def monthly_data(app: AppContext, operation_id: int, month: YearMonth) -> MonthlyData:
    op = get_operation(app, operation_id)
    if not YearMonth.of(op.debut) <= month <= YearMonth.of(op.fin):
        raise ValidationError([Problem("mois", f"{month.label} est en dehors de l'opération {op.code} "
                                               f"(du {format_date(op.debut)} au {format_date(op.fin)})")])
    if month.first_day > app.today():
        raise ValidationError([Problem("mois", f"{month.label} n'est pas encore commencé")])
    as_of = min(month.last_day, op.fin, app.today())
    view = activity.file_active_view(app, operation_id, as_of)
    row = next(r for r in view.months if r.month == month)
    entries = [p for p in participants.list_participant_rows(app, operation_id)
               if p.date_entree is not None and YearMonth.of(p.date_entree) == month
               and op.debut <= p.date_entree <= op.fin]
    entries.sort(key=lambda p: p.date_entree)
    exit_view = exits.exits_view(app, operation_id, as_of)
    month_exits = [r for r in exit_view.rows if r.month == month]
    # the Sorties page's summary, restricted to the month's exits
    summary = summarize([(r.type or ExitType.AUTRE, r.category) for r in month_exits if r.type is not None])
    return MonthlyData(
        structure=_structure_name(app), operation=op, month=month, as_of=as_of, generated_on=app.today(), row=row,
        entries=entries, exits=month_exits, summary=summary,
        cumulative=reporting.participants_counts(app, operation_id, as_of),
        deadline=monthly_deadline(op, month), variant_label=exit_view.variant_label,
        parameters=(*_common_parameters(op),
                    ("Allocataires accompagnés", "file active : personnes en parcours le dernier jour du mois")))


def build_monthly(app: AppContext, request: ReportRequest, progress: Progress, cancelled: Cancelled) -> Report:
    assert request.month is not None  # the registry refuses a monthly report without its month
    _step(progress, cancelled, 10, "Chiffres du mois")
    data = monthly_data(app, request.operation_id, request.month)
    _step(progress, cancelled, 75, "Mise en page")
    return build_reporting_mensuel(data)


TABLEAU_DE_BORD = register(ReportSpec(
    name="tableau-de-bord", label="Tableau de bord", formats=("xlsx", "pdf"), build=build_dashboard,
    description="Synthèse des indicateurs face aux objectifs de la fiche, file active, participants, heures, "
                "sorties et actions à mener : à transmettre avant chaque comité de suivi."))
REPORTING_MENSUEL = register(ReportSpec(
    name="reporting-mensuel", label="Reporting mensuel", formats=("xlsx", "pdf"), build=build_monthly,
    needs_month=True,
    description="Allocataires accompagnés, entrés, sortis et nature des sorties d'un mois "
                "(Nord : au plus tard le 10 du mois suivant)."))
