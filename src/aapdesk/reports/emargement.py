"""Feuille d'émargement of a collective session: names, date and a signature column, blank or pre-filled."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import BinaryIO

from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

from aapdesk.formatting import format_date
from aapdesk.reports.pdf_base import FONT, FONT_BOLD, INK, RULE, SHADE, PageHeader, build_pdf, styles


@dataclass(frozen=True)
class AttendanceSheet:
    structure: str
    operation: str
    titre: str
    date: date
    duree_minutes: int
    animateur: str
    #: (nom, prénom) of the people registered; empty for a blank sheet.
    personnes: tuple[tuple[str, str], ...]
    lignes_vierges: int = 0
    edite_le: date | None = None


def _duration(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    return f"{hours} h {rest:02d}" if hours and rest else (f"{hours} h" if hours else f"{rest} min")


def write_attendance_sheet(sheet: AttendanceSheet, handle: BinaryIO) -> None:
    s = styles()
    story = [
        Paragraph("Feuille d'émargement", s["title"]),
        Paragraph(f"<b>Atelier :</b> {_escape(sheet.titre)}", s["body"]),
        Paragraph(f"<b>Date :</b> {format_date(sheet.date)} &nbsp;&nbsp; <b>Durée :</b> {_duration(sheet.duree_minutes)}"
                  f" &nbsp;&nbsp; <b>Animé par :</b> {_escape(sheet.animateur) or '…………………………'}", s["body"]),
        Paragraph(f"<b>Opération :</b> {_escape(sheet.operation)}", s["body"]),
        Spacer(1, 6 * mm),
    ]
    rows = [["N°", "Nom", "Prénom", "Signature"]]
    people = list(sheet.personnes) + [("", "")] * sheet.lignes_vierges
    if not people:
        people = [("", "")] * 15
    for index, (nom, prenom) in enumerate(people, start=1):
        rows.append([str(index), Paragraph(_escape(nom), s["cell_bold"]), Paragraph(_escape(prenom), s["cell"]), ""])
    table = Table(rows, colWidths=[12 * mm, 55 * mm, 45 * mm, 66 * mm], rowHeights=[8 * mm] + [11 * mm] * len(people),
                  repeatRows=1)
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, 0), FONT_BOLD, 9),
        ("FONT", (0, 1), (0, -1), FONT, 9),
        ("TEXTCOLOR", (0, 0), (-1, -1), INK),
        ("BACKGROUND", (0, 0), (-1, 0), SHADE),
        ("GRID", (0, 0), (-1, -1), 0.5, RULE),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ALIGN", (0, 0), (0, -1), "CENTER"),
    ]))
    story += [table, Spacer(1, 8 * mm),
              Paragraph("Signature de l'animateur ou de l'animatrice :", s["body"]), Spacer(1, 18 * mm)]
    footer = f"Édité le {format_date(sheet.edite_le)} avec aapdesk" if sheet.edite_le else "aapdesk"
    build_pdf(handle, story, PageHeader(sheet.structure, sheet.operation, footer),
              title=f"Feuille d'émargement – {sheet.titre}")


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
