"""Bilan pédagogique: the written half of the bilan final (domain.md §6.4) — one section per topic
the fiche asks for, with the coordinator's text and the indicator tables inserted automatically.

* :func:`expected_sections` — the sections of an operation's bilan, with French titles and a
  hint of what to write (SIAE fiches add the référentiel qualité, 3.13 and 5.6 the Département's
  orientations, Nord operations the perspectives);
* :func:`parse_narrative` — the saved text: paragraphs separated by blank lines, lines starting
  with "- " become bullet lists;
* :func:`build_bilan_pedagogique` — sections with their text and tables; an empty section says
  « À compléter » so that nobody sends a half-written bilan unknowingly;
* :func:`write_bilan_pedagogique_pdf` — the PDF (paragraphs and lists keep their order, which a
  plain :class:`~aapdesk.reports.model.Section` cannot express).

Pure: no database, no clock.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import BinaryIO

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import CondPageBreak, KeepTogether, ListFlowable, ListItem, Paragraph, Spacer, TableStyle
from reportlab.platypus import Table as PdfTable

from aapdesk.formatting import (
    format_date,
    format_operation,
)
from aapdesk.reports.bilan_execution import ExitFigures, exit_tables
from aapdesk.reports.model import Cell, Column, Kind, Table
from aapdesk.reports.pdf_base import ACCENT, FONT, FONT_BOLD, RULE, SHADE, PageHeader, build_pdf, styles
from aapdesk.reports.pdf_writer import escape, value_text

TO_COMPLETE = "À compléter"


# --- the sections a bilan must hold ----------------------------------------------------

@dataclass(frozen=True)
class SectionSpec:
    code: str
    title: str
    hint: str
    #: What aapdesk inserts after the text, in French (shown in the editor).
    inserted: tuple[str, ...] = ()


DEROULEMENT = SectionSpec(
    "deroulement", "Déroulement de l'action",
    "Phasage et calendrier, méthodes et outils d'accompagnement (individuel et collectif), moyens humains "
    "mobilisés, fréquence et composition des comités de pilotage et de suivi, ajustements en cours d'opération.",
    ("File active et occupation, mois par mois", "Comités tenus"))
ACCOMPAGNEMENT = SectionSpec(
    "accompagnement", "Accompagnement technique et socioprofessionnel",
    "Actions mises en œuvre : accueil et diagnostic, contrat d'engagement réciproque, entretiens individuels, "
    "ateliers collectifs, encadrement technique, levée des freins (mobilité, santé, logement, garde d'enfants, "
    "numérique), mises en situation professionnelle.",
    ("Indicateurs d'accompagnement",))
SUITES = SectionSpec(
    "suites_parcours", "Suites de parcours pour les participants",
    "Situation des participants à leur sortie (emplois, formations, orientations), situation des personnes "
    "encore accompagnées et relais prévus, suivi après la sortie.",
    ("Sorties par catégorie", "Sorties par type"))
OBJECTIFS = SectionSpec(
    "objectifs", "Atteinte des objectifs individuels et collectifs",
    "Objectifs projetés dans le dossier de demande, résultats obtenus, écarts et leurs explications, "
    "objectifs individuels des participants (projets professionnels, freins levés).",
    ("Indicateurs et objectifs", "Indicateurs de la fiche"))
PARTENAIRES = SectionSpec(
    "partenaires", "Liens avec les partenaires associés au projet",
    "SLAI et MDS, France Travail, Mission locale, employeurs et secteur économique, organismes de formation, "
    "acteurs de la santé et du logement : nature des liens, fréquence, apports pour les participants.",
    ("Orientations par prescripteur",))
EMARGEMENT = SectionSpec(
    "emargement", "Feuilles d'émargement",
    "Actions collectives réalisées et participation ; les feuilles d'émargement signées sont jointes au bilan.",
    ("Ateliers avec leurs dates et leur fréquentation",))
REFERENTIEL_QUALITE = SectionSpec(
    "referentiel_qualite", "Référentiel qualité",
    "Actions menées sur les quatre thèmes du référentiel qualité (projet professionnel, mobilité, savoir-être, "
    "numérique), levée des freins, formations suivies pendant la mise en situation de travail.")
ORIENTATIONS = SectionSpec(
    "orientations_departement", "Orientations du Département",
    "Éléments relatifs aux orientations du Département : ils doivent impérativement figurer dans ce bilan "
    "(fiche 3.13 / 5.6).")
PERSPECTIVES = SectionSpec(
    "perspectives", "Perspectives de l'action",
    "Suites envisagées pour l'action, évolutions proposées, besoins repérés sur le territoire.")


def expected_sections(departement: str, fiche: str, siae: bool) -> tuple[SectionSpec, ...]:
    """The sections of the bilan pédagogique for an operation of this fiche, in order."""
    sections = [DEROULEMENT, ACCOMPAGNEMENT, SUITES, OBJECTIFS, PARTENAIRES, EMARGEMENT]
    if siae:
        sections.append(REFERENTIEL_QUALITE)
    if departement == "62" and fiche in ("3.13", "5.6"):
        sections.append(ORIENTATIONS)
    if departement == "59":
        sections.append(PERSPECTIVES)
    return tuple(sections)


# --- the narrative text ---------------------------------------------------------------

@dataclass(frozen=True)
class Block:
    """A paragraph (``lines``: its lines, kept as typed) or a bullet list (``items``)."""

    lines: tuple[str, ...] = ()
    items: tuple[str, ...] = ()

    @property
    def is_list(self) -> bool:
        return bool(self.items)


BULLETS = ("- ", "• ", "* ")


def parse_narrative(text: str) -> tuple[Block, ...]:
    """Paragraphs are separated by blank lines; consecutive lines starting with "- " make a bullet list
    (an indented line continues the bullet above it). Whitespace-only text gives no block."""
    blocks: list[Block] = []
    lines: list[str] = []
    items: list[str] = []

    def flush() -> None:
        nonlocal lines, items
        if lines:
            blocks.append(Block(lines=tuple(lines)))
        if items:
            blocks.append(Block(items=tuple(items)))
        lines, items = [], []

    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        stripped = raw.strip()
        if not stripped:
            flush()
            continue
        bullet = next((b for b in BULLETS if stripped.startswith(b)), None) or (
            stripped if stripped in ("-", "•") else None)
        if bullet is not None:
            if lines:
                flush()
            item = stripped[len(bullet):].strip()
            if item:
                items.append(item)
        elif items and raw[:1].isspace():
            items[-1] = f"{items[-1]} {stripped}"
        else:
            if items:
                flush()
            lines.append(stripped)
    flush()
    return tuple(blocks)


# --- indicator inputs and tables ------------------------------------------------------

@dataclass(frozen=True)
class IndicatorInputs:
    """Figures from the Activité, Sorties and Participants views, for the automatic tables."""

    capacity_label: str  # "Places" or "Postes"
    #: (month label, entrées, sorties, file active, capacity, occupation)
    file_active: tuple[tuple[str, int, int, int, int | None, Decimal | None], ...] = ()
    taux_occupation: Decimal | None = None
    #: (year, day counted, file active, capacity, occupation) when the fiche reads places per year.
    file_active_annuelle: tuple[tuple[int, date, int, int | None, Decimal | None], ...] = ()
    comites: tuple[tuple[date, str, str], ...] = ()  # date, nature, participants
    #: (indicator, value as text)
    accompagnement: tuple[tuple[str, str], ...] = ()
    exits: ExitFigures | None = None
    #: (indicator, objective, achieved, met) — measured objectives, as text.
    objectifs: tuple[tuple[str, str, str, bool | None], ...] = ()
    indicateurs_fiche: tuple[tuple[str, str], ...] = ()  # label, objective
    prescripteurs: tuple[tuple[str, int], ...] = ()
    #: (date, title, minutes, animateur, registered, present)
    ateliers: tuple[tuple[date, str, int, str, int, int], ...] = ()


def _duration(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    return f"{hours} h {rest:02d}" if hours and rest else (f"{hours} h" if hours else f"{rest} min")


def indicator_tables(inputs: IndicatorInputs) -> dict[str, tuple[Table, ...]]:
    """The tables each section receives, by section code."""
    tables: dict[str, list[Table]] = {}
    if inputs.file_active:
        total_in = sum(r[1] for r in inputs.file_active)
        total_out = sum(r[2] for r in inputs.file_active)
        tables.setdefault("deroulement", []).append(Table.of(
            "File active et occupation, mois par mois",
            [Column("Mois", width=16), Column("Entrées", Kind.INT, 8), Column("Sorties", Kind.INT, 8),
             Column("File active", Kind.INT, 9), Column(inputs.capacity_label, Kind.INT, 8),
             Column("Occupation", Kind.PERCENT, 10)],
            [[label, e, s, fa, cap, occ] for label, e, s, fa, cap, occ in inputs.file_active],
            ["Total et taux moyen", total_in, total_out, None, None, inputs.taux_occupation],
            note="File active comptée le dernier jour de chaque mois ; occupation = file active ÷ "
                 f"{inputs.capacity_label.lower()}."))
    if inputs.file_active_annuelle:
        tables.setdefault("deroulement", []).append(Table.of(
            "Fonctionnement annuel",
            [Column("Année", width=8), Column("Compté le", Kind.DATE, 11), Column("File active", Kind.INT, 9),
             Column(inputs.capacity_label, Kind.INT, 8), Column("Occupation", Kind.PERCENT, 10)],
            [[str(year), day, fa, cap, occ] for year, day, fa, cap, occ in inputs.file_active_annuelle]))
    if inputs.comites:
        tables.setdefault("deroulement", []).append(Table.of(
            "Comités tenus",
            [Column("Date", Kind.DATE, 11), Column("Nature", width=18), Column("Participants", width=50)],
            [[day, nature, who] for day, nature, who in inputs.comites]))
    if inputs.accompagnement:
        tables.setdefault("accompagnement", []).append(Table.of(
            "Indicateurs d'accompagnement",
            [Column("Indicateur", width=56), Column("Réalisé", width=24)],
            [list(row) for row in inputs.accompagnement]))
    if inputs.exits is not None:
        if inputs.exits.comptees or inputs.exits.a_qualifier:
            tables.setdefault("suites_parcours", []).extend(exit_tables(inputs.exits)[:2])
    if inputs.objectifs:
        tables.setdefault("objectifs", []).append(Table.of(
            "Indicateurs et objectifs",
            [Column("Indicateur", width=46), Column("Objectif", width=12), Column("Réalisé", width=12),
             Column("Atteint", Kind.BOOL, 8)],
            [[label, target, achieved, Cell(met, "" if met or met is None else "warning")]
             for label, target, achieved, met in inputs.objectifs]))
    if inputs.indicateurs_fiche:
        tables.setdefault("objectifs", []).append(Table.of(
            "Indicateurs de la fiche",
            [Column("Indicateur d'évaluation", width=56), Column("Objectif fixé par la fiche", width=30)],
            [[label, objective or "à préciser par le porteur"] for label, objective in inputs.indicateurs_fiche]))
    if inputs.prescripteurs:
        tables.setdefault("partenaires", []).append(Table.of(
            "Orientations par prescripteur",
            [Column("Prescripteur", width=50), Column("Participants", Kind.INT, 11)],
            [[label, n] for label, n in inputs.prescripteurs],
            ["Total", sum(n for _, n in inputs.prescripteurs)]))
    if inputs.ateliers:
        tables.setdefault("emargement", []).append(Table.of(
            "Ateliers collectifs",
            [Column("Date", Kind.DATE, 11), Column("Atelier", width=36), Column("Durée", width=8),
             Column("Animé par", width=22), Column("Inscrits", Kind.INT, 8), Column("Présents", Kind.INT, 8),
             Column("Présence", Kind.PERCENT, 9)],
            [[day, title, _duration(minutes), who, registered, present,
              Decimal(present) / registered if registered else None]
             for day, title, minutes, who, registered, present in inputs.ateliers],
            [f"{len(inputs.ateliers)} ateliers", "", _duration(sum(a[2] for a in inputs.ateliers)), "",
             sum(a[4] for a in inputs.ateliers), sum(a[5] for a in inputs.ateliers),
             (Decimal(sum(a[5] for a in inputs.ateliers)) / sum(a[4] for a in inputs.ateliers))
             if sum(a[4] for a in inputs.ateliers) else None],
            note="Les feuilles d'émargement signées de chaque atelier sont à joindre au bilan."))
    return {code: tuple(found) for code, found in tables.items()}


# --- the document ---------------------------------------------------------------------

@dataclass(frozen=True)
class NarrativeSection:
    code: str
    title: str
    hint: str
    blocks: tuple[Block, ...]
    tables: tuple[Table, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.blocks


@dataclass(frozen=True)
class BilanPedagogique:
    structure: str
    operation_code: str
    operation_intitule: str
    dispositif: str
    debut: date
    fin: date
    as_of: date
    generated_on: date
    sections: tuple[NarrativeSection, ...] = field(default=())

    @property
    def operation(self) -> str:
        return format_operation(self.operation_code, self.operation_intitule)

    @property
    def to_complete(self) -> tuple[str, ...]:
        return tuple(s.title for s in self.sections if s.empty)


def build_bilan_pedagogique(*, structure: str, operation_code: str, operation_intitule: str, dispositif: str,
                            debut: date, fin: date, as_of: date, generated_on: date,
                            specs: tuple[SectionSpec, ...], texts: dict[str, str],
                            inputs: IndicatorInputs) -> BilanPedagogique:
    tables = indicator_tables(inputs)
    sections = tuple(NarrativeSection(spec.code, spec.title, spec.hint, parse_narrative(texts.get(spec.code, "")),
                                      tables.get(spec.code, ())) for spec in specs)
    return BilanPedagogique(structure, operation_code, operation_intitule, dispositif, debut, fin, as_of,
                            generated_on, sections)


# --- PDF -------------------------------------------------------------------------------

def _column_widths(table: Table, width: float) -> list[float]:
    """Numbers, dates and short flags get the width of their longest value (never broken inside a
    word or a number); text columns share what remains in proportion to their nominal width."""
    padding = 16.0
    rows = list(table.rows) + ([table.total] if table.total else [])
    natural: list[float | None] = []
    for index, column in enumerate(table.columns):
        header = max(stringWidth(word, FONT_BOLD, 9) for word in column.title.split() or [""])
        texts = [value_text(row[index].value, column.kind, unit=True) for row in rows]
        if column.kind is Kind.TEXT and any(len(text) > 12 for text in texts):
            natural.append(None)  # real text: wraps in its share of the width
            continue
        values = [stringWidth(text, FONT_BOLD, 9) for text in texts]
        natural.append(max([header] + values) + padding)
    fixed = sum(w for w in natural if w is not None)
    text_weights = [c.width for c, w in zip(table.columns, natural) if w is None]
    remaining = max(width - fixed, 0)
    if not text_weights:
        scale = width / fixed if fixed else 1
        return [w * scale for w in natural]  # type: ignore[operator]
    return [w if w is not None else remaining * c.width / sum(text_weights) for c, w in zip(table.columns, natural)]


def table_flowables(table: Table, width: float, s) -> list:  # type: ignore[no-untyped-def]
    """A model table as reportlab flowables: title, table (header repeated on each page), note."""
    numeric = {Kind.INT, Kind.MONEY, Kind.HOURS, Kind.DECIMAL, Kind.PERCENT}
    cell, bold, small = s["cell"], s["cell_bold"], s["small"]
    right = cell.clone("cell_right", alignment=2)
    right_bold = bold.clone("cell_right_bold", alignment=2)
    header = [Paragraph(escape(c.title), bold) for c in table.columns]
    data = [header]
    style = [
        ("BACKGROUND", (0, 0), (-1, 0), SHADE), ("GRID", (0, 0), (-1, -1), 0.4, RULE),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    flag_colours = {"warning": colors.HexColor("#FEF3C7"), "error": colors.HexColor("#FEE2E2")}

    def render(cells: tuple[Cell, ...], row_index: int, total: bool) -> list:
        out = []
        for col_index, (c, column) in enumerate(zip(cells, table.columns)):
            text = escape(value_text(c.value, column.kind, unit=True))
            para_style = (right_bold if total else right) if column.kind in numeric else (bold if total else cell)
            out.append(Paragraph(text, para_style))
            if c.flag in flag_colours:
                style.append(("BACKGROUND", (col_index, row_index), (col_index, row_index), flag_colours[c.flag]))
        return out

    for row in table.rows:
        data.append(render(row, len(data), False))
    if table.total:
        style.append(("BACKGROUND", (0, len(data)), (-1, len(data)), SHADE))
        style.append(("LINEABOVE", (0, len(data)), (-1, len(data)), 0.8, RULE))
        data.append(render(table.total, len(data), True))
    pdf_table = PdfTable(data, colWidths=_column_widths(table, width), repeatRows=1)
    pdf_table.setStyle(TableStyle(style + [("FONT", (0, 0), (-1, 0), FONT_BOLD, 9)]))
    title = Paragraph(escape(table.title), s["h3"])
    flow: list = [KeepTogether([title, pdf_table]) if len(data) <= 12 else title]
    if len(data) > 12:
        flow.append(pdf_table)
    if table.note:
        flow.append(Paragraph(escape(table.note), small))
    flow.append(Spacer(1, 3 * mm))
    return flow


def write_bilan_pedagogique_pdf(bilan: BilanPedagogique, handle: BinaryIO) -> None:
    s = styles()
    s["h3"] = ParagraphStyle("h3", parent=s["body"], fontName=FONT_BOLD, fontSize=9.5, leading=12,
                             spaceBefore=2 * mm, spaceAfter=1.5 * mm, alignment=TA_LEFT)
    text_style = ParagraphStyle("narrative", parent=s["body"], spaceAfter=2.2 * mm, leading=13.5)
    margins_mm = 16
    width = A4[0] - 2 * margins_mm * mm - 12
    missing = ParagraphStyle("missing", parent=s["body"], fontName=FONT_BOLD, textColor=colors.HexColor("#B91C1C"))
    story: list = [
        Paragraph("Bilan pédagogique", s["title"]),
        Paragraph(f"<b>Opération :</b> {escape(bilan.operation)}", s["body"]),
        Paragraph(f"<b>Dispositif :</b> {escape(bilan.dispositif)}", s["body"]),
        Paragraph(f"<b>Période :</b> du {format_date(bilan.debut)} au {format_date(bilan.fin)} – "
                  f"<b>chiffres arrêtés au</b> {format_date(bilan.as_of)}", s["body"]),
        Paragraph(f"<b>Porteur de projet :</b> {escape(bilan.structure)}", s["body"]),
        Spacer(1, 4 * mm),
    ]
    if bilan.to_complete:
        warning = PdfTable([[Paragraph(
            f"{TO_COMPLETE} avant l'envoi : {len(bilan.to_complete)} section(s) sans texte – "
            + ", ".join(escape(t) for t in bilan.to_complete) + ".", missing)]], colWidths=[width])
        warning.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 0.8, colors.HexColor("#B91C1C")),
                                     ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#FEF2F2")),
                                     ("TOPPADDING", (0, 0), (-1, -1), 4), ("BOTTOMPADDING", (0, 0), (-1, -1), 4)]))
        story += [warning, Spacer(1, 4 * mm)]
    for number, section in enumerate(bilan.sections, start=1):
        story.append(CondPageBreak(40 * mm))
        story.append(Paragraph(f"{number}. {escape(section.title)}", s["h2"]))
        if section.empty:
            box = PdfTable([[Paragraph(TO_COMPLETE, missing)],
                            [Paragraph(f"Attendu : {escape(section.hint)}", s["small"])]], colWidths=[width])
            box.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 0.6, colors.HexColor("#B91C1C")),
                                     ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#FEF2F2"))]))
            story += [box, Spacer(1, 3 * mm)]
        for block in section.blocks:
            if block.is_list:
                story.append(ListFlowable(
                    [ListItem(Paragraph(escape(item), s["body"]), leftIndent=12) for item in block.items],
                    bulletType="bullet", start="•", leftIndent=12, bulletFontName=FONT, bulletFontSize=9,
                    bulletColor=ACCENT,
                    spaceAfter=2.2 * mm))
                story.append(Spacer(1, 1.5 * mm))
            else:
                story.append(Paragraph("<br/>".join(escape(line) for line in block.lines), text_style))
        for table in section.tables:
            story += table_flowables(table, width, s)
    footer = f"Bilan pédagogique – édité le {format_date(bilan.generated_on)} avec aapdesk"
    build_pdf(handle, story, PageHeader(bilan.structure, bilan.operation, footer),
              title=f"Bilan pédagogique – {bilan.operation_code}", margins_mm=margins_mm)
