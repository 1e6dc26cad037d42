"""The narrative sections of an operation's bilan pédagogique, written in the app and saved as drafts.

:func:`list_sections` gives every section the operation's fiche expects (French title, a hint
of what to write, what aapdesk inserts automatically) with its saved text, even when nothing is
written yet; :func:`save_section` saves one section's text in one transaction with its journal
entry (the journal records which section changed, never the text).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from aapdesk.domain.dispositif import parse_dispositif
from aapdesk.domain.problems import Problem, require
from aapdesk.reports.bilan_pedagogique import SectionSpec, expected_sections
from aapdesk.services.context import AppContext, journal
from aapdesk.storage.schema import BilanSection, Operation

#: Longest text kept for one section (about 30 pages): a paste of a whole file is refused, not cut.
MAX_LENGTH = 100_000


@dataclass(frozen=True)
class SectionDraft:
    code: str
    title: str
    hint: str
    inserted: tuple[str, ...]  # tables aapdesk adds after the text
    text: str
    updated_at: datetime | None

    @property
    def empty(self) -> bool:
        return not self.text.strip()


def _operation(session, operation_id: int) -> Operation:  # type: ignore[no-untyped-def]
    op = session.get(Operation, operation_id)
    if op is None:
        raise LookupError("opération introuvable")
    return op


def section_specs(op: Operation) -> tuple[SectionSpec, ...]:
    rules = parse_dispositif(op.regles, f"opération {op.code}")
    return expected_sections(rules.departement.value, rules.fiche, rules.uses_postes)


def list_sections(app: AppContext, operation_id: int) -> list[SectionDraft]:
    """Every section the bilan of this operation expects, in order, with its saved text ("" if none)."""
    with app.reading() as session:
        op = _operation(session, operation_id)
        saved = {row.code: row for row in session.scalars(select(BilanSection).where(BilanSection.operation_id == op.id))}
        return [SectionDraft(spec.code, spec.title, spec.hint, spec.inserted,
                             saved[spec.code].texte if spec.code in saved else "",
                             saved[spec.code].updated_at if spec.code in saved else None)
                for spec in section_specs(op)]


def normalise_text(text: str) -> str:
    """Line endings as "\\n", no trailing spaces, at most one blank line between paragraphs."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    kept: list[str] = []
    for line in lines:
        if not line and (not kept or not kept[-1]):
            continue
        kept.append(line)
    while kept and not kept[-1]:
        kept.pop()
    return "\n".join(kept)


def save_section(app: AppContext, operation_id: int, code: str, text: str) -> SectionDraft:
    """Save the draft of one section (an empty text clears it); returns the section as saved."""
    cleaned = normalise_text(text)
    now = app.now()
    with app.transaction() as session:
        op = _operation(session, operation_id)
        specs = {spec.code: spec for spec in section_specs(op)}
        problems = []
        if code not in specs:
            problems.append(Problem("code", "cette section ne fait pas partie du bilan pédagogique de l'opération"))
        if len(cleaned) > MAX_LENGTH:
            problems.append(Problem("texte", f"le texte dépasse {MAX_LENGTH:,} caractères : "
                                             "raccourcissez-le ou joignez un document".replace(",", "\u202f")))
        require(problems)
        row = session.scalar(select(BilanSection).where(BilanSection.operation_id == op.id, BilanSection.code == code))
        action = "modification"
        if row is None:
            row = BilanSection(operation_id=op.id, code=code)
            session.add(row)
            action = "creation"
        row.texte, row.updated_at = cleaned, now
        session.flush()
        journal(session, now, action, "bilan_section", row.id, operation_id=op.id, details=code)
        spec = specs[code]
        return SectionDraft(spec.code, spec.title, spec.hint, spec.inserted, cleaned, now)
