"""Comptes rendus d'exécution on the demo (as of 15/03/2025): one PDF page per participant with the same
months and hours as the hours grid, an xlsx row per participant-month, and no formula in any cell."""

from __future__ import annotations

import shutil
import zipfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from aapdesk.domain.exits import ExitInput, ExitType
from aapdesk.domain.participants import ParcoursInput, ParticipantInput
from aapdesk.formatting import format_hours, format_month
from aapdesk.paths import DB_FILENAME
from aapdesk.reports.cre import cre_report
from aapdesk.services import activity, documents, exits
from aapdesk.services.context import open_app
from aapdesk.services.demo import build_demo
from aapdesk.services.operations import get_operation
from aapdesk.services.participants import create_participant
from aapdesk.services.report_registry import ReportCancelled, ReportRequest, available_reports, generate
from aapdesk.services.reports_bilans import cre_data

NOW = datetime(2025, 3, 15, 10, 0)
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def _open(folder: Path):
    return open_app(str(folder), clock=lambda: NOW)


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("demo-cre")
    app = _open(folder)
    build_demo(app)
    app.db.close(NOW, backup=False)  # folds the WAL into the file
    return folder


def _copy(source: Path, dest: Path) -> Path:
    dest.mkdir(parents=True)
    shutil.copy2(source / DB_FILENAME, dest / DB_FILENAME)
    shutil.copytree(source / "documents", dest / "documents")
    return dest


@pytest.fixture(scope="module")
def demo(demo_dir, tmp_path_factory):
    app = _open(_copy(demo_dir, tmp_path_factory.mktemp("cre-read") / "donnees"))
    yield app
    app.db.close(NOW, backup=False)


@pytest.fixture
def demo_copy(demo_dir, tmp_path):
    app = _open(_copy(demo_dir, tmp_path / "donnees"))
    yield app
    app.db.close(NOW, backup=False)


@pytest.fixture(scope="module")
def ai(demo):
    return get_operation(demo, "AI-2024")


def _text(page) -> str:
    return " ".join(page.extract_text().replace("\u202f", " ").replace("\xa0", " ").split())


def _plain(text: str) -> str:
    return " ".join(text.replace("\u202f", " ").replace("\xa0", " ").split())


def test_cre_is_registered_for_pdf_and_xlsx():
    specs = {spec.name: spec for spec in available_reports()}
    assert specs["cre"].formats == ("pdf", "xlsx")
    assert specs["cre"].label.startswith("Comptes rendus d'exécution")


def test_cre_data_has_the_hours_grid_figures(demo, ai):
    data = cre_data(demo, ai.id)
    grid = activity.hours_grid(demo, ai.id)
    assert data.as_of == date(2024, 12, 31)  # the operation ended before "today"
    assert len(data.participants) == len(grid.rows) == ai.nb_parcours == 50
    for participant, row in zip(data.participants, grid.rows):
        assert (participant.nom, participant.prenom, participant.parcours_id) == (row.nom, row.prenom, row.parcours_id)
        assert participant.total_mad == row.total_mad
        assert participant.total_accompagnement == row.total_accompagnement
        present = [c for c in row.months if c.present]
        assert [m.month for m in participant.presents] == [c.month for c in present]
        assert participant.mois_valorisables == sum(1 for c in present if c.valorisable)
        assert [m.sous_seuil for m in participant.presents] == [c.sous_seuil for c in present]
    assert sum(p.total_mad for p in data.participants) == grid.totals.mad
    assert sum(p.mois_valorisables for p in data.participants) == grid.totals.valorisables


def test_cre_data_exits_proofs_interviews_and_ateliers(demo, ai):
    data = {p.parcours_id: p for p in cre_data(demo, ai.id).participants}
    view = exits.exits_view(demo, ai.id)
    assert view.rows
    for row in view.rows:
        exit_info = data[row.parcours_id].exit
        assert exit_info is not None
        assert (exit_info.date, exit_info.categorie, exit_info.regle) == (row.date_sortie, row.category_label,
                                                                          row.explanation)
        expected = [d.nom_original for d in documents.list_documents(demo, sortie_id=row.sortie_id)]
        assert list(data[row.parcours_id].proofs) == expected
    assert any(p.proofs for p in data.values()) and any(p.missing_proof for p in data.values())
    record = activity.accompaniment_record(demo, next(iter(data)))
    assert len(data[record.parcours_id].entretiens) == len([e for e in record.entretiens if e[1] <= date(2024, 12, 31)])
    attended = activity.attendance_counts(demo, ai.id)
    assert sum(len(p.ateliers) for p in data.values()) <= sum(attended.values())
    assert any(p.ateliers for p in data.values())


def test_cre_pdf_one_page_per_participant_with_months_hours_and_signatures(demo, ai, tmp_path):
    path = generate(demo, "cre", ReportRequest(ai.id), "pdf", tmp_path / "cre.pdf")
    data = cre_data(demo, ai.id)
    pages = PdfReader(str(path)).pages
    assert len(pages) == len(data.participants) == ai.nb_parcours
    for index, (page, participant) in enumerate(zip(pages, data.participants), start=1):
        text = _text(page)
        assert f"Compte rendu d'exécution – {participant.nom} {participant.prenom}" in text
        for month in participant.months:
            assert format_month(month.month) in text
        assert _plain(f"Total {len(participant.presents)} mois {format_hours(participant.total_mad)} "
                      f"{format_hours(participant.total_accompagnement)} {participant.mois_valorisables} mois") in text
        for expected in ("Le porteur de projet", "Validation du SLAI", "Nom :", "Date :", "Signature :",
                         "Association Avenir Emploi Artois", "AI-2024", f"page {index} / {len(pages)}"):
            assert expected in text
        if participant.exit is not None:
            assert _plain(participant.exit.categorie) in text
            for name in participant.proofs:
                assert name in text


def test_cre_xlsx_one_row_per_participant_month(demo, ai, tmp_path):
    path = generate(demo, "cre", ReportRequest(ai.id), "xlsx", tmp_path / "cre.xlsx")
    data = cre_data(demo, ai.id)
    wb = load_workbook(path)
    ws = wb["CRE mensuel"]
    header_row = next(r for r in range(1, 30) if ws.cell(r, 1).value == "Structure")
    headers = [c.value for c in ws[header_row]]
    rows = []
    for values in ws.iter_rows(min_row=header_row + 1, values_only=True):
        if values[1] is None:  # the table's note follows its last row
            break
        rows.append(dict(zip(headers, values)))
    assert len(rows) == sum(len(p.months) for p in data.participants)
    assert {r["Opération"] for r in rows} == {"AI-2024"}
    present = [r for r in rows if r["Présent"] == "oui"]
    grid = activity.hours_grid(demo, ai.id)
    assert Decimal(str(round(sum(r["Heures MAD"] for r in present), 2))) == grid.totals.mad
    assert sum(1 for r in present if r["Mois valorisable"] == "oui") == grid.totals.valorisables
    first = data.participants[0]
    assert (rows[0]["Nom"], rows[0]["Prénom"], rows[0]["Mois"]) == (first.nom, first.prenom, str(first.months[0].month))
    assert isinstance(rows[0]["Né(e) le"], datetime)  # a real date cell, not text

    validation = wb["Validation"]
    titles = [c.value for row in validation.iter_rows(max_row=30) for c in row]
    for title in ("Le porteur de projet – Nom", "Le porteur de projet – Date", "Le porteur de projet – Signature",
                  "Validation du SLAI – Nom", "Validation du SLAI – Date", "Validation du SLAI – Signature"):
        assert title in titles


def test_cre_report_model_matches_data(demo, ai):
    data = cre_data(demo, ai.id)
    report = cre_report(data)
    month_table = report.sections[0].tables[0]
    assert len(month_table.rows) == sum(len(p.months) for p in data.participants)
    validation = report.sections[1].tables[0]
    assert len(validation.rows) == len(data.participants)
    assert validation.total[4].value == activity.hours_grid(demo, ai.id).totals.presents


def test_cancelled_generation_writes_nothing(demo, ai, tmp_path):
    with pytest.raises(ReportCancelled):
        generate(demo, "cre", ReportRequest(ai.id), "pdf", tmp_path / "annule.pdf", cancelled=lambda: True)
    assert not list(tmp_path.iterdir())


HOSTILE = {
    "nom": "=1+1", "prenom": "+SUM(A1:A9)", "employeur": "@SUM(1)", "atelier": "-2+3 Atelier",
    "preuve": "=HYPERLINK(x).pdf",
}


def _no_formula(path: Path) -> list[str]:
    """Sheet XML holding a formula, and text cells that Excel would read as one."""
    found = []
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/") and (b"<f>" in archive.read(name) or b"<f " in archive.read(name)):
                found.append(name)
    for ws in load_workbook(path).worksheets:
        for row in ws.iter_rows(values_only=True):
            found += [v for v in row if isinstance(v, str) and v.startswith(FORMULA_TRIGGERS)]
    return found


def test_no_formula_injection_in_the_cre_xlsx(demo_copy, tmp_path):
    app = demo_copy
    op = get_operation(app, "AI-2024")
    person = create_participant(app, ParticipantInput(nom=HOSTILE["nom"], prenom=HOSTILE["prenom"], sexe="F",
                                                      date_naissance=date(1990, 5, 5), brsa=True),
                                op.id, ParcoursInput(date_entree=date(2024, 3, 1), referent="-Référent"))
    parcours_id = activity.operation_activity(app, op.id).parcours
    parcours_id = next(p.span.id for p in parcours_id if p.participant_id == person)
    sortie = exits.record_exit(app, parcours_id, date(2024, 6, 28),
                               ExitInput(ExitType.CDI, None, employeur=HOSTILE["employeur"]))
    proof = tmp_path / HOSTILE["preuve"]
    proof.write_bytes(b"%PDF-1.4 preuve")
    documents.attach(app, proof, sortie_id=sortie)
    activity.save_atelier(app, op.id, activity.AtelierInput(date=date(2024, 4, 2), titre=HOSTILE["atelier"],
                                                            duree_minutes=60, participant_ids=(person,)))

    path = generate(app, "cre", ReportRequest(op.id), "xlsx", tmp_path / "cre.xlsx")
    assert _no_formula(path) == []
    cells = [v for ws in load_workbook(path).worksheets for row in ws.iter_rows(values_only=True) for v in row
             if isinstance(v, str)]
    for hostile in (HOSTILE["nom"], HOSTILE["prenom"], HOSTILE["preuve"]):
        assert any(hostile in v for v in cells), hostile  # the text is there, neutralised
    assert any(HOSTILE["employeur"] in v for v in cells) and any(HOSTILE["atelier"] in v for v in cells)

    pdf = generate(app, "cre", ReportRequest(op.id), "pdf", tmp_path / "cre.pdf")
    text = " ".join(_text(p) for p in PdfReader(str(pdf)).pages)
    assert "=1+1 +SUM(A1:A9)" in text and HOSTILE["preuve"] in text


def test_a_very_long_parcours_still_fits_its_one_page(tmp_path):
    from aapdesk.domain.activity import ParcoursMonth
    from aapdesk.domain.periods import YearMonth
    from aapdesk.reports.cre import CreData, CreExit, CreParticipant, write_cre_pdf

    months = tuple(ParcoursMonth(YearMonth(2023, 1).add(i), True, Decimal("12.5"), Decimal(3), True, False) for i in range(30))
    long_one = CreParticipant(
        parcours_id=1, nom="LECŒUR", prenom="Jean-Noël", date_naissance=date(1980, 2, 29), brsa=True, jeune=False,
        zone="rural", zone_par_defaut=False, territoire="Montreuillois",
        prescripteur="Service social du conseil départemental (SLAI, PIPLE)", referent="Claire Dubois",
        orientation=date(2022, 12, 1), entree=date(2023, 1, 2), sortie=date(2025, 6, 30), seuil_mad=Decimal(8),
        months=months, entretiens=tuple((date(2023, 1, 1 + i % 28), "Physique") for i in range(80)),
        ateliers=tuple((date(2024, 1, 1 + i), f"Atelier numéro {i} – démarches en ligne") for i in range(25)),
        exit=CreExit(date(2025, 6, 30), "CDI", None, "Boulangerie Delattre", "emploi durable", "CDI (fiche 3.10)", True),
        proofs=tuple(f"contrat-de-travail-page-{i}.pdf" for i in range(12)))
    short = CreParticipant(
        parcours_id=2, nom="N'DIAYE", prenom="Aïcha", date_naissance=date(2001, 5, 5), brsa=False, jeune=True,
        zone="urbain", zone_par_defaut=True, territoire="", prescripteur="", referent="", orientation=None,
        entree=date(2025, 1, 6), sortie=None, seuil_mad=None, months=months[:1])
    data = CreData("Avenir & Emploi <Artois>", "AI-2025", "Aide à l'encadrement", "3.10 – AI", date(2023, 1, 1),
                   date(2025, 12, 31), date(2025, 6, 30), date(2025, 7, 1), 26, "", (long_one, short))
    path = tmp_path / "cre.pdf"
    with path.open("wb") as handle:
        write_cre_pdf(data, handle)
    pages = PdfReader(str(path)).pages
    assert len(pages) == 2
    assert "LECŒUR Jean-Noël" in _text(pages[0]) and "Validation du SLAI" in _text(pages[0])
    assert "N'DIAYE Aïcha" in _text(pages[1]) and "page 2 / 2" in _text(pages[1])
