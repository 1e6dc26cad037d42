"""Comptes rendus d'exécution (CRE): one account per beneficiary of an operation, to validate by the
porteur de projet then the SLAI before it goes to the Département (domain.md §6.2).

Pure builders from :class:`CreData` (gathered once by :mod:`aapdesk.services.reports_bilans`):

* :func:`write_cre_pdf` — one A4 page per parcours: identity, parcours dates, month by month
  presence, MAD and accompaniment hours and whether the month is valorisable, interviews,
  ateliers, the exit with its category and the rule that classified it, the proofs, and the
  two signature blocks « Le porteur de projet » and « Validation du SLAI »;
* :func:`cre_report` — the same data as a :class:`~aapdesk.reports.model.Report` for the xlsx
  writer: one row per participant-month, then a validation sheet with one row per participant.

The Département's own CRE template is not in the seeds (domain.md §6.7 item 8): the fields are
those the funding rules need. Each page is shrunk to fit when a parcours is unusually long, so
the PDF always has exactly one page per parcours.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import BinaryIO

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, PageBreak, Paragraph, Spacer, TableStyle
from reportlab.platypus import Table as PdfTable

from aapdesk.domain.activity import ParcoursMonth
from aapdesk.domain.periods import YearMonth
from aapdesk.domain.references import ZONES
from aapdesk.formatting import format_date, format_hours, format_month, format_operation
from aapdesk.reports.model import Cell, Column, Kind, Report, Section, Table
from aapdesk.reports.pdf_base import ACCENT, FONT, FONT_BOLD, INK, RULE, SHADE, PageHeader, build_pdf, styles

ZONE_ADJECTIVES = {"urbain": "urbaine", "rural": "rurale"}


@dataclass(frozen=True)
class CreExit:
    date: date
    type_label: str
    duree_mois: Decimal | None
    employeur: str
    categorie: str  # French label: « emploi durable »
    regle: str  # why: the classification's explanation
    proof_required: bool


@dataclass(frozen=True)
class CreParticipant:
    parcours_id: int
    nom: str
    prenom: str
    date_naissance: date
    brsa: bool
    jeune: bool  # under the fiche's age limit at the entry date
    zone: str  # effective zone (the person's, else the operation's default)
    zone_par_defaut: bool
    territoire: str
    prescripteur: str
    referent: str
    orientation: date | None
    entree: date
    sortie: date | None
    seuil_mad: Decimal | None
    months: tuple[ParcoursMonth, ...]  # the hours grid's own months: the same figures
    entretiens: tuple[tuple[date, str], ...] = ()  # date, modalité
    cers: tuple[date, ...] = ()  # signature dates
    ateliers: tuple[tuple[date, str], ...] = ()  # date, title (attended)
    exit: CreExit | None = None
    proofs: tuple[str, ...] = ()  # file names of the exit's pièces probantes

    @property
    def presents(self) -> tuple[ParcoursMonth, ...]:
        return tuple(m for m in self.months if m.present)

    @property
    def total_mad(self) -> Decimal:
        return sum((m.mad for m in self.presents), Decimal(0))

    @property
    def total_accompagnement(self) -> Decimal:
        return sum((m.accompagnement for m in self.presents), Decimal(0))

    @property
    def mois_valorisables(self) -> int:
        return sum(1 for m in self.presents if m.valorisable)

    @property
    def missing_proof(self) -> bool:
        return self.exit is not None and self.exit.proof_required and not self.proofs


@dataclass(frozen=True)
class CreData:
    structure: str
    operation_code: str
    operation_intitule: str
    dispositif: str
    debut: date
    fin: date
    as_of: date
    generated_on: date
    age_jeune: int
    #: The MAD rule in French (« 10 h par mois en zone urbaine, 8 h en zone rurale »), "" when none.
    regle_mad: str
    participants: tuple[CreParticipant, ...]

    @property
    def operation(self) -> str:
        return format_operation(self.operation_code, self.operation_intitule)

    @property
    def with_mad(self) -> bool:
        """Whether the PDF shows MAD hours and valorisable months: fiches with a MAD threshold (AI),
        or any MAD hours recorded."""
        return bool(self.regle_mad) or any(m.mad for p in self.participants for m in p.months)


# --- helpers ---------------------------------------------------------------------

def _months_text(value: Decimal | None) -> str:
    if value is None:
        return ""
    text = f"{value.normalize():f}".replace(".", ",")
    return f"{text} mois"


def exit_text(exit: CreExit | None) -> str:
    if exit is None:
        return ""
    parts = [exit.type_label]
    if exit.duree_mois is not None:
        parts.append(_months_text(exit.duree_mois))
    if exit.employeur:
        parts.append(exit.employeur)
    return ", ".join(parts)


def _by_month(days: tuple[tuple[date, str], ...]) -> dict[YearMonth, list[tuple[date, str]]]:
    grouped: dict[YearMonth, list[tuple[date, str]]] = {}
    for day, label in days:
        grouped.setdefault(YearMonth.of(day), []).append((day, label))
    return grouped


def _yes_no(value: bool) -> str:
    return "oui" if value else "non"


# --- xlsx: one row per participant-month ----------------------------------------------

def month_columns(age_jeune: int) -> list[Column]:
    return [
        Column("Structure", width=30), Column("Opération", width=14), Column("Nom", width=18),
        Column("Prénom", width=14), Column("Né(e) le", Kind.DATE, 11), Column("BRSA", Kind.BOOL, 7),
        Column(f"Moins de {age_jeune} ans à l'entrée", Kind.BOOL, 11), Column("Zone", width=9),
        Column("Orientation", Kind.DATE, 11), Column("Entrée", Kind.DATE, 11), Column("Sortie", Kind.DATE, 11),
        Column("Mois", width=9), Column("Présent", Kind.BOOL, 8), Column("Heures MAD", Kind.HOURS, 9),
        Column("Heures d'accompagnement", Kind.HOURS, 13), Column("Seuil MAD", Kind.HOURS, 8),
        Column("Mois valorisable", Kind.BOOL, 11), Column("Entretiens du mois", Kind.INT, 11),
        Column("Dates des entretiens", width=24), Column("Ateliers suivis dans le mois", width=36),
        Column("Sortie : type", width=26), Column("Sortie : catégorie", width=20),
        Column("Règle appliquée", width=50), Column("Pièces probantes", width=36),
    ]


def cre_report(data: CreData) -> Report:
    """The CRE as a report for the xlsx writer: participant-months, then validation per participant."""
    rows: list[list[object]] = []
    for p in data.participants:
        interviews = _by_month(p.entretiens)
        workshops = _by_month(p.ateliers)
        exit_category = p.exit.categorie if p.exit else ""
        proofs = ", ".join(p.proofs) if p.proofs else ("pièce manquante" if p.missing_proof else "")
        for m in p.months:
            seen = interviews.get(m.month, [])
            attended = workshops.get(m.month, [])
            valorisable: object = Cell(m.valorisable, "warning") if m.sous_seuil else m.valorisable
            rows.append([
                data.structure, data.operation_code, p.nom, p.prenom, p.date_naissance, p.brsa, p.jeune,
                ZONES.get(p.zone, p.zone), p.orientation, p.entree, p.sortie, str(m.month), m.present,
                m.mad, m.accompagnement, p.seuil_mad, valorisable, len(seen),
                ", ".join(format_date(d) for d, _ in seen),
                " ; ".join(f"{format_date(d)} {title}" for d, title in attended),
                exit_text(p.exit), exit_category, p.exit.regle if p.exit else "",
                Cell(proofs, "error") if p.missing_proof else proofs,
            ])
    month_table = Table.of(
        "Comptes rendus d'exécution – une ligne par participant et par mois", month_columns(data.age_jeune),
        rows,  # type: ignore[arg-type]
        note=("Heures et mois comptés comme sur la page Activité ; un mois « valorisable » est un mois de présence"
              + (f" dont les heures de mise à disposition atteignent le seuil ({data.regle_mad})." if data.regle_mad
                 else ".")))
    validation_rows = []
    for p in data.participants:
        validation_rows.append([
            p.nom, p.prenom, p.entree, p.sortie, len(p.presents), p.mois_valorisables, p.total_mad,
            p.total_accompagnement, len(p.entretiens), len(p.ateliers), p.exit.categorie if p.exit else "",
            "", "", "", "", "", "",
        ])
    totals = [
        "Total", f"{len(data.participants)} participants", None, None,
        sum(len(p.presents) for p in data.participants), sum(p.mois_valorisables for p in data.participants),
        sum((p.total_mad for p in data.participants), Decimal(0)),
        sum((p.total_accompagnement for p in data.participants), Decimal(0)),
        sum(len(p.entretiens) for p in data.participants), sum(len(p.ateliers) for p in data.participants),
        "", "", "", "", "", "", "",
    ]
    validation = Table.of(
        "Validation des comptes rendus d'exécution",
        [Column("Nom", width=18), Column("Prénom", width=14), Column("Entrée", Kind.DATE, 11),
         Column("Sortie", Kind.DATE, 11), Column("Mois de présence", Kind.INT, 10),
         Column("Mois valorisables", Kind.INT, 10), Column("Heures MAD", Kind.HOURS, 10),
         Column("Heures d'accompagnement", Kind.HOURS, 13), Column("Entretiens", Kind.INT, 10),
         Column("Ateliers suivis", Kind.INT, 10), Column("Catégorie de sortie", width=20),
         Column("Le porteur de projet – Nom", width=20), Column("Le porteur de projet – Date", width=12),
         Column("Le porteur de projet – Signature", width=20), Column("Validation du SLAI – Nom", width=20),
         Column("Validation du SLAI – Date", width=12), Column("Validation du SLAI – Signature", width=20)],
        validation_rows, totals,  # type: ignore[arg-type]
        note="Chaque compte rendu est validé par le porteur de projet puis par le SLAI avant sa transmission au Département.")
    return Report(
        title="Comptes rendus d'exécution (CRE)",
        structure=data.structure,
        operation=data.operation,
        subtitle=f"{data.dispositif} – période du {format_date(data.debut)} au {format_date(data.fin)}, "
                 f"situation au {format_date(data.as_of)}",
        generated_on=data.generated_on,
        sections=(
            Section("CRE mois par mois", tables=(month_table,), sheet="CRE mensuel"),
            Section("Validation", tables=(validation,), sheet="Validation"),
        ),
        parameters=(
            ("Dispositif", data.dispositif),
            ("Période", f"du {format_date(data.debut)} au {format_date(data.fin)}"),
            ("Situation au", format_date(data.as_of)), ("Participants", str(len(data.participants))),
            ("Règle des heures de mise à disposition", data.regle_mad or "aucun seuil pour cette fiche"),
        ),
    )


# --- PDF: one page per parcours -------------------------------------------------------

def write_cre_pdf(data: CreData, handle: BinaryIO) -> None:
    """Write one page per parcours (a long parcours is shrunk to fit its page)."""
    s = styles()
    margins_mm = 14
    width = A4[0] - 2 * margins_mm * mm - 12  # frame padding
    height = A4[1] - (2 * margins_mm + 4) * mm - 12 - 1  # a point to spare: never pushed to the next page
    story: list = []
    fixed = _FixedCache()
    if not data.participants:
        story += [Paragraph("Comptes rendus d'exécution", s["title"]),
                  Paragraph("Aucun parcours dans cette opération à la date choisie : pas de compte rendu à établir.",
                            s["body"])]
    for index, participant in enumerate(data.participants):
        if index:
            story.append(PageBreak())
        story.append(_OnePage(_page(data, participant, s, width, fixed), width, height))
    footer = f"Comptes rendus d'exécution – situation au {format_date(data.as_of)} – édité le " \
             f"{format_date(data.generated_on)} avec aapdesk"
    build_pdf(handle, story, PageHeader(data.structure, data.operation, footer),
              title=f"Comptes rendus d'exécution – {data.operation_code}", margins_mm=margins_mm,
              total_pages=max(1, len(data.participants)))


class _Fixed(Flowable):
    """A flowable laid out once and drawn on every page that shows it."""

    def __init__(self, inner: Flowable) -> None:
        super().__init__()
        self.inner = inner
        self.size: tuple[float, float] | None = None

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        if self.size is None:
            self.size = self.inner.wrap(available_width, available_height)
        return self.size

    def getSpaceBefore(self) -> float:
        return self.inner.getSpaceBefore()

    def getSpaceAfter(self) -> float:
        return self.inner.getSpaceAfter()

    def drawOn(self, canvas, x: float, y: float, _sW: float = 0) -> None:  # type: ignore[no-untyped-def]
        self.inner.drawOn(canvas, x, y, _sW)


class _FixedCache:
    """Flowables that are the same on many pages (headings, the operation block, the signature
    blocks), built and laid out once per document."""

    def __init__(self) -> None:
        self._made: dict[object, _Fixed] = {}

    def __call__(self, key: object, make: Callable[[], Flowable]) -> _Fixed:
        if key not in self._made:
            self._made[key] = _Fixed(make())
        return self._made[key]


class _OnePage(Flowable):
    """One participant's page: laid out once and drawn without a second layout (reportlab's
    KeepInFrame lays everything out twice), scaled down if ever too tall, so that each
    participant always gets exactly one page."""

    def __init__(self, content: list[Flowable], width: float, height: float) -> None:
        super().__init__()
        self.content, self.frame_width, self.frame_height = content, width, height
        self.placed: list[tuple[Flowable, float]] = []
        self.total, self.scale = 0.0, 1.0

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.placed, y = [], 0.0
        for index, flowable in enumerate(self.content):
            if index:
                y += flowable.getSpaceBefore()
            _, h = flowable.wrap(self.frame_width, 10_000)
            self.placed.append((flowable, y + h))
            y += h + flowable.getSpaceAfter()
        self.total = y
        self.scale = min(1.0, self.frame_height / y) if y else 1.0
        return self.frame_width, self.total * self.scale

    def draw(self) -> None:
        canvas = self.canv
        canvas.saveState()
        canvas.scale(self.scale, self.scale)
        for flowable, bottom in self.placed:
            flowable.drawOn(canvas, 0, self.total - bottom)
        canvas.restoreState()


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _page(data: CreData, p: CreParticipant, s, width: float, fixed: _FixedCache) -> list:  # type: ignore[no-untyped-def]
    """One participant's page. Table cells are plain strings wherever they fit (a Paragraph per cell
    would make 500 pages several times slower); long values wrap as Paragraphs."""
    cell, small = s["cell"], s["small"]
    flow: list = [
        Paragraph(f"Compte rendu d'exécution – {_esc(p.nom)} {_esc(p.prenom)}", s["title"]),
        fixed("operation", lambda: Paragraph(
            f"<b>Opération :</b> {_esc(data.operation)}<br/><b>Dispositif :</b> {_esc(data.dispositif)}<br/>"
            f"<b>Période :</b> du {format_date(data.debut)} au {format_date(data.fin)} – situation au "
            f"{format_date(data.as_of)}", small)),
        Spacer(1, 3 * mm),
    ]
    col = width / 4
    label_width, value_width = col * 0.8, col * 1.2

    def fit(text: str, font: str, size: float, available: float, style) -> object:  # type: ignore[no-untyped-def]
        if stringWidth(text, font, size) <= available - 8:
            return text
        return Paragraph(_esc(text), style)

    def pair(label: str, value: str) -> list:
        return [fit(label, FONT, 8, label_width, small), fit(value or "—", FONT_BOLD, 9, value_width, s["cell_bold"])]

    zone = ZONES.get(p.zone, p.zone) + (" (défaut de l'opération)" if p.zone_par_defaut else "")
    identity = [
        pair("Nom", p.nom) + pair("Prénom", p.prenom),
        pair("Né(e) le", format_date(p.date_naissance)) + pair("Bénéficiaire du RSA", _yes_no(p.brsa)),
        pair(f"Moins de {data.age_jeune} ans à l'entrée", _yes_no(p.jeune)) + pair("Zone", zone),
        pair("Territoire (MDS)", p.territoire) + pair("Prescripteur", p.prescripteur),
        pair("Orientation", format_date(p.orientation)) + pair("Référent", p.referent),
        pair("Entrée", format_date(p.entree)) + pair("Sortie", format_date(p.sortie) or "en cours"),
    ]
    info = PdfTable(identity, colWidths=[label_width, value_width, label_width, value_width])
    info.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), FONT, 8), ("FONT", (1, 0), (1, -1), FONT_BOLD, 9),
        ("FONT", (3, 0), (3, -1), FONT_BOLD, 9), ("TEXTCOLOR", (0, 0), (-1, -1), INK),
        ("GRID", (0, 0), (-1, -1), 0.4, RULE), ("BACKGROUND", (0, 0), (0, -1), SHADE),
        ("BACKGROUND", (2, 0), (2, -1), SHADE), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]))
    flow += [info, Spacer(1, 2 * mm)]

    flow.append(fixed("h2-months", lambda: Paragraph("Présence et heures, mois par mois", s["h2"])))
    with_mad = data.with_mad
    header = ["Mois", "Présent", "Heures de mise\nà disposition", "Heures\nd'accompagnement", "Mois\nvalorisable"]
    rows: list[list[str]] = [header if with_mad else [header[0], header[1], header[3]]]
    flagged = []
    for m in p.months:
        if m.sous_seuil:
            flagged.append(len(rows))
        if with_mad:
            valorisable = _yes_no(m.valorisable) + (" (sous le seuil)" if m.sous_seuil else "")
            rows.append([format_month(m.month), _yes_no(m.present), format_hours(m.mad),
                         format_hours(m.accompagnement), valorisable])
        else:
            rows.append([format_month(m.month), _yes_no(m.present), format_hours(m.accompagnement)])
    if not p.months:
        rows.append(["aucun mois de présence à la date choisie"] + [""] * (len(rows[0]) - 1))
    if with_mad:
        rows.append(["Total", f"{len(p.presents)} mois", format_hours(p.total_mad),
                     format_hours(p.total_accompagnement), f"{p.mois_valorisables} mois"])
        widths = [0.24, 0.14, 0.22, 0.20, 0.20]
    else:
        rows.append(["Total", f"{len(p.presents)} mois", format_hours(p.total_accompagnement)])
        widths = [0.40, 0.25, 0.35]
    months = PdfTable(rows, colWidths=[width * w for w in widths], repeatRows=1)
    style = [
        ("FONT", (0, 0), (-1, -1), FONT, 8.5), ("FONT", (0, 0), (-1, 0), FONT_BOLD, 8.5),
        ("LEADING", (0, 0), (-1, 0), 10), ("FONT", (0, -1), (-1, -1), FONT_BOLD, 8.5),
        ("TEXTCOLOR", (0, 0), (-1, -1), INK),
        ("BACKGROUND", (0, 0), (-1, 0), SHADE), ("BACKGROUND", (0, -1), (-1, -1), SHADE),
        ("GRID", (0, 0), (-1, -1), 0.4, RULE), ("ALIGN", (1, 0), (-1, -1), "CENTER"),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]
    if with_mad:
        style += [("TEXTCOLOR", (4, r), (4, r), colors.HexColor("#B45309")) for r in flagged]
    months.setStyle(TableStyle(style))
    flow.append(months)
    if p.seuil_mad is not None:
        rule = (f"Un mois est valorisable quand les heures de mise à disposition atteignent "
                f"{format_hours(p.seuil_mad)} (zone {ZONE_ADJECTIVES.get(p.zone, p.zone)}"
                + (f" ; règle de la fiche : {data.regle_mad}" if data.regle_mad else "") + ").")
    elif with_mad:
        rule = "Pas de seuil de mise à disposition pour cette fiche : tout mois de présence est valorisable."
    else:
        rule = ("Un mois de présence est un mois où le parcours est en cours au moins un jour ; la fiche ne compte "
                "pas d'heures de mise à disposition.")
    flow.append(fixed(("rule", rule), lambda: Paragraph(rule, small)))

    flow.append(fixed("h2-accompaniment", lambda: Paragraph("Accompagnement", s["h2"])))
    interviews = ", ".join(format_date(d) for d, _ in p.entretiens) or "aucun"
    workshops = " ; ".join(f"{format_date(d)} {_esc(t)}" for d, t in p.ateliers) or "aucun"
    lines = [f"<b>Entretiens individuels ({len(p.entretiens)}) :</b> {interviews}"]
    if p.cers:
        lines.append("<b>CER signé(s) le :</b> " + ", ".join(format_date(d) for d in p.cers))
    lines.append(f"<b>Ateliers collectifs suivis ({len(p.ateliers)}) :</b> {workshops}")
    flow += [Paragraph(line, cell) for line in lines]

    flow.append(fixed("h2-exit", lambda: Paragraph("Sortie", s["h2"])))
    if p.exit is None:
        if p.sortie is None:
            flow.append(fixed("no-exit", lambda: Paragraph("Pas de sortie à la date choisie : parcours en cours.", cell)))
        else:
            flow.append(Paragraph(f"Sortie le {format_date(p.sortie)}, en dehors de la période couverte par ce "
                                  "compte rendu.", cell))
    else:
        flow.append(Paragraph(f"<b>Le {format_date(p.exit.date)} :</b> {_esc(exit_text(p.exit))} – catégorie "
                              f"<b>{_esc(p.exit.categorie)}</b>", cell))
        flow.append(Paragraph(f"Règle appliquée : {_esc(p.exit.regle)}", small))
        if p.proofs:
            flow.append(Paragraph("<b>Pièces probantes :</b> " + ", ".join(_esc(name) for name in p.proofs), cell))
        elif p.exit.proof_required:
            flow.append(Paragraph("<b>Pièces probantes :</b> <font color='#B91C1C'>pièce manquante</font>", cell))
        else:
            flow.append(Paragraph("<b>Pièces probantes :</b> non exigée pour cette catégorie de sortie", cell))

    flow.append(Spacer(1, 5 * mm))
    flow.append(fixed("signatures", lambda: _signatures(width)))
    return flow


def _signatures(width: float):  # type: ignore[no-untyped-def]
    """The two validation blocks: « Le porteur de projet » and « Validation du SLAI »."""
    blocks = [["Le porteur de projet", "Validation du SLAI"], ["Nom :", "Nom :"], ["Date :", "Date :"],
              ["Signature :", "Signature :"]]
    signatures = PdfTable(blocks, colWidths=[width / 2, width / 2], rowHeights=[7 * mm, 8 * mm, 8 * mm, 22 * mm])
    signatures.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), FONT, 9), ("FONT", (0, 0), (-1, 0), FONT_BOLD, 9.5),
        ("TEXTCOLOR", (0, 0), (-1, -1), INK),
        ("BOX", (0, 0), (0, -1), 0.6, ACCENT), ("BOX", (1, 0), (1, -1), 0.6, ACCENT),
        ("BACKGROUND", (0, 0), (-1, 0), SHADE), ("VALIGN", (0, 0), (-1, 0), "MIDDLE"),
        ("VALIGN", (0, 1), (-1, -1), "TOP"), ("LINEBELOW", (0, 0), (-1, 0), 0.4, RULE),
    ]))
    return signatures
