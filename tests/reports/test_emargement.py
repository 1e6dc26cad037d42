"""The feuille d'émargement PDF: names, date, signature column, French characters intact."""

from __future__ import annotations

from datetime import date

from pypdf import PdfReader

from aapdesk.domain.participants import ParcoursInput, ParticipantInput
from aapdesk.services import activity
from aapdesk.services.operations import OperationInput, create_operation
from aapdesk.services.participants import create_participant
from aapdesk.services.structure import StructureData, save_structure


def pdf_text(path) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(str(path)).pages)
    return " ".join(text.split())  # extractors turn U+202F / U+00A0 into spaces: normalise


def test_prefilled_and_blank_attendance_sheets(app):
    save_structure(app, StructureData(nom="Avenir Emploi Artois"))
    op = create_operation(app, OperationInput(code="AI", dispositif_key="62-2024-3.10", debut=date(2024, 1, 1),
                                              fin=date(2024, 12, 31), postes=5))
    ids = [create_participant(app, ParticipantInput(nom=nom, prenom=prenom, sexe="F", date_naissance=date(1985, 1, 1)),
                              op.id, ParcoursInput(date_entree=date(2024, 1, 10)))
           for nom, prenom in (("N'Diaye", "Aïcha"), ("Lecœur", "Jean-Noël"))]
    atelier = activity.save_atelier(app, op.id, activity.AtelierInput(
        date=date(2024, 3, 5), titre="Atelier « Numérique » & démarches", duree_minutes=150,
        animateur="Claire Dubois", participant_ids=tuple(ids)))

    path = activity.write_attendance_sheet(app, atelier)
    assert path.parent == app.db.paths.exports_dir
    assert "Aïcha" not in path.name and "DIAYE" not in path.name  # no personal data in the file name
    text = pdf_text(path)
    for expected in ("Feuille d'émargement", "05/03/2024", "2 h 30", "Claire Dubois", "N'DIAYE", "Aïcha",
                     "LECŒUR", "Jean-Noël", "Signature", "Atelier « Numérique » & démarches",
                     "Avenir Emploi Artois", "page 1 / 1"):
        assert expected in text

    blank = activity.write_attendance_sheet(app, atelier, app.db.paths.exports_dir / "vierge.pdf", prefilled=False)
    blank_text = pdf_text(blank)
    assert "N'DIAYE" not in blank_text and "Signature" in blank_text
    assert not list(app.db.paths.exports_dir.glob("*.tmp"))
