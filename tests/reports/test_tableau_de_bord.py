"""Tableau de bord on the demo under a fixed clock: every figure in the xlsx and the PDF equals
the services' own (the screens'), the layout is usable, the CLI writes it, and no free text
entered by a user can become a formula in the workbook."""

from __future__ import annotations

import shutil
import zipfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from aapdesk.cli import main
from aapdesk.domain.exits import CATEGORY_LABELS, ExitCategory, ExitInput, ExitType
from aapdesk.domain.participants import ParcoursInput, ParticipantInput
from aapdesk.domain.periods import YearMonth
from aapdesk.formatting import format_month
from aapdesk.reports.xlsx_common import FORMULA_TRIGGERS
from aapdesk.services import activity, exits, participants, report_registry, reporting
from aapdesk.services.context import open_app
from aapdesk.services.operations import OperationInput, create_operation, get_operation
from aapdesk.services.reports_activity import TODO_CODES_LEFT_OUT
from aapdesk.services.structure import StructureData, save_structure

NOW = datetime(2025, 3, 15, 10, 0)


def clock() -> datetime:
    return NOW


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory) -> Path:
    """The demo's data folder, built once per test session (the reporting tests reuse it), then closed."""
    from aapdesk.services.demo import build_demo

    template = tmp_path_factory.getbasetemp() / "demo-rapports-2025-03-15"
    if not (template / "aapdesk.sqlite3").exists():
        building = template.with_name(template.name + "-construction")
        shutil.rmtree(building, ignore_errors=True)
        app = open_app(str(building), clock=clock)
        build_demo(app)
        app.db.close(NOW, backup=False)
        building.rename(template)
    return template


def copy_demo(template: Path, dest: Path) -> Path:
    shutil.copytree(template, dest, ignore=shutil.ignore_patterns("aapdesk.lock"))
    return dest


@pytest.fixture(scope="module")
def demo(demo_template, tmp_path_factory):
    app = open_app(str(copy_demo(demo_template, tmp_path_factory.mktemp("tdb") / "data")), clock=clock)
    yield app
    app.db.close(NOW, backup=False)


@pytest.fixture(scope="module")
def files(demo, tmp_path_factory) -> dict[tuple[str, str], Path]:
    """The tableau de bord of two operations: SIAE closed last year (hours, MAD) and 3.15 in progress."""
    out = tmp_path_factory.mktemp("tdb-out")
    produced = {}
    for code in ("AI-2024", "ACCOMP-2025"):
        op = get_operation(demo, code)
        for fmt in ("xlsx", "pdf"):
            produced[(code, fmt)] = report_registry.generate(
                demo, "tableau-de-bord", report_registry.ReportRequest(op.id), fmt, out / f"tdb-{code}.{fmt}")
    return produced


def sheet_rows(ws, title: str) -> tuple[int, list[tuple]]:
    """The header row index of the table whose first column is ``title``, and its rows (total included,
    note excluded: the note is the italic line under the table)."""
    header = next(row[0].row for row in ws.iter_rows() if row[0].value == title)
    rows = []
    for cells in ws.iter_rows(min_row=header + 1):
        if all(c.value is None for c in cells) or cells[0].font.italic:
            break
        rows.append(tuple(c.value for c in cells))
    return header, rows


def figures(ws) -> dict[str, tuple]:
    _, rows = sheet_rows(ws, "Indicateur")
    return {row[0]: row for row in rows}


def pdf_text(path: Path) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(str(path)).pages).split())


# --- figures equal the services' -------------------------------------------------------------

def test_sheets_in_order_with_frozen_headers(files):
    wb = load_workbook(files[("AI-2024", "xlsx")])
    assert wb.sheetnames == ["Synthèse", "File active", "Participants", "Heures MAD", "Heures accompagnement",
                             "Sorties", "Détail des sorties", "À faire", "Comités", "Indicateurs de la fiche",
                             "Paramètres"]
    for name in ("File active", "Participants", "Heures MAD", "Détail des sorties"):
        ws = wb[name]
        header = next(row[0].row for row in ws.iter_rows() if row[0].fill.fgColor.rgb.endswith("1D4E89"))
        assert ws.freeze_panes.endswith(str(header + 1)), name
    assert wb["Participants"].freeze_panes.startswith("C")  # names stay in sight when scrolling sideways
    other = load_workbook(files[("ACCOMP-2025", "xlsx")])
    assert "Heures" in other.sheetnames and "Heures MAD" not in other.sheetnames  # no MAD threshold under 3.15


def test_file_active_sheet_equals_file_active_view_with_chart(demo, files):
    for code in ("AI-2024", "ACCOMP-2025"):
        op = get_operation(demo, code)
        view = activity.file_active_view(demo, op.id)
        ws = load_workbook(files[(code, "xlsx")])["File active"]
        _, rows = sheet_rows(ws, "Mois")
        body, total = rows[:-1], rows[-1]
        assert [r[:5] for r in body] == [(format_month(m.month), m.entrees, m.sorties, m.file_active, m.places)
                                         for m in view.months]
        assert [round(r[5], 6) for r in body] == [round(float(m.occupation), 6) for m in view.months]
        assert round(total[5], 6) == round(float(view.taux_occupation), 6)
        counts = reporting.participants_counts(demo, op.id, view.as_of)
        assert (total[1], total[2]) == (counts["entres"], counts["sortis"])
        header = next(row[0].row for row in ws.iter_rows() if row[0].value == "Mois")
        assert ws.cell(header + 1, 6).number_format == "0.0%"
        assert len(ws._charts) == 1


def test_synthese_figures_equal_the_services(demo, files):
    op = get_operation(demo, "AI-2024")
    as_of = date(2024, 12, 31)
    fig = figures(load_workbook(files[("AI-2024", "xlsx")])["Synthèse"])
    counts = reporting.participants_counts(demo, op.id, as_of)
    grid = activity.hours_grid(demo, op.id)
    view = exits.exits_view(demo, op.id)
    milestones = activity.milestone_indicators(demo, op.id)
    assert fig["Personnes accompagnées depuis le début de l'opération"][1] == counts["accompagnes"]
    assert fig["  dont bénéficiaires du RSA"][1] == counts["brsa"]
    assert fig["Taux de sorties dynamiques (sur les sorties comptées)"][1] == pytest.approx(
        float(view.summary.taux_dynamiques))
    valorisables = fig["Mois d'accompagnement valorisables (objectif : postes × 12)"]
    assert valorisables[1:3] == (grid.totals.valorisables, grid.months_target)
    assert valorisables[3] == ("oui" if grid.totals.valorisables >= grid.months_target else "non")
    assert fig["Heures de mise à disposition"][1] == float(grid.totals.mad)
    assert fig["Taux de contractualisation (CER validés ÷ parcours accueillis)"][1] == pytest.approx(
        float(milestones.taux_contractualisation))
    assert fig["Pièces probantes manquantes"][1] == view.missing_proofs
    objective = view.objectives[0]
    assert fig[f"Objectif de la fiche – {objective.label}"][1:4] == (
        int(objective.achieved), int(objective.target), "oui" if objective.met else "non")
    money = fig["Subvention estimée à ce jour"]
    from aapdesk.services import finances

    assert money[1] == float(finances.finance_view(demo, op.id).estimate.montant_estime)


def test_participants_sheet_has_one_row_per_parcours(demo, files):
    for code in ("AI-2024", "ACCOMP-2025"):
        op = get_operation(demo, code)
        ws = load_workbook(files[(code, "xlsx")])["Participants"]
        header, rows = sheet_rows(ws, "Nom")
        body, total = rows[:-1], rows[-1]
        expected = participants.list_participant_rows(demo, op.id)
        assert len(body) == len(expected) and total[0] == f"{len(expected)} parcours"
        assert sorted((r[0], r[1], r[8].date()) for r in body) == sorted(
            (p.nom, p.prenom, p.date_entree) for p in expected)
        assert ws.cell(header + 1, 9).number_format == "DD/MM/YYYY"
        by_name = {(r.nom, r.prenom, r.date_sortie): r for r in exits.exits_view(demo, op.id).rows}
        for r in body:
            exit_row = by_name.get((r[0], r[1], r[9].date() if r[9] else None))
            if exit_row is not None and exit_row.type is not None:
                assert (r[11], r[12]) == (exit_row.type_label, exit_row.category_label)


def test_hours_sheet_flags_months_under_the_threshold(demo, files):
    op = get_operation(demo, "AI-2024")
    grid = activity.hours_grid(demo, op.id)
    ws = load_workbook(files[("AI-2024", "xlsx")])["Heures MAD"]
    header, rows = sheet_rows(ws, "Nom")
    body, total = rows[:-1], rows[-1]
    assert len(body) == len(grid.rows)
    assert total[-2:] == (float(grid.totals.mad), grid.totals.sous_seuil)
    assert sum(v or 0 for v in total[4:-2]) == pytest.approx(float(grid.totals.mad))
    orange = sum(1 for row in ws.iter_rows(min_row=header + 1, max_row=header + len(body))
                 for cell in row if cell.fill.fgColor.rgb and cell.fill.fgColor.rgb.endswith("FFD8A8"))
    assert orange == grid.totals.sous_seuil
    for values, row in zip(body, grid.rows):
        for value, month in zip(values[4:-2], row.months):
            if not month.present and not month.mad:
                assert value is None  # not in parcours that month: empty, not 0
            elif month.present:
                assert value == float(month.mad)
    accompaniment = load_workbook(files[("AI-2024", "xlsx")])["Heures accompagnement"]
    _, rows = sheet_rows(accompaniment, "Nom")
    assert rows[-1][-1] == float(grid.totals.accompagnement)


def test_exits_and_todo_sheets_equal_the_services(demo, files):
    op = get_operation(demo, "AI-2024")
    view = exits.exits_view(demo, op.id)
    wb = load_workbook(files[("AI-2024", "xlsx")])
    _, rows = sheet_rows(wb["Sorties"], "Catégorie")
    counts = {r[0]: r[1] for r in rows}
    for category in ExitCategory:
        label = [k for k in counts if k and k.lower().startswith(CATEGORY_LABELS[category])]
        assert counts[label[0]] == view.summary.counts[category]
    assert counts["Sorties comptées"] == view.summary.comptees
    _, detail = sheet_rows(wb["Détail des sorties"], "Date")
    assert [(r[0].date(), r[1], r[7]) for r in detail] == [(r.date_sortie, r.nom, r.explanation) for r in view.rows]
    todos = [t for t in activity.todo_list(demo, operation_id=op.id, au=date(2024, 12, 31))
             if t.code not in TODO_CODES_LEFT_OUT]
    _, rows = sheet_rows(wb["À faire"], "Échéance")
    assert [(r[0].date(), r[3]) for r in rows] == [(t.due, t.label) for t in todos]


def test_pdf_has_the_figures_and_numbered_pages(demo, files):
    for code in ("AI-2024", "ACCOMP-2025"):
        op = get_operation(demo, code)
        reader = PdfReader(str(files[(code, "pdf")]))
        text = pdf_text(files[(code, "pdf")])
        pages = len(reader.pages)
        assert reader.pages[0].mediabox.width > reader.pages[0].mediabox.height  # landscape for the comité
        for expected in ("Tableau de bord", f"{op.code} – {op.intitule}", "Synthèse", "File active mensuelle",
                         "Parcours de l'opération", "Sorties par catégorie", "À faire", "Association Avenir Emploi Artois",
                         f"page 1 / {pages}", f"page {pages} / {pages}"):
            assert expected in text, (code, expected)
        view = exits.exits_view(demo, op.id)
        if view.summary.taux_dynamiques is not None:
            rate = f"{Decimal(view.summary.taux_dynamiques * 100).quantize(Decimal('0.1'))}".replace(".", ",")
            assert f"{rate} %" in text
    assert "pour le comité du" in pdf_text(files[("ACCOMP-2025", "pdf")])


# --- the CLI ---------------------------------------------------------------------------------

def test_cli_writes_both_reports(demo_template, tmp_path, capsys):
    data = copy_demo(demo_template, tmp_path / "data")
    out = tmp_path / "rapports"
    commands = [
        ["report", "tableau-de-bord", "--operation", "AI-2024", "--au", "2024-06-30", "--out", str(out / "tdb.xlsx")],
        ["report", "reporting-mensuel", "--operation", "IOD-NORD-2021", "--mois", "2021-06", "--out", str(out / "rm.pdf")],
    ]
    for argv in commands:
        assert main(["--data-dir", str(data), *argv], clock=clock) == 0, argv
    printed = capsys.readouterr().out
    assert "Tableau de bord écrit" in printed and "Reporting mensuel écrit" in printed
    assert load_workbook(out / "tdb.xlsx")["Synthèse"]["A4"].value.startswith("Situation au 30/06/2024")
    assert "Reporting mensuel – juin 2021" in pdf_text(out / "rm.pdf")
    assert main(["--data-dir", str(data), "report", "tableau-de-bord", "--operation", "AI-2024",
                 "--out", str(out / "tdb.docx")], clock=clock) == 2
    assert "xlsx ou .pdf" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        main(["--data-dir", str(data), "report", "reporting-mensuel", "--operation", "AI-2024",
              "--out", str(out / "x.pdf")], clock=clock)
    assert exc.value.code == 2  # --mois is required


# --- formula injection --------------------------------------------------------------------------

HOSTILE = ("=HYPERLINK(\"http://evil.example\",\"clic\")", "+33 6 12 34 56 78", "-1+1", "@SUM(1)", "\t=1+2",
           "\r=3+4")


def test_no_free_text_becomes_a_formula(app, tmp_path):
    """Every free text reaching the files (structure, operation, participant, référent, employer, comment,
    comité decisions) starts with a formula trigger: the workbook holds no formula and no text starting with one."""
    save_structure(app, StructureData(nom=HOSTILE[0]))
    op = create_operation(app, OperationInput(code="AI", dispositif_key="62-2024-3.10", debut=date(2024, 1, 1),
                                              fin=date(2024, 12, 31), postes=5, intitule=HOSTILE[1],
                                              montant=Decimal("10000")))
    ids = []
    for index, text in enumerate(HOSTILE):
        pid = create_participant_with(app, op.id, text, index)
        ids.append(pid)
    parcours = participants.get_participant(app, ids[0]).parcours[0].id
    exits.record_exit(app, parcours, date(2024, 6, 30), ExitInput(ExitType.CDD, Decimal(3), employeur=HOSTILE[2],
                                                                  commentaire=HOSTILE[3]))
    activity.save_comite(app, op.id, activity.ComiteInput(date=date(2024, 4, 1), decisions=HOSTILE[4],
                                                          tableau_de_bord_envoye=True))
    activity.save_comite(app, op.id, activity.ComiteInput(date=date(2025, 4, 1), decisions=HOSTILE[5]))
    for name, request in (("tableau-de-bord", report_registry.ReportRequest(op.id)),
                          ("reporting-mensuel", report_registry.ReportRequest(op.id, month=YearMonth(2024, 6)))):
        path = report_registry.generate(app, name, request, "xlsx", tmp_path / f"{name}.xlsx")
        with zipfile.ZipFile(path) as archive:
            for member in archive.namelist():
                if member.startswith("xl/worksheets/"):
                    xml = archive.read(member).decode("utf-8")
                    assert "<f>" not in xml and "<f " not in xml, (name, member)
        wb = load_workbook(path)
        texts = [c.value for ws in wb for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
        assert [t for t in texts if t.startswith(FORMULA_TRIGGERS)] == [], name
        joined = "\n".join(texts)
        assert "'=HYPERLINK(" in joined and "'-1+1" in joined
        if name == "tableau-de-bord":
            for hostile in HOSTILE:
                assert "'" + hostile.strip() in joined or "'" + hostile.strip().upper() in joined, hostile
        pdf = report_registry.generate(app, name, request, "pdf", tmp_path / f"{name}.pdf")
        assert "=HYPERLINK(" in pdf_text(pdf)  # shown literally in the PDF


def create_participant_with(app, operation_id: int, text: str, index: int) -> int:
    return participants.create_participant(
        app, ParticipantInput(nom=f"{text}", prenom=f"{text} {index}", sexe="F", date_naissance=date(1980, 1, 1 + index),
                              commune=text, brsa=True),
        operation_id, ParcoursInput(date_entree=date(2024, 6, 1), referent=text))

