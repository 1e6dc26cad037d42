"""The thin xlsx and PDF writers on a hand-made report: layout, formats, flags, charts,
pagination, escaping and formula-injection neutralising, independent of any database."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from decimal import Decimal

from openpyxl import load_workbook
from pypdf import PdfReader

from aapdesk.reports.model import Cell, Chart, Column, KeyFigure, Kind, Report, Section, Table
from aapdesk.reports.pdf_writer import escape, value_text, write_pdf
from aapdesk.reports.xlsx_common import FORMULA_TRIGGERS
from aapdesk.reports.xlsx_writer import write_xlsx

HOSTILE = ("=HYPERLINK(\"http://x\",\"y\")", "+33 6 12 34 56 78", "-1+1", "@SUM(1)", "\t=1+1", "\r=1+1")


def sample_report(rows: int = 5, *, text: str = "Avenir", wide: bool = False) -> Report:
    columns = [Column("Nom", width=16), Column("Entrée", Kind.DATE, 10), Column("Heures", Kind.HOURS, 8),
               Column("Montant", Kind.MONEY, 12), Column("Taux", Kind.PERCENT, 8), Column("Présent", Kind.BOOL, 8),
               Column("Nombre", Kind.INT, 8)]
    if wide:
        columns += [Column(f"Mois {i}", Kind.HOURS, 8) for i in range(40)]
    body = [[Cell(f"{text} {i}"), date(2025, 1, 1 + i % 28), Cell(Decimal("7.5"), "warning" if i == 1 else ""),
             Decimal("1234.5"), Decimal("0.4567"), i % 2 == 0, Cell(i, "error" if i == 2 else "")]
            + ([Decimal(i)] * 40 if wide else []) for i in range(rows)]
    table = Table.of("Parcours", columns, body, ["Total", None, Decimal("37.5"), Decimal("6172.5"), None, None, rows]
                     + ([None] * 40 if wide else []), note=f"Note {text}")
    chart = Chart("File active", ("janv. 2025", "févr. 2025", "mars 2025"), (5, 8, 12), "File active", (10, 10, 10),
                  "Places")
    return Report(
        title=f"Tableau {text}", structure=f"{text} structure", operation=f"{text} opération",
        subtitle=f"Situation {text}", generated_on=date(2025, 3, 15),
        sections=(
            Section("Synthèse", paragraphs=(f"Paragraphe {text}",), figures=(
                KeyFigure(f"Accompagnés {text}", 12, Kind.INT, 15, False),
                KeyFigure("Taux d'occupation", Decimal("0.8"), Kind.PERCENT, Decimal(1), False),
                KeyFigure("Subvention", Decimal("46020"), Kind.MONEY),
                KeyFigure("Sans valeur", None, Kind.PERCENT)), bullets=(f"Puce {text}",)),
            Section("File active", tables=(table,), charts=(chart,), sheet="File active"),
            Section("Sorties : détail / total [2025]", tables=(table,)),
            Section("Synthèse", paragraphs=("Deuxième section au même nom",)),
            Section("Une section au titre bien trop long pour un onglet d'Excel"),
        ),
        parameters=(("Date d'arrêté", "15/03/2025"), (f"Paramètre {text}", text)),
    )


def xlsx_bytes(report: Report) -> bytes:
    buffer = io.BytesIO()
    write_xlsx(report, buffer)
    return buffer.getvalue()


def pdf_reader(report: Report) -> PdfReader:
    buffer = io.BytesIO()
    write_pdf(report, buffer)
    buffer.seek(0)
    return PdfReader(buffer)


def pdf_text(reader: PdfReader) -> str:
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_xlsx_sheets_title_block_and_parameters():
    wb = load_workbook(io.BytesIO(xlsx_bytes(sample_report())))
    assert wb.sheetnames == ["Synthèse", "File active", "Sorties détail total 2025", "Synthèse (2)",
                             "Une section au titre bien trop", "Paramètres"]
    first = [c.value for c in wb["Synthèse"]["A"][:6]]
    assert first[:5] == ["Tableau Avenir", "Avenir structure", "Avenir opération", "Situation Avenir", "Édité le 15/03/2025"]
    params = {row[0]: row[1] for row in wb["Paramètres"].iter_rows(min_row=5, values_only=True)}
    assert params["Paramètre Avenir"] == "Avenir" and params["Date d'arrêté"] == "15/03/2025"


def test_xlsx_figures_formats_flags_totals_freeze_and_chart():
    wb = load_workbook(io.BytesIO(xlsx_bytes(sample_report())))
    synthese = wb["Synthèse"]
    figures = {row[0].value: row for row in synthese.iter_rows() if row[0].value and row[1].value is not None}
    assert figures["Indicateur"][3].value == "Atteint"
    accompagnes = figures["Accompagnés Avenir"]
    assert (accompagnes[1].value, accompagnes[2].value, accompagnes[3].value) == (12, 15, "non")
    assert figures["Taux d'occupation"][1].number_format == "0.0%"
    assert figures["Subvention"][1].value == 46020 and "€" in figures["Subvention"][1].number_format
    assert figures["Sans valeur"][1].value == "–"

    ws = wb["File active"]
    header = next(row for row in ws.iter_rows() if row[0].value == "Nom")
    header_row = header[0].row
    assert ws.freeze_panes == f"A{header_row + 1}"
    first = [c for c in ws[header_row + 1]][:7]
    assert first[0].value == "Avenir 0"
    assert first[1].number_format == "DD/MM/YYYY" and first[1].value.date() == date(2025, 1, 1)
    assert first[2].value == 7.5 and first[2].number_format == "#,##0.0"
    assert first[3].value == 1234.5 and first[3].number_format == '#,##0.00\\ "€"'
    assert first[4].value == 0.4567 and first[4].number_format == "0.0%"
    assert first[5].value == "oui"
    assert first[6].value == 0 and first[6].number_format == "#,##0"
    assert ws.cell(header_row + 2, 3).fill.fgColor.rgb.endswith("FFD8A8")  # warning: orange
    assert ws.cell(header_row + 3, 7).fill.fgColor.rgb.endswith("F4B4B4")  # error: red
    total = ws[header_row + 6]
    assert total[0].value == "Total" and total[0].font.bold and total[2].value == 37.5
    assert ws[header_row + 7][0].value == "Note Avenir"
    assert ws.column_dimensions["A"].width == 16 and ws.column_dimensions["B"].width == 10
    charts = ws._charts
    assert len(charts) == 1
    assert charts[0].tagname == "barChart" and charts[0].series[0].tx.strRef is not None
    assert len(charts[0]._charts) == 2  # bars, and the places line overlaid


def test_xlsx_tables_on_one_sheet_get_the_width_each_asks_and_long_texts_wrap_into_taller_rows():
    decision = "Poursuite des parcours ; deux orientations à confirmer avec le SLAI au prochain comité de pilotage."
    summary = Table.of("Résumé", [Column("Indicateur", width=30), Column("Valeur", Kind.INT, 10)], [["Accompagnés", 12]])
    comites = Table.of("Comités", [Column("Date", Kind.DATE, 11), Column("Décisions", width=40)],
                       [[date(2025, 4, 26), decision], [date(2025, 8, 26), "Aucune"]])
    paragraph = "Un long paragraphe d'introduction " * 8
    report = Report("Tableau", "Structure", "Opération", "", date(2025, 3, 15),
                    (Section("Synthèse", paragraphs=(paragraph.strip(),), tables=(summary, comites)),))
    ws = load_workbook(io.BytesIO(xlsx_bytes(report)))["Synthèse"]
    # the second table's wide column is not squeezed into the first table's narrow one
    assert ws.column_dimensions["A"].width == 30 and ws.column_dimensions["B"].width == 40
    long_row = next(row for row in ws.iter_rows() if row[1].value == decision)
    assert long_row[1].alignment.wrap_text and long_row[1].alignment.vertical == "top"
    assert ws.row_dimensions[long_row[0].row].height >= 2 * 15
    short_row = next(row for row in ws.iter_rows() if row[1].value == "Aucune")
    assert ws.row_dimensions[short_row[0].row].height in (None, 15)
    # a paragraph wraps over the first columns instead of running off the printed page
    cell = next(c for row in ws.iter_rows() for c in row if c.value == paragraph.strip())
    merged = next(r for r in ws.merged_cells.ranges if cell.coordinate in r)
    assert merged.max_col > 1 and cell.alignment.wrap_text
    assert ws.row_dimensions[cell.row].height >= 2 * 15


def test_xlsx_has_values_never_formulas_and_neutralises_every_text():
    for hostile in HOSTILE:
        data = xlsx_bytes(sample_report(text=hostile))
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for name in archive.namelist():
                if name.startswith("xl/worksheets/sheet"):
                    xml = archive.read(name).decode("utf-8")
                    assert "<f>" not in xml and "<f " not in xml, name
        wb = load_workbook(io.BytesIO(data))
        texts = [cell.value for ws in wb for row in ws.iter_rows() for cell in row if isinstance(cell.value, str)]
        assert any(hostile.strip()[:3] in t for t in texts)
        offenders = [t for t in texts if t.startswith(FORMULA_TRIGGERS)]
        assert offenders == [], hostile
        assert all(cell.data_type != "f" for ws in wb for row in ws.iter_rows() for cell in row)


def test_pdf_text_french_formatting_and_page_numbers():
    reader = pdf_reader(sample_report(rows=8))
    text = pdf_text(reader)
    for expected in ("Tableau Avenir", "Avenir structure", "Avenir opération", "Synthèse", "Accompagnés Avenir",
                     "80,0 %", "100,0 %", "46 020,00 €", "1 234,50 €", "45,7 %", "7,5", "01/01/2025", "Puce Avenir",
                     "Paramètres du rapport", "Note Avenir", "Édité le 15/03/2025"):
        assert expected in text, expected
    pages = len(reader.pages)
    assert f"page 1 / {pages}" in text and f"page {pages} / {pages}" in text


def test_pdf_long_table_paginates_and_repeats_its_header():
    reader = pdf_reader(sample_report(rows=150))
    assert len(reader.pages) >= 4
    later = " ".join(reader.pages[3].extract_text().split())
    assert "Nom" in later and "Montant" in later  # the header row repeats on every page


def test_pdf_wide_table_goes_landscape_and_splits_its_columns():
    reader = pdf_reader(sample_report(rows=3, wide=True))
    box = reader.pages[0].mediabox
    assert box.width > box.height
    text = pdf_text(reader)
    assert "Parcours (suite)" in text and "Mois 39" in text
    narrow = pdf_reader(sample_report(rows=3)).pages[0].mediabox
    assert narrow.width < narrow.height


def test_pdf_escapes_markup_and_keeps_hostile_text_literal():
    report = sample_report(text="<b>Dupont</b> & Fils =1+1")
    text = pdf_text(pdf_reader(report))
    assert "<b>Dupont</b> & Fils =1+1" in text
    assert escape("a < b & c > d") == "a &lt; b &amp; c &gt; d"
    assert escape("  dont femmes") == "&nbsp;&nbsp;&nbsp;&nbsp;dont femmes"


def test_value_text_matches_screen_formatting():
    assert value_text(Decimal("1234.5"), Kind.MONEY) == "1\u202f234,50\u202f€"
    assert value_text(Decimal("0.5111"), Kind.PERCENT) == "51,1\u202f%"
    assert value_text(Decimal("12.5"), Kind.HOURS) == "12,5"
    assert value_text(Decimal("12.5"), Kind.HOURS, unit=True) == "12,5\u202fh"
    assert value_text(Decimal("33.3333"), Kind.DECIMAL) == "33,33"
    assert value_text(Decimal("12.50"), Kind.DECIMAL) == "12,5"
    assert value_text(Decimal("3"), Kind.DECIMAL) == "3"
    assert value_text(date(2024, 12, 31), Kind.DATE) == "31/12/2024"
    assert value_text(True, Kind.BOOL) == "oui" and value_text(None, Kind.INT) == ""
    assert value_text(7432, Kind.INT) == "7\u202f432"
