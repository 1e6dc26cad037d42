"""Deleting what was entered by mistake: one action, what hangs under it goes too, nothing else does;
files leave the store only when no other record uses them; a clôturée operation is frozen."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from aapdesk.domain.exits import ExitInput, ExitType
from aapdesk.domain.participants import ParcoursInput, ParticipantInput
from aapdesk.domain.periods import YearMonth
from aapdesk.domain.problems import ValidationError
from aapdesk.services import activity, documents, exits, finances
from aapdesk.services.deletions import deletion_summary
from aapdesk.services.exits import set_operation_closed
from aapdesk.services.operations import OperationInput, create_operation
from aapdesk.services.participants import (
    add_parcours,
    create_participant,
    delete_parcours,
    erase_participant,
    get_participant,
)
from aapdesk.storage.schema import JournalEntry


def make_operation(app, code="OP", key="62-2024-3.16"):
    return create_operation(app, OperationInput(code=code, dispositif_key=key, debut=date(2024, 1, 1),
                                                fin=date(2024, 12, 31)))


def enrol(app, op, nom="Dupont"):
    pid = create_participant(app, ParticipantInput(nom=nom, prenom="Marie", sexe="F", date_naissance=date(1985, 1, 1)),
                             op.id, ParcoursInput(date_entree=date(2024, 2, 1)))
    return pid, get_participant(app, pid).parcours[0].id


def proof(tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(b"%PDF-1.4 " + content * 200)
    return path


@pytest.fixture
def filled(app, tmp_path):
    """One person with a full parcours (hours, interview, CER, exit with proof, CER scan), and a
    second person whose exit proof is the very same file as the first one's."""
    op = make_operation(app)
    person, parcours = enrol(app, op)
    activity.save_hours(app, op.id, [activity.HoursEdit(parcours, YearMonth(2024, m), accompagnement=Decimal(3))
                                     for m in (2, 3, 4)])
    activity.add_entretien(app, parcours, activity.EntretienInput(date(2024, 2, 10), duree_minutes=45))
    activity.add_cer(app, parcours, activity.CerInput(date(2024, 2, 15)))
    sortie = exits.record_exit(app, parcours, date(2024, 6, 30), ExitInput(ExitType.CDI, employeur="Garage"))
    shared = proof(tmp_path, "contrat.pdf", b"contrat")
    documents.attach(app, shared, sortie_id=sortie)
    documents.attach(app, proof(tmp_path, "cer.pdf", b"cer"), nature="cer", parcours_id=parcours)
    other_person, other_parcours = enrol(app, op, nom="Martin")
    other_sortie = exits.record_exit(app, other_parcours, date(2024, 7, 31), ExitInput(ExitType.CDI))
    documents.attach(app, shared, sortie_id=other_sortie)
    return op, person, parcours, sortie, other_parcours


def file_active_in_august(app, op) -> int:
    view = activity.file_active_view(app, op.id, date(2024, 8, 31))
    return next(m.file_active for m in view.months if m.month == YearMonth(2024, 8))


def stored(app):
    return {p.name for p in app.db.paths.documents_dir.glob("??/*")}


def test_a_parcours_goes_with_everything_under_it_and_only_that(app, filled):
    op, person, parcours, _sortie, other_parcours = filled
    summary = deletion_summary(app, "parcours", parcours)
    assert (summary.heures, summary.entretiens, summary.cers, summary.sortie, summary.documents) == (3, 1, 1, True, 2)
    assert summary.sentence() == ("Seront supprimés avec : 3 mois d'heures saisies, 1 entretien, 1 CER, "
                                  "2 documents joints et sa sortie.")
    files_before = stored(app)

    assert delete_parcours(app, parcours) == 2

    assert get_participant(app, person).parcours == ()  # the person stays, without that parcours
    assert [r.parcours_id for r in activity.hours_grid(app, op.id).rows] == [other_parcours]
    assert [r.parcours_id for r in exits.exits_view(app, op.id).rows] == [other_parcours]
    # the CER scan is gone; the contract, still the proof of the other exit, stays
    assert len(stored(app)) == len(files_before) - 1 and documents.verify_documents(app) == []
    with app.reading() as session:
        entry = session.scalars(select(JournalEntry).order_by(JournalEntry.id.desc())).first()
    assert (entry.action, entry.entity, entry.entity_id, entry.details) == ("suppression", "parcours", parcours,
                                                                             "2 document(s)")


def test_cancelling_an_exit_puts_the_person_back_in_the_file_active(app, filled):
    op, person, parcours, sortie, other_parcours = filled
    assert deletion_summary(app, "sortie", sortie).sentence() == "Seront supprimés avec : 1 document joint."
    assert file_active_in_august(app, op) == 0

    exits.delete_exit(app, sortie)

    assert get_participant(app, person).parcours[0].date_sortie is None
    assert exits.get_exit(app, parcours) == (None, None, None)
    assert [r.parcours_id for r in exits.exits_view(app, op.id).rows] == [other_parcours]
    assert file_active_in_august(app, op) == 1
    assert documents.verify_documents(app) == []  # the shared contract stays for the other exit


def test_nothing_is_deleted_under_a_cloturee_operation_until_it_is_reopened(app, filled):
    op, person, parcours, sortie, _ = filled
    set_operation_closed(app, op.id, True)
    for delete, record in ((delete_parcours, parcours), (exits.delete_exit, sortie)):
        with pytest.raises(ValidationError) as refused:
            delete(app, record)
        assert refused.value.problems[0].message.startswith("l'opération OP est clôturée : rouvrez-la")
    assert refused.value.problems[0].message.endswith("avant de supprimer une sortie")  # the article agrees
    assert get_participant(app, person).parcours[0].date_sortie == date(2024, 6, 30)
    set_operation_closed(app, op.id, False)
    exits.delete_exit(app, sortie)
    assert get_participant(app, person).parcours[0].date_sortie is None


def test_erasing_a_person_is_not_stopped_by_a_cloturee_operation(app, filled):
    op, person, *_ = filled
    set_operation_closed(app, op.id, True)
    assert erase_participant(app, person) == 2
    with pytest.raises(LookupError):
        get_participant(app, person)


def test_a_failure_midway_deletes_nothing(app, filled, monkeypatch):
    op, person, parcours, *_ = filled
    files_before = stored(app)
    import aapdesk.services.deletions as deletions

    def broken_journal(*args, **kwargs):  # the last write of the transaction fails (disk full…)
        raise OSError("disque plein")

    monkeypatch.setattr(deletions, "journal", broken_journal)
    with pytest.raises(OSError):
        delete_parcours(app, parcours)
    assert get_participant(app, person).parcours[0].id == parcours
    assert stored(app) == files_before and documents.verify_documents(app) == []


def test_one_interview_cer_comite_or_atelier_goes_alone(app, filled):
    op, person, parcours, *_ = filled
    second = activity.add_entretien(app, parcours, activity.EntretienInput(date(2024, 3, 10)))
    record = activity.accompaniment_record(app, parcours)
    first = next(e[0] for e in record.entretiens if e[0] != second)
    activity.delete_entretien(app, first)
    assert [e[0] for e in activity.accompaniment_record(app, parcours).entretiens] == [second]

    [cer] = [c[0] for c in record.cers]
    activity.delete_cer(app, cer)
    assert activity.accompaniment_record(app, parcours).cers == ()

    comites = [activity.save_comite(app, op.id, activity.ComiteInput(date(2024, month, 5))) for month in (3, 6)]
    activity.delete_comite(app, comites[0])
    assert [c.id for c in activity.list_comites(app, op.id)] == [comites[1]]

    atelier = activity.save_atelier(app, op.id, activity.AtelierInput(date(2024, 3, 1), "CV", 120,
                                                                      participant_ids=(person,)))
    assert deletion_summary(app, "atelier", atelier).presences == 1
    assert deletion_summary(app, "atelier", atelier).sentence() == "Seront supprimés avec : 1 inscription."
    activity.delete_atelier(app, atelier)
    assert activity.list_ateliers(app, op.id) == []
    assert get_participant(app, person).parcours  # the person and the parcours stay


def test_staff_resources_and_instalments(app, filled):
    op, *_ = filled
    staff = finances.save_staff(app, op.id, finances.StaffInput("Durand", "Léa", "cip"))
    finances.save_staff_costs(app, op.id, [finances.StaffCostInput(staff, YearMonth(2024, 3), Decimal("3000"))])
    resource = finances.save_resource(app, op.id, "departement", Decimal("10000"))
    first = finances.add_versement(app, resource, date(2024, 3, 1), "avance", Decimal("3000"))
    finances.add_versement(app, resource, date(2024, 6, 1), "acompte", Decimal("2000"))

    finances.delete_versement(app, first)
    view = finances.finance_view(app, op.id)
    assert [r.recu for r in view.resources] == [Decimal("2000")]
    assert deletion_summary(app, "ressource", resource).versements == 1
    assert deletion_summary(app, "personnel", staff).sentence() == "Seront supprimés avec : 1 mois de coûts saisis."
    finances.delete_resource(app, resource)
    finances.delete_staff(app, staff)
    view = finances.finance_view(app, op.id)
    assert view.resources == () and view.staff == ()


def test_a_record_already_gone_is_said_so(app, filled):
    _, _, parcours, *_ = filled
    delete_parcours(app, parcours)
    with pytest.raises(LookupError, match="parcours introuvable"):
        delete_parcours(app, parcours)


def test_a_second_parcours_of_the_same_person_is_untouched(app, filled):
    op, person, parcours, *_ = filled
    other_op = create_operation(app, OperationInput(code="OP2", dispositif_key="62-2024-SP", debut=date(2024, 1, 1),
                                                    fin=date(2024, 12, 31), places=20))
    kept = add_parcours(app, person, other_op.id, ParcoursInput(date_entree=date(2024, 9, 1)))
    delete_parcours(app, parcours)
    assert [p.id for p in get_participant(app, person).parcours] == [kept]
