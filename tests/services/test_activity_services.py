"""Activity use cases on a real database, with figures worked out by hand in each test."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from aapdesk.domain.participants import ParcoursInput, ParticipantInput
from aapdesk.domain.periods import YearMonth
from aapdesk.domain.problems import ValidationError
from aapdesk.services import activity
from aapdesk.services.operations import OperationInput, create_operation
from aapdesk.services.participants import create_participant

# The test clock says 15/03/2025.


@pytest.fixture
def ai(app):
    """A 3.10 AI operation over 2024 (urban by default), 2 postes, with three parcours."""
    op = create_operation(app, OperationInput(code="AI", dispositif_key="62-2024-3.10", debut=date(2024, 1, 1),
                                              fin=date(2024, 12, 31), postes=2, zone_defaut="urbain"))

    def person(nom, zone, entry, exit_date=None, orientation=None, birth=date(1980, 1, 1)):
        pid = create_participant(app, ParticipantInput(nom=nom, prenom="A", sexe="F", date_naissance=birth, zone=zone),
                                 op.id, ParcoursInput(date_entree=entry, date_sortie=exit_date, date_orientation=orientation))
        return pid

    person("Urbain", "urbain", date(2023, 11, 15))  # carried over: active, not an entry
    person("Rural", "rural", date(2024, 2, 10), date(2024, 4, 30), orientation=date(2024, 1, 20))
    person("Jeune", None, date(2024, 3, 31), birth=date(2000, 6, 1))  # no zone: the operation's (urban)
    return op


def parcours_ids(app, op):
    return {row.nom: row.parcours_id for row in activity.hours_grid(app, op.id).rows}


def test_file_active_view_counts_on_the_last_day_of_each_month(app, ai):
    view = activity.file_active_view(app, ai.id, date(2024, 5, 15))
    assert view.as_of == date(2024, 5, 15)
    table = [(str(r.month), r.entrees, r.sorties, r.file_active) for r in view.months]
    assert table == [
        ("2024-01", 0, 0, 1),
        ("2024-02", 1, 0, 2),
        ("2024-03", 1, 0, 3),  # entry on 31/03 counts in March's file active
        ("2024-04", 0, 1, 3),  # exit on 30/04, the last day: still counted in April
        ("2024-05", 0, 0, 2),
    ]
    # occupations 1/2, 2/2, 3/2, 3/2, 2/2 → mean 11/10
    assert view.taux_occupation == Decimal("1.1")


def test_hours_grid_thresholds_by_zone(app, ai):
    ids = parcours_ids(app, ai)
    activity.save_hours(app, ai.id, [
        activity.HoursEdit(ids["URBAIN"], YearMonth(2024, 1), mad=Decimal("10")),      # exactly 10 h urban: ok
        activity.HoursEdit(ids["URBAIN"], YearMonth(2024, 2), mad=Decimal("9.99")),    # under
        activity.HoursEdit(ids["URBAIN"], YearMonth(2023, 12), mad=Decimal("50")),     # before the operation: kept, not counted
        activity.HoursEdit(ids["RURAL"], YearMonth(2024, 2), mad=Decimal("8")),        # exactly 8 h rural: ok
        activity.HoursEdit(ids["RURAL"], YearMonth(2024, 3), mad=Decimal("7.5"), accompagnement=Decimal("2")),
    ])
    grid = activity.hours_grid(app, ai.id, date(2024, 3, 31))
    rows = {r.nom: r for r in grid.rows}
    assert rows["URBAIN"].threshold == Decimal("10") and rows["RURAL"].threshold == Decimal("8")
    assert rows["JEUNE"].threshold == Decimal("10")
    urbain = {str(c.month): (c.present, c.valorisable) for c in rows["URBAIN"].months if c.present}
    assert urbain == {"2024-01": (True, True), "2024-02": (True, False), "2024-03": (True, False)}
    assert rows["URBAIN"].total_mad == Decimal("19.99")  # the 50 h of December 2023 are not counted
    assert rows["RURAL"].total_accompagnement == Decimal("2")
    # present months up to 31/03: urbain 3, rural 2 (Feb, Mar), jeune 1 (Mar) = 6; valorisable: Jan urbain, Feb rural
    assert (grid.totals.presents, grid.totals.valorisables, grid.totals.sous_seuil) == (6, 2, 4)
    assert grid.months_target == 24  # 2 postes × 12


def test_a_paste_with_one_bad_cell_writes_nothing_and_names_the_cells(app, ai):
    ids = parcours_ids(app, ai)
    with pytest.raises(ValidationError) as exc:
        activity.save_hours(app, ai.id, [
            activity.HoursEdit(ids["URBAIN"], YearMonth(2024, 1), mad=Decimal("12"), line=1),
            activity.HoursEdit(ids["URBAIN"], YearMonth(2024, 2), mad=Decimal("-1"), line=1),
            activity.HoursEdit(ids["RURAL"], YearMonth(2024, 2), mad=Decimal("697"), line=2),  # 29 × 24 = 696
            activity.HoursEdit(ids["RURAL"], YearMonth(2024, 6), mad=Decimal("5"), line=2),   # after the exit
        ])
    wheres = [p.field for p in exc.value.problems]
    assert wheres == ["ligne 1, février 2024", "ligne 2, février 2024", "ligne 2, juin 2024"]
    assert "négatives" in exc.value.problems[0].message
    assert "sortie" in exc.value.problems[2].message
    grid = activity.hours_grid(app, ai.id)
    assert grid.totals.mad == 0  # not even the valid first cell was written


def test_hours_of_a_month_not_yet_started_are_refused(app):
    op = create_operation(app, OperationInput(code="AI25", dispositif_key="62-2024-3.10", debut=date(2025, 1, 1),
                                              fin=date(2025, 12, 31), postes=2))
    create_participant(app, ParticipantInput(nom="Futur", prenom="A", sexe="M", date_naissance=date(1980, 1, 1)),
                       op.id, ParcoursInput(date_entree=date(2025, 1, 6)))
    pid = activity.hours_grid(app, op.id).rows[0].parcours_id
    with pytest.raises(ValidationError, match="pas encore commencé"):
        activity.save_hours(app, op.id, [activity.HoursEdit(pid, YearMonth(2025, 4), mad=Decimal("10"))])


def test_accompaniment_record_and_milestones(app):
    op = create_operation(app, OperationInput(code="SP", dispositif_key="62-2024-SP", debut=date(2024, 1, 1),
                                              fin=date(2024, 12, 31), places=10, etp=Decimal("0.5")))
    create_participant(app, ParticipantInput(nom="Suivi", prenom="A", sexe="F", date_naissance=date(1980, 1, 1)),
                       op.id, ParcoursInput(date_entree=date(2024, 2, 1), date_orientation=date(2024, 1, 31)))
    pid = activity.hours_grid(app, op.id).rows[0].parcours_id

    with pytest.raises(ValidationError) as exc:
        activity.add_entretien(app, pid, activity.EntretienInput(date=date(2024, 1, 10)))
    assert exc.value.problems[0].field == "date" and "précède l'orientation" in exc.value.problems[0].message

    # 1 month after 31/01/2024 is 29/02/2024 (leap year): the CER is overdue on 01/03/2024
    todos = activity.todo_list(app, operation_id=op.id, au=date(2024, 3, 1), horizon_days=None)
    cer = [t for t in todos if t.code == "cer_signature"]
    assert [(t.due, t.overdue) for t in cer] == [(date(2024, 2, 29), True)]

    activity.set_premier_rdv(app, pid, date(2024, 2, 5))
    cer_id = activity.add_cer(app, pid, activity.CerInput(date_signature=date(2024, 2, 20)))
    activity.add_entretien(app, pid, activity.EntretienInput(date=date(2024, 3, 4), modalite="physique", duree_minutes=45))
    activity.add_entretien(app, pid, activity.EntretienInput(date=date(2024, 4, 2), modalite="telephone"))
    record = activity.accompaniment_record(app, pid, au=date(2024, 7, 1))
    assert record.cers[0][1:3] == (date(2024, 2, 20), date(2024, 8, 20))  # default end: + 6 months
    assert [t.code for t in record.todos] == ["cer_renouvellement", "parcours_max"]
    assert record.todos[0].due == date(2024, 7, 20)  # renewal request at 5 months
    activity.request_cer_renewal(app, cer_id, date(2024, 7, 10))
    assert [t.code for t in activity.accompaniment_record(app, pid, au=date(2024, 7, 15)).todos] == ["parcours_max"]

    ind = activity.milestone_indicators(app, op.id, au=date(2024, 6, 30))
    assert ind.delai_moyen_premier_rdv == Decimal(5)  # 31/01 → 05/02
    assert (ind.parcours_accueillis, ind.parcours_avec_cer, ind.taux_contractualisation) == (1, 1, Decimal(1))
    assert (ind.entretiens_realises, ind.entretiens_physiques) == (2, 1)
    # 8 per place per year × 10 places × 6 months / 12 = 40 due by 30/06
    assert ind.entretiens_dus == Decimal(40)
    assert ind.capacite_etp_respectee is True  # 10 places ≤ 0.5 × 180


def test_comite_reminders(app, ai):
    # 3.10: a comité every 4 months; none held yet on 15/05/2024 → due 01/05/2024, overdue
    todos = activity.todo_list(app, operation_id=ai.id, au=date(2024, 5, 15), horizon_days=None)
    comite = [t for t in todos if t.code == "comite"]
    assert [(t.due, t.overdue) for t in comite] == [(date(2024, 5, 1), True)]
    activity.save_comite(app, ai.id, activity.ComiteInput(date=date(2024, 5, 10), nature="pilotage"))
    activity.save_comite(app, ai.id, activity.ComiteInput(date=date(2024, 9, 12), nature="pilotage"))
    todos = activity.todo_list(app, operation_id=ai.id, au=date(2024, 5, 15), horizon_days=None)
    assert [t.code for t in todos if t.operation_code == "AI" and t.parcours_id is None] == []
    assert [c.date for c in activity.list_comites(app, ai.id)] == [date(2024, 5, 10), date(2024, 9, 12)]


def test_atelier_attendance(app, ai):
    people = {r.nom: r.participant_id for r in activity.hours_grid(app, ai.id).rows}
    activity.save_atelier(app, ai.id, activity.AtelierInput(
        date=date(2024, 3, 5), titre="CV", duree_minutes=120,
        participant_ids=(people["URBAIN"], people["RURAL"]), absents=(people["RURAL"],)))
    activity.save_atelier(app, ai.id, activity.AtelierInput(
        date=date(2024, 4, 9), titre="Mobilité", duree_minutes=90, participant_ids=(people["URBAIN"],)))
    assert activity.attendance_counts(app, ai.id) == {people["URBAIN"]: 2}
    with pytest.raises(ValidationError) as exc:
        activity.save_atelier(app, ai.id, activity.AtelierInput(date=date(2025, 1, 5), titre="", duree_minutes=0))
    assert {p.field for p in exc.value.problems} == {"date", "titre", "duree"}
