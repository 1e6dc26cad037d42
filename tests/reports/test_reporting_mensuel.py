"""Reporting mensuel on the demo under a fixed clock: accompagnés, entrés, sortis and nature of the
exits of a month equal the file active and exits the screens show; the month's lists; refusals."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from aapdesk.domain.exits import CATEGORY_LABELS, ExitCategory
from aapdesk.domain.periods import YearMonth
from aapdesk.domain.problems import ValidationError
from aapdesk.services import activity, exits, report_registry
from aapdesk.services.context import open_app
from aapdesk.services.operations import get_operation
from aapdesk.services.reports_activity import monthly_data

NOW = datetime(2025, 3, 15, 10, 0)


def clock() -> datetime:
    return NOW


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory) -> Path:
    """The demo's data folder, built once per test session (shared with the tableau de bord tests), then closed."""
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


@pytest.fixture(scope="module")
def demo(demo_template, tmp_path_factory):
    data = tmp_path_factory.mktemp("mensuel") / "data"
    shutil.copytree(demo_template, data, ignore=shutil.ignore_patterns("aapdesk.lock"))
    app = open_app(str(data), clock=clock)
    yield app
    app.db.close(NOW, backup=False)


@pytest.fixture(scope="module")
def nord(demo):
    return get_operation(demo, "IOD-NORD-2021")


@pytest.fixture(scope="module")
def busiest_month(demo, nord) -> YearMonth:
    """The Nord operation's month with the most exits (so that the nature of exits is not all zeros)."""
    view = activity.file_active_view(demo, nord.id)
    return max(view.months, key=lambda row: (row.sorties, row.entrees)).month


@pytest.fixture(scope="module")
def files(demo, nord, busiest_month, tmp_path_factory):
    out = tmp_path_factory.mktemp("mensuel-out")
    request = report_registry.ReportRequest(nord.id, month=busiest_month)
    return {fmt: report_registry.generate(demo, "reporting-mensuel", request, fmt, out / f"rm.{fmt}")
            for fmt in ("xlsx", "pdf")}


def table(ws, title: str) -> list[tuple]:
    header = next(row[0].row for row in ws.iter_rows() if row[0].value == title)
    rows = []
    for cells in ws.iter_rows(min_row=header + 1):
        if all(c.value is None for c in cells) or cells[0].font.italic:
            break
        rows.append(tuple(c.value for c in cells))
    return rows


def pdf_text(path: Path) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(str(path)).pages).split())


def test_every_month_matches_the_file_active_and_the_exits(demo, nord):
    view = activity.file_active_view(demo, nord.id)
    all_exits = exits.exits_view(demo, nord.id).rows
    for row in view.months:
        data = monthly_data(demo, nord.id, row.month)
        assert data.row == row
        assert len(data.entries) == row.entrees
        assert len(data.exits) == row.sorties
        assert [e.parcours_id for e in data.exits] == [e.parcours_id for e in all_exits if e.month == row.month]
        assert sum(data.summary.counts.values()) == sum(1 for e in data.exits if e.type is not None)


def test_workbook_figures_equal_the_services(demo, nord, busiest_month, files):
    wb = load_workbook(files["xlsx"])
    assert wb.sheetnames == ["Synthèse", "Entrées", "Sorties", "Paramètres"]
    ws = wb["Synthèse"]
    assert ws["A1"].value == f"Reporting mensuel – {busiest_month.label}"
    row = next(r for r in activity.file_active_view(demo, nord.id).months if r.month == busiest_month)
    figures = {r[0]: r for r in table(ws, "Indicateur")}
    accompagnes = figures[f"Allocataires accompagnés (file active au {busiest_month.last_day:%d/%m/%Y})"]
    assert accompagnes[1:3] == (row.file_active, row.places)
    assert figures["Allocataires entrés dans l'action au cours du mois"][1] == row.entrees
    assert figures["Allocataires sortis de l'action au cours du mois"][1] == row.sorties
    assert figures["Taux d'occupation des places"][1] == pytest.approx(float(row.occupation))

    month_exits = [r for r in exits.exits_view(demo, nord.id).rows if r.month == busiest_month]
    nature = {r[0]: r[1] for r in table(ws, "Nature de la sortie")}
    for category in ExitCategory:
        label = next(k for k in nature if k.lower().startswith(CATEGORY_LABELS[category]))
        assert nature[label] == sum(1 for r in month_exits if r.type is not None and r.category is category)
    assert nature["Sorties du mois"] == row.sorties

    entries = table(wb["Entrées"], "Entrée")
    assert len(entries) - 1 == row.entrees and entries[-1][0] == f"{row.entrees} entrée{'s' if row.entrees > 1 else ''}"
    assert all(YearMonth.of(r[0].date()) == busiest_month for r in entries[:-1])
    leaving = table(wb["Sorties"], "Sortie")
    assert [(r[0].date(), r[1], r[6]) for r in leaving[:-1]] == [
        (r.date_sortie, r.nom, r.category_label) for r in month_exits]
    assert wb["Sorties"].freeze_panes is not None


def test_pdf_is_portrait_with_the_deadline(files, busiest_month):
    reader = PdfReader(str(files["pdf"]))
    assert reader.pages[0].mediabox.width < reader.pages[0].mediabox.height
    text = pdf_text(files["pdf"])
    deadline = busiest_month.add(1).first_day.replace(day=10)
    pages = len(reader.pages)
    for expected in (f"Reporting mensuel – {busiest_month.label}", "IOD-NORD-2021", "Nature des sorties",
                     f"au plus tard le {deadline:%d/%m/%Y}", "Allocataires entrés dans l'action",
                     f"page 1 / {pages}"):
        assert expected in text, expected


def test_current_month_is_provisional_and_pdc_has_no_deadline(demo, tmp_path):
    op = get_operation(demo, "ACCOMP-2025")
    path = report_registry.generate(demo, "reporting-mensuel",
                                    report_registry.ReportRequest(op.id, month=YearMonth(2025, 3)), "pdf",
                                    tmp_path / "mars.pdf")
    text = pdf_text(path)
    assert "chiffres provisoires arrêtés au 15/03/2025" in text
    assert "au plus tard" not in text


def test_refuses_months_outside_the_operation_or_to_come(demo, nord):
    with pytest.raises(ValidationError, match="en dehors de l'opération"):
        monthly_data(demo, nord.id, YearMonth(2022, 1))
    current = get_operation(demo, "ACCOMP-2025")
    with pytest.raises(ValidationError, match="pas encore commencé"):
        monthly_data(demo, current.id, YearMonth(2025, 4))
    with pytest.raises(ValueError, match="demande un mois"):
        report_registry.generate(demo, "reporting-mensuel", report_registry.ReportRequest(nord.id), "xlsx",
                                 Path("/nonexistent/never.xlsx"))
