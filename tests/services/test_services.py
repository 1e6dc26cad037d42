"""Use cases against a real SQLite file: validation before writing, one transaction, journal entries."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from aapdesk.domain.participants import ParcoursInput, ParticipantInput
from aapdesk.domain.problems import ValidationError
from aapdesk.services.check import run_checks
from aapdesk.services.demo import build_demo
from aapdesk.services.operations import OperationInput, create_operation, get_operation, list_operations, update_operation
from aapdesk.services.participants import (
    DuplicateParticipantError,
    add_parcours,
    create_participant,
    get_participant,
    list_participant_rows,
    parcours_status,
    update_participant,
)
from aapdesk.services.structure import StructureData, get_structure, save_structure
from aapdesk.storage.schema import JournalEntry, Participant


def siae_operation(app, **overrides):
    values = dict(code="AI-2024", dispositif_key="62-2024-3.10", debut=date(2024, 1, 1), fin=date(2024, 12, 31),
                  postes=20, etp=Decimal("1.5"), montant=Decimal("46800"))
    values.update(overrides)
    return create_operation(app, OperationInput(**values))


def marie(**overrides):
    values = dict(nom="Dupont", prenom="Marie", sexe="F", date_naissance=date(1990, 5, 4), brsa=True)
    values.update(overrides)
    return ParticipantInput(**values)


def problem_fields(excinfo):
    return {p.field for p in excinfo.value.problems}


def test_structure_is_saved_and_siret_checked(app):
    with pytest.raises(ValidationError) as exc:
        save_structure(app, StructureData(nom="Avenir", siret="12345678901234"))
    assert problem_fields(exc) == {"siret"}
    assert get_structure(app) is None
    save_structure(app, StructureData(nom="  Avenir   Emploi ", type_structure="AI", siret="899 999 000 00008"))
    saved = get_structure(app)
    assert (saved.nom, saved.siret) == ("Avenir Emploi", "89999900000008")


def test_operation_keeps_a_snapshot_of_its_rules(app):
    op = siae_operation(app)
    assert op.rules.financement.plafond_par_participant_mois == Decimal("195")
    # a later catalogue change must not alter the existing operation
    original = app.catalogue.dispositifs["62-2024-3.10"]
    changed_funding = dataclasses.replace(original.financement, plafond_par_participant_mois=Decimal("999"))
    app.catalogue.dispositifs["62-2024-3.10"] = dataclasses.replace(original, financement=changed_funding)
    assert get_operation(app, "AI-2024").rules.financement.plafond_par_participant_mois == Decimal("195")


@pytest.mark.parametrize("overrides, field", [
    (dict(fin=date(2023, 12, 31)), "fin"),
    (dict(fin=date(2025, 6, 30)), "fin"),  # 18 months for a 12-month fiche
    (dict(postes=None), "postes"),
    (dict(montant=Decimal("-1")), "montant"),
    (dict(code="avec espace"), "code"),
    (dict(dispositif_key="62-2099-9.9"), "dispositif"),
])
def test_invalid_operation_is_refused_naming_the_field(app, overrides, field):
    with pytest.raises(ValidationError) as exc:
        siae_operation(app, **overrides)
    assert field in problem_fields(exc)
    assert list_operations(app) == []


def test_duplicate_operation_code_is_refused(app):
    siae_operation(app)
    with pytest.raises(ValidationError) as exc:
        siae_operation(app)
    assert "déjà" in exc.value.message


def test_update_operation_changes_figures_not_rules(app):
    op = siae_operation(app)
    data = OperationInput(code="AI-2024", dispositif_key="ignored", debut=op.debut, fin=op.fin, postes=25,
                          etp=Decimal("2"), montant=Decimal("58500"), intitule="AI Béthune")
    updated = update_operation(app, op.id, data)
    assert (updated.postes, updated.montant, updated.dispositif_key) == (25, Decimal("58500"), "62-2024-3.10")


def test_participant_with_parcours_is_created_in_one_action(app):
    op = siae_operation(app)
    pid = create_participant(app, marie(), op.id, ParcoursInput(date_entree=date(2024, 3, 1), referent="Claire"))
    detail = get_participant(app, pid)
    assert detail.data.nom == "DUPONT"
    assert [(p.operation_code, p.date_entree) for p in detail.parcours] == [("AI-2024", date(2024, 3, 1))]
    row, = list_participant_rows(app)
    # today is 15/03/2025: the 2024 operation has ended, so the parcours is no longer "en cours"
    assert (row.age, row.moins_26_ans, row.statut) == (34, False, "Fin d'opération")
    assert parcours_status(date(2024, 3, 1), None, date(2024, 6, 1), date(2024, 12, 31)) == "En cours"


def test_invalid_parcours_writes_no_participant(app):
    op = siae_operation(app)
    with pytest.raises(ValidationError) as exc:
        create_participant(app, marie(), op.id, ParcoursInput(date_entree=date(2024, 3, 1), date_sortie=date(2024, 2, 1)))
    assert problem_fields(exc) == {"date_sortie"}
    assert list_participant_rows(app) == []


def test_duplicate_is_detected_whatever_the_accents_and_case(app):
    first = create_participant(app, marie(nom="Lefèvre", prenom="Jean-Noël"))
    with pytest.raises(DuplicateParticipantError) as exc:
        create_participant(app, marie(nom="LEFEVRE", prenom="jean noel"))
    assert exc.value.existing_id == first
    # same name, other birth date: a different person
    create_participant(app, marie(nom="Lefèvre", prenom="Jean-Noël", date_naissance=date(1991, 5, 4)))


def test_overlapping_parcours_in_the_same_operation_is_refused(app):
    op = siae_operation(app)
    pid = create_participant(app, marie(), op.id, ParcoursInput(date_entree=date(2024, 3, 1), date_sortie=date(2024, 6, 30)))
    with pytest.raises(ValidationError):
        add_parcours(app, pid, op.id, ParcoursInput(date_entree=date(2024, 6, 1)))
    add_parcours(app, pid, op.id, ParcoursInput(date_entree=date(2024, 9, 1)))  # a later return is fine
    assert len(get_participant(app, pid).parcours) == 2


def test_journal_records_who_changed_what_without_personal_values(app):
    op = siae_operation(app)
    pid = create_participant(app, marie(), op.id, ParcoursInput(date_entree=date(2024, 3, 1)))
    update_participant(app, pid, marie(rqth=True, commune="Lens"))
    with app.reading() as session:
        entries = [(e.action, e.entity, e.details, e.participant_id)
                   for e in session.scalars(select(JournalEntry).order_by(JournalEntry.id))]
    assert [(action, entity) for action, entity, _, _ in entries] == [
        ("creation", "operation"), ("creation", "participant"), ("creation", "parcours"), ("modification", "participant")]
    assert entries[-1][2:] == ("rqth,commune", pid)
    everything = " ".join(details for _, _, details, _ in entries).lower()
    assert "dupont" not in everything and "lens" not in everything and "1990" not in everything


def test_demo_builds_three_funding_models_deterministically(app, tmp_path, clock):
    counts = build_demo(app, participants=40, seed=5)
    ops = list_operations(app)
    assert counts == {"operations": len(ops), "participants": 40}
    assert len({op.rules.financement.modele for op in ops}) >= 3
    with app.reading() as session:
        assert session.query(Participant).count() == 40
    assert [f for f in run_checks(app) if f.severity == "erreur"] == []
    with pytest.raises(ValidationError, match="déjà des données"):
        build_demo(app)

    from aapdesk.services.context import open_app

    other = open_app(str(tmp_path / "other"), clock=clock)
    try:
        build_demo(other, participants=40, seed=5)
        def people(context):
            return [(r.nom, r.prenom, r.date_naissance, r.operation_code, r.date_entree)
                    for r in list_participant_rows(context)]
        assert people(other) == people(app)
    finally:
        other.db.close(clock(), backup=False)


def test_check_reports_too_many_young_participants(app):
    op = siae_operation(app)
    for i in range(3):  # 3 of 4 under 26 at entry: 75 % > 20 %
        create_participant(app, marie(nom=f"Jeune{i}", date_naissance=date(2002, 1, 1)), op.id,
                           ParcoursInput(date_entree=date(2024, 2, 1)))
    create_participant(app, marie(), op.id, ParcoursInput(date_entree=date(2024, 2, 1)))
    findings = run_checks(app)
    assert [f.severity for f in findings] == ["attention"]
    assert "3 participants de moins de 26 ans sur 4" in findings[0].message
