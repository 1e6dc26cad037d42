"""Bilan pédagogique drafts: every expected section is listed, saving is one transaction with its
journal entry (never the text), unknown sections and oversized texts are refused."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from aapdesk.domain.problems import ValidationError
from aapdesk.services import bilan_sections
from aapdesk.services.operations import OperationInput, create_operation
from aapdesk.storage.schema import BilanSection, JournalEntry


def _operation(app, key: str = "62-2024-3.10", code: str = "AI-2024", **figures):
    figures = figures or {"postes": 10}
    return create_operation(app, OperationInput(code=code, dispositif_key=key, debut=date(2024, 1, 1),
                                                fin=date(2024, 12, 31), **figures))


def test_every_expected_section_is_listed_with_title_and_hint(app):
    op = _operation(app)
    sections = bilan_sections.list_sections(app, op.id)
    assert [s.code for s in sections] == ["deroulement", "accompagnement", "suites_parcours", "objectifs",
                                          "partenaires", "emargement", "referentiel_qualite"]
    titles = {s.code: s.title for s in sections}
    assert titles["deroulement"] == "Déroulement de l'action"
    assert titles["referentiel_qualite"] == "Référentiel qualité"  # SIAE fiche
    assert all(s.hint and s.text == "" and s.empty and s.updated_at is None for s in sections)
    assert "Ateliers avec leurs dates et leur fréquentation" in {t for s in sections for t in s.inserted}


def test_sections_depend_on_the_fiche(app):
    fse = _operation(app, "62-2025-5.6", "FSE-2025", places=10)
    nord = _operation(app, "59-2019-I.1", "IOD-2021", places=25)
    referent = _operation(app, "62-2024-SP", "SP-2024", places=20)
    codes = {op.code: [s.code for s in bilan_sections.list_sections(app, op.id)] for op in (fse, nord, referent)}
    assert "orientations_departement" in codes["FSE-2025"]
    assert "perspectives" in codes["IOD-2021"] and "orientations_departement" not in codes["IOD-2021"]
    assert "referentiel_qualite" not in codes["SP-2024"] and "perspectives" not in codes["SP-2024"]


def test_save_round_trip_journal_and_update_in_place(app, clock):
    op = _operation(app)
    text = "Première phase : accueil.\r\nSuite de la ligne.   \r\n\r\n\r\n- diagnostic\n- CER  \n\n\n"
    saved = bilan_sections.save_section(app, op.id, "deroulement", text)
    assert saved.text == "Première phase : accueil.\nSuite de la ligne.\n\n- diagnostic\n- CER"
    assert saved.updated_at == clock()

    listed = {s.code: s for s in bilan_sections.list_sections(app, op.id)}
    assert listed["deroulement"].text == saved.text and not listed["deroulement"].empty
    assert listed["accompagnement"].empty

    bilan_sections.save_section(app, op.id, "deroulement", "Texte revu.")
    with app.reading() as session:
        rows = session.scalars(select(BilanSection).where(BilanSection.operation_id == op.id)).all()
        entries = session.scalars(select(JournalEntry).where(JournalEntry.entity == "bilan_section")
                                  .order_by(JournalEntry.id)).all()
    assert [(r.code, r.texte) for r in rows] == [("deroulement", "Texte revu.")]
    assert [(e.action, e.details, e.operation_id, e.entity_id) for e in entries] == [
        ("creation", "deroulement", op.id, rows[0].id), ("modification", "deroulement", op.id, rows[0].id)]
    assert all("Texte" not in e.details for e in entries)  # the journal never holds the text

    bilan_sections.save_section(app, op.id, "deroulement", "  \n\n ")
    assert {s.code: s for s in bilan_sections.list_sections(app, op.id)}["deroulement"].empty


def test_unknown_section_long_text_and_unknown_operation_are_refused(app):
    op = _operation(app)
    with pytest.raises(ValidationError, match="ne fait pas partie"):
        bilan_sections.save_section(app, op.id, "orientations_departement", "Hors fiche")
    with pytest.raises(ValidationError, match="dépasse"):
        bilan_sections.save_section(app, op.id, "deroulement", "x" * (bilan_sections.MAX_LENGTH + 1))
    with pytest.raises(LookupError):
        bilan_sections.list_sections(app, 9999)
    with app.reading() as session:
        assert session.scalars(select(BilanSection)).all() == []
        assert session.scalars(select(JournalEntry).where(JournalEntry.entity == "bilan_section")).all() == []


def test_one_draft_per_operation_and_section_in_the_database(app, clock):
    op = _operation(app)
    bilan_sections.save_section(app, op.id, "partenaires", "SLAI")
    with pytest.raises(IntegrityError):
        with app.transaction() as session:
            session.add(BilanSection(operation_id=op.id, code="partenaires", texte="bis", updated_at=clock()))
