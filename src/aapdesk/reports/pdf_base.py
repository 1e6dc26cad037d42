"""Shared PDF look: embedded DejaVu Sans (every French character, €, and the narrow no-break
space that reportlab's Helvetica draws as a black box), styles, and a page template with the
structure and operation in the header and "page x / y" in the footer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import BinaryIO

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Flowable, SimpleDocTemplate

from aapdesk.resources import font_path

FONT, FONT_BOLD = "DejaVuSans", "DejaVuSans-Bold"
INK = colors.HexColor("#1F2A37")
ACCENT = colors.HexColor("#1D4E89")
RULE = colors.HexColor("#9AA5B1")
SHADE = colors.HexColor("#E8EEF5")


def register_fonts() -> None:
    # Binary (zlib only) page streams: ASCII85 on top makes files a quarter larger and, without
    # reportlab's optional C accelerator, costs a third of the time of a 500-page CRE.
    rl_config.useA85 = 0
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, str(font_path("DejaVuSans.ttf"))))
        pdfmetrics.registerFont(TTFont(FONT_BOLD, str(font_path("DejaVuSans-Bold.ttf"))))
        pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD)


def styles() -> dict[str, ParagraphStyle]:
    register_fonts()
    body = ParagraphStyle("body", fontName=FONT, fontSize=9.5, leading=12.5, textColor=INK)
    return {
        "body": body,
        "small": ParagraphStyle("small", parent=body, fontSize=8, leading=10),
        "title": ParagraphStyle("title", parent=body, fontName=FONT_BOLD, fontSize=16, leading=20,
                                textColor=ACCENT, spaceAfter=4 * mm),
        "h2": ParagraphStyle("h2", parent=body, fontName=FONT_BOLD, fontSize=11.5, leading=15,
                             textColor=ACCENT, spaceBefore=4 * mm, spaceAfter=2 * mm),
        "cell": ParagraphStyle("cell", parent=body, fontSize=9, leading=11),
        "cell_bold": ParagraphStyle("cell_bold", parent=body, fontName=FONT_BOLD, fontSize=9, leading=11),
        "center": ParagraphStyle("center", parent=body, alignment=TA_CENTER),
    }


@dataclass(frozen=True)
class PageHeader:
    left: str  # structure
    right: str  # operation
    footer: str = ""  # e.g. "Édité le 15/03/2025 avec aapdesk"


def build_pdf(handle: BinaryIO, story: list[Flowable], header: PageHeader, *, title: str,
              pagesize=A4, margins_mm: float = 16, total_pages: int | None = None) -> None:
    """Lay out ``story`` on pages with the header and a "page x / y" footer.

    ``total_pages``, when the caller knows it (one page per record), spares the counting pass.
    """
    register_fonts()
    width, height = pagesize
    margin = margins_mm * mm
    # A long structure name and a long operation title would overprint each other: the operation
    # gives way (it is on the title block of the document anyway).
    right = fit_text(header.right, width - 2 * margin - pdfmetrics.stringWidth(header.left, FONT, 8) - 6 * mm, FONT, 8)

    def decorate(canvas, doc) -> None:  # type: ignore[no-untyped-def]
        canvas.saveState()
        canvas.setFont(FONT, 8)
        canvas.setFillColor(INK)
        canvas.drawString(margin, height - margin + 6 * mm, header.left)
        canvas.drawRightString(width - margin, height - margin + 6 * mm, right)
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.5)
        canvas.line(margin, height - margin + 4 * mm, width - margin, height - margin + 4 * mm)
        canvas.line(margin, margin - 5 * mm, width - margin, margin - 5 * mm)
        canvas.drawString(margin, margin - 9 * mm, header.footer)
        canvas.drawRightString(width - margin, margin - 9 * mm, f"page {doc.page} / {doc.total_pages}")
        canvas.restoreState()

    doc = _CountingDoc(handle, pagesize=pagesize, leftMargin=margin, rightMargin=margin, topMargin=margin + 4 * mm,
                       bottomMargin=margin, title=title, author="aapdesk", creator="aapdesk")
    if total_pages is None:
        doc.build_twice(story, decorate)
    else:
        doc.total_pages = total_pages
        doc.build(story, onFirstPage=decorate, onLaterPages=decorate)


def fit_text(text: str, available: float, font: str, size: float) -> str:
    """``text``, cut with an ellipsis if it is wider than ``available`` points."""
    if pdfmetrics.stringWidth(text, font, size) <= available:
        return text
    while text and pdfmetrics.stringWidth(text + "…", font, size) > available:
        text = text[:-1]
    return text.rstrip(" –-") + "…" if text else ""


class _CountingDoc(SimpleDocTemplate):
    """Builds once to count pages, then again so every footer can say "page x / y"."""

    total_pages = 0

    def build_twice(self, story: list[Flowable], decorate) -> None:  # type: ignore[no-untyped-def]
        import copy
        import io

        probe = _CountingDoc(io.BytesIO(), pagesize=self.pagesize, leftMargin=self.leftMargin,
                             rightMargin=self.rightMargin, topMargin=self.topMargin, bottomMargin=self.bottomMargin)
        probe.total_pages = 0
        probe.build(copy.deepcopy(story), onFirstPage=decorate, onLaterPages=decorate)
        self.total_pages = probe.page
        self.build(story, onFirstPage=decorate, onLaterPages=decorate)
