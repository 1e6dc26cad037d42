"""Monthly time sheet (fiche temps) of a partially assigned staff member, to print and sign."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import BinaryIO

from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

from aapdesk.domain.periods import YearMonth
from aapdesk.formatting import format_date
from aapdesk.reports.pdf_base import FONT, FONT_BOLD, INK, RULE, SHADE, PageHeader, build_pdf, styles

WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


@dataclass(frozen=True)
class TimeSheet:
    structure: str
    operation: str
    salarie: str
    fonction: str
    mois: YearMonth
    taux_affectation: str  # e.g. "40 %"
    edite_le: date


def write_time_sheet(sheet: TimeSheet, handle: BinaryIO) -> None:
    s = styles()
    story = [
        Paragraph(f"Fiche temps – {sheet.mois.label}", s["title"]),
        Paragraph(f"<b>Salarié :</b> {sheet.salarie} &nbsp;&nbsp; <b>Fonction :</b> {sheet.fonction}", s["body"]),
        Paragraph(f"<b>Opération :</b> {sheet.operation} &nbsp;&nbsp; <b>Affectation prévue :</b> {sheet.taux_affectation}",
                  s["body"]),
        Spacer(1, 4 * mm),
    ]
    rows = [["Date", "Jour", "Heures sur l'opération", "Autres activités", "Total"]]
    day = sheet.mois.first_day
    weekend_rows = []
    while day <= sheet.mois.last_day:
        rows.append([format_date(day), WEEKDAYS[day.weekday()], "", "", ""])
        if day.weekday() >= 5:
            weekend_rows.append(len(rows) - 1)
        day += timedelta(days=1)
    rows.append(["Total du mois", "", "", "", ""])
    table = Table(rows, colWidths=[28 * mm, 26 * mm, 42 * mm, 38 * mm, 28 * mm], rowHeights=6.2 * mm, repeatRows=1)
    style = [
        ("FONT", (0, 0), (-1, 0), FONT_BOLD, 8.5), ("FONT", (0, 1), (-1, -1), FONT, 8.5),
        ("FONT", (0, -1), (-1, -1), FONT_BOLD, 8.5), ("TEXTCOLOR", (0, 0), (-1, -1), INK),
        ("BACKGROUND", (0, 0), (-1, 0), SHADE), ("GRID", (0, 0), (-1, -1), 0.4, RULE),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]
    style += [("BACKGROUND", (0, r), (-1, r), "#F3F4F6") for r in weekend_rows]
    table.setStyle(TableStyle(style))
    signatures = Table([["Signature du salarié", "Visa du responsable"], ["\n\n\n", "\n\n\n"]],
                       colWidths=[81 * mm, 81 * mm])
    signatures.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), FONT, 9), ("GRID", (0, 0), (-1, -1), 0.4, RULE),
                                    ("BACKGROUND", (0, 0), (-1, 0), SHADE)]))
    story += [table, Spacer(1, 5 * mm), signatures]
    build_pdf(handle, story, PageHeader(sheet.structure, sheet.operation, f"Édité le {format_date(sheet.edite_le)} avec aapdesk"),
              title=f"Fiche temps {sheet.mois}", margins_mm=14)
