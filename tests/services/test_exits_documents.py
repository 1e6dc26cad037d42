"""Exits on a real database: recorded with their parcours, classified by the operation's rules,
reclassified when those rules change; proofs stored under their hash, crash-safe."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from datetime import date, datetime
from decimal import Decimal

import pytest

from aapdesk.domain.exits import ExitCategory, ExitInput, ExitType
from aapdesk.domain.periods import YearMonth
from aapdesk.domain.participants import ParcoursInput, ParticipantInput
from aapdesk.domain.problems import ValidationError
from aapdesk.services import documents, exits
from aapdesk.services.check import run_checks
from aapdesk.services.operations import OperationInput, create_operation
from aapdesk.services.participants import create_participant, get_participant
from aapdesk.storage.documents import file_sha256


def make_operation(app, key="62-2024-3.16", **figures):
    values = dict(code="OP", dispositif_key=key, debut=date(2024, 1, 1), fin=date(2024, 12, 31))
    values.update(figures)
    return create_operation(app, OperationInput(**values))


def enrol(app, op, nom="Dupont", entry=date(2024, 2, 1)):
    pid = create_participant(app, ParticipantInput(nom=nom, prenom="Marie", sexe="F", date_naissance=date(1985, 1, 1)),
                             op.id, ParcoursInput(date_entree=entry))
    return get_participant(app, pid).parcours[0].id


def test_exit_sets_the_parcours_exit_and_is_classified(app):
    op = make_operation(app)
    parcours = enrol(app, op)
    exits.record_exit(app, parcours, date(2024, 6, 30), ExitInput(ExitType.CDD, Decimal(4), employeur="Boulangerie"))
    view = exits.exits_view(app, op.id)
    row, = view.rows
    assert row.date_sortie == date(2024, 6, 30)
    assert row.category is ExitCategory.EMPLOI_TRANSITION
    assert row.explanation == "emploi de transition : CDD de 4 mois, moins de 6 mois (fiche 3.16, 2024)"
    assert row.missing_proof  # dynamic exits need a proof by default
    assert (view.summary.dynamiques, view.missing_proofs) == (1, 1)
    assert get_participant(app, row.participant_id).parcours[0].date_sortie == date(2024, 6, 30)


@pytest.mark.parametrize("exit_date, data, field", [
    (date(2024, 1, 15), ExitInput(ExitType.CDI), "date_sortie"),        # before the entry (01/02)
    (date(2025, 1, 15), ExitInput(ExitType.CDI), "date_sortie"),        # after the operation
    (date(2024, 6, 1), ExitInput(ExitType.CDD), "duree_contrat_mois"),  # length decides the category
    (date(2024, 6, 1), ExitInput(None), "type_sortie"),
])
def test_invalid_exit_is_refused_and_nothing_written(app, exit_date, data, field):
    op = make_operation(app)
    parcours = enrol(app, op)
    with pytest.raises(ValidationError) as exc:
        exits.record_exit(app, parcours, exit_date, data)
    assert field in {p.field for p in exc.value.problems}
    assert exits.exits_view(app, op.id).rows == ()
    assert get_participant(app, exits.get_exit(app, parcours)[0] or 1).parcours[0].date_sortie is None


def test_the_same_exit_counts_differently_in_two_operations(app):
    standard = make_operation(app, code="STD")
    clauses = make_operation(app, key="62-2024-3.1", code="CLAUSES")
    for op in (standard, clauses):
        exits.record_exit(app, enrol(app, op, nom=op.code), date(2024, 5, 31), ExitInput(ExitType.INTERIM, Decimal("2.5")))
    assert exits.exits_view(app, standard.id).rows[0].category is ExitCategory.EMPLOI_TRANSITION
    assert exits.exits_view(app, clauses.id).rows[0].category is ExitCategory.AUTRE


def test_editing_the_operation_rules_reclassifies_but_never_silently_when_closed(app):
    op = make_operation(app, key="59-2019-I.1", code="IOD", debut=date(2021, 1, 1), fin=date(2021, 12, 31), places=10)
    exits.record_exit(app, enrol(app, op, entry=date(2021, 2, 1)), date(2021, 8, 31), ExitInput(ExitType.CDD, Decimal(6)))
    assert exits.exits_view(app, op.id).rows[0].category is ExitCategory.EMPLOI_DURABLE  # exactly 6: durable by default

    exits.set_operation_closed(app, op.id, True)
    strict = exits.ExitRulesChange(Decimal(6), False, None, True)
    with pytest.raises(ValidationError, match="clôturée"):
        exits.update_exit_rules(app, op.id, strict)
    assert exits.exits_view(app, op.id).rows[0].category is ExitCategory.EMPLOI_DURABLE
    exits.update_exit_rules(app, op.id, strict, closed_confirmed=True)
    row = exits.exits_view(app, op.id).rows[0]
    assert row.category is ExitCategory.EMPLOI_TRANSITION and "exactement 6 mois" in row.explanation


def test_objectives_siae_per_poste(app):
    op = make_operation(app, key="62-2024-3.10", code="AI", postes=20)
    for i, (t, months) in enumerate([(ExitType.CDI, None), (ExitType.CDD, Decimal(3)), (ExitType.ABANDON, None)]):
        exits.record_exit(app, enrol(app, op, nom=f"P{i}"), date(2024, 9, 30), ExitInput(t, months))
    objective, = exits.exits_view(app, op.id).objectives
    assert (objective.target, objective.achieved, objective.met) == (Decimal("9.00"), Decimal(2), False)  # 20 × 0.45


def test_proof_attach_list_detach_and_dedup(app, tmp_path):
    op = make_operation(app)
    sortie = exits.record_exit(app, enrol(app, op), date(2024, 6, 30), ExitInput(ExitType.CDI))
    contract = tmp_path / "contrat signé.pdf"
    contract.write_bytes(b"%PDF-1.4 contrat de travail")
    first = documents.attach(app, contract, sortie_id=sortie)
    second = documents.attach(app, contract, sortie_id=sortie)  # same content twice: one stored file
    rows = documents.list_documents(app, sortie_id=sortie)
    assert [r.nom_original for r in rows] == ["contrat signé.pdf", "contrat signé.pdf"]
    assert rows[0].path.read_bytes() == contract.read_bytes()
    assert rows[0].sha256 == file_sha256(contract) and rows[0].path.name == rows[0].sha256
    assert exits.exits_view(app, op.id).missing_proofs == 0
    documents.detach(app, first)
    assert rows[0].path.exists()  # still used by the second row
    documents.detach(app, second)
    assert not rows[0].path.exists()
    assert exits.exits_view(app, op.id).missing_proofs == 1


@pytest.mark.parametrize("content, message", [(b"", "vide"), (None, "introuvable")])
def test_unreadable_files_are_refused_with_nothing_recorded(app, tmp_path, content, message):
    op = make_operation(app)
    sortie = exits.record_exit(app, enrol(app, op), date(2024, 6, 30), ExitInput(ExitType.CDI))
    path = tmp_path / "preuve.pdf"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(ValidationError, match=message):
        documents.attach(app, path, sortie_id=sortie)
    assert documents.list_documents(app, sortie_id=sortie) == []
    assert not any(app.db.paths.documents_dir.rglob("*.part"))


def test_too_large_file_is_refused(app, tmp_path, monkeypatch):
    import aapdesk.storage.documents as store_module

    monkeypatch.setattr(store_module, "MAX_SIZE", 10)
    op = make_operation(app)
    sortie = exits.record_exit(app, enrol(app, op), date(2024, 6, 30), ExitInput(ExitType.CDI))
    big = tmp_path / "gros.pdf"
    big.write_bytes(b"x" * 11)
    with pytest.raises(ValidationError, match="dépasse"):
        documents.attach(app, big, sortie_id=sortie)


def test_check_reports_missing_altered_and_orphan_files(app, tmp_path):
    op = make_operation(app)
    sortie = exits.record_exit(app, enrol(app, op), date(2024, 6, 30), ExitInput(ExitType.CDI))
    for name, data in (("a.pdf", b"A"), ("b.pdf", b"B")):
        (tmp_path / name).write_bytes(data)
        documents.attach(app, tmp_path / name, sortie_id=sortie)
    a, b = documents.list_documents(app, sortie_id=sortie)
    a.path.unlink()
    b.path.write_bytes(b"tampered")
    orphan = app.db.paths.documents_dir / "ff" / ("f" * 64)
    orphan.parent.mkdir(parents=True, exist_ok=True)
    orphan.write_bytes(b"?")
    messages = [f.message for f in run_checks(app) if f.where == "documents"]
    assert any("manquante" in m for m in messages)
    assert any("modifiée" in m for m in messages)
    assert any("sans enregistrement" in m for m in messages)


CRASHING_ATTACH = textwrap.dedent("""
    import sys
    from datetime import datetime
    from aapdesk.services.context import open_app
    from aapdesk.services import documents
    app = open_app(sys.argv[1], clock=lambda: datetime(2025, 3, 15, 10, 0))
    documents.attach(app, sys.argv[2], sortie_id=int(sys.argv[3]))
""")


@pytest.mark.parametrize("point, row_kept", [("before_commit", False), ("before_publish", True)])
def test_kill_between_file_and_row_leaves_neither_orphan_nor_dangling_row(tmp_path, point, row_kept):
    from aapdesk.services.context import open_app

    data = tmp_path / "data"
    app = open_app(str(data), clock=lambda: datetime(2025, 3, 15, 10, 0))
    op = make_operation(app)
    sortie = exits.record_exit(app, enrol(app, op), date(2024, 6, 30), ExitInput(ExitType.CDI))
    app.db.close(datetime(2025, 3, 15), backup=False)
    proof = tmp_path / "attestation.pdf"
    proof.write_bytes(b"%PDF attestation de formation")

    result = subprocess.run([sys.executable, "-c", CRASHING_ATTACH, str(data), str(proof), str(sortie)],
                            env={**os.environ, "AAPDESK_FAULT": point}, capture_output=True, timeout=60)
    assert result.returncode == 99  # killed at the fault point

    app = open_app(str(data), clock=lambda: datetime(2025, 3, 15, 10, 0))  # start-up recovery runs here
    try:
        rows = documents.list_documents(app, sortie_id=sortie)
        assert len(rows) == (1 if row_kept else 0)
        assert documents.verify_documents(app) == []  # no missing file, no orphan
        assert not any((data / "documents" / ".entrant").iterdir())
        if row_kept:
            assert rows[0].path.read_bytes() == proof.read_bytes()
    finally:
        app.db.close(datetime(2025, 3, 15), backup=False)


def test_copies_opened_for_reading_are_deleted_a_day_later(app, clock):
    folder = documents.opened_copies_dir(app) / "12"
    folder.mkdir(parents=True)
    old, fresh = folder / "contrat-ancien.pdf", folder / "contrat-du-jour.pdf"
    old.write_bytes(b"%PDF old")
    fresh.write_bytes(b"%PDF fresh")
    now = clock().timestamp()
    os.utime(old, (now - 2 * 86400, now - 2 * 86400))  # opened two days ago
    os.utime(fresh, (now - 3600, now - 3600))  # an hour ago: the viewer may still have it open
    assert documents.clean_opened_copies(app) == 1
    assert not old.exists() and fresh.exists()
    os.utime(fresh, (now - 2 * 86400, now - 2 * 86400))
    assert documents.clean_opened_copies(app) == 1
    assert not folder.exists()  # the emptied folder goes too


def test_erasing_a_person_removes_everything_about_them_and_nothing_else(app, tmp_path):
    from sqlalchemy import func, select

    from aapdesk.services.activity import HoursEdit, save_hours
    from aapdesk.services.participants import erase_participant, list_participant_rows
    from aapdesk.storage.schema import JournalEntry, MonthlyHours, Sortie

    op = make_operation(app)
    gone, kept = enrol(app, op, nom="Efface"), enrol(app, op, nom="Garde")
    save_hours(app, op.id, [HoursEdit(gone, YearMonth(2024, 3), Decimal(20)), HoursEdit(kept, YearMonth(2024, 3), Decimal(30))])
    sortie = exits.record_exit(app, gone, date(2024, 6, 30), ExitInput(ExitType.CDI))
    contract, shared = tmp_path / "contrat.pdf", tmp_path / "charte.pdf"
    contract.write_bytes(b"%PDF-1.4 contrat")
    shared.write_bytes(b"%PDF-1.4 charte signee")
    documents.attach(app, contract, sortie_id=sortie)
    documents.attach(app, shared, parcours_id=gone)
    documents.attach(app, shared, parcours_id=kept)  # the same file is also someone else's
    contract_path = documents.list_documents(app, sortie_id=sortie)[0].path
    shared_path = documents.list_documents(app, parcours_id=kept)[0].path
    person = next(r.participant_id for r in list_participant_rows(app) if r.nom == "EFFACE")

    assert erase_participant(app, person) == 2
    assert [r.nom for r in list_participant_rows(app)] == ["GARDE"]
    with app.reading() as session:
        assert session.scalar(select(func.count()).select_from(MonthlyHours)) == 1
        assert session.scalar(select(func.count()).select_from(Sortie)) == 0
        entry = session.scalars(select(JournalEntry).where(JournalEntry.action == "effacement")).one()
        assert (entry.entity, entry.entity_id) == ("participant", person) and "EFFACE" not in entry.details.upper()
    assert not contract_path.exists() and shared_path.exists()  # the shared file stays for the other person
    assert documents.verify_documents(app) == []
    assert run_checks(app) == []  # the database and its documents are still consistent
