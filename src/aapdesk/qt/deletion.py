"""Deleting what was entered by mistake, the same way on every screen.

The person is asked first, with the record named (its date, its nature or title, its
amount) and what goes with it (:func:`aapdesk.services.deletions.deletion_summary`), and
told it is for good. A refusal (the operation is clôturée) or a record already gone is
said in a message box, in French; nothing is deleted then.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QWidget

from aapdesk.domain.problems import ValidationError
from aapdesk.qt import messages
from aapdesk.qt.widgets.field_errors import sentence
from aapdesk.services.context import AppContext
from aapdesk.services.deletions import deletion_summary

FOR_GOOD = "Cette action est définitive."


def confirmation_text(question: str, summary: str = "") -> str:
    """« Supprimer … ? », what goes with it (if anything), and that it cannot be undone."""
    return "\n\n".join(part for part in (question, summary, FOR_GOOD) if part)


def confirm_and_delete(parent: QWidget | None, app: AppContext, entity: str, record_id: int, *, title: str,
                       question: str, delete: Callable[[AppContext, int], object]) -> bool:
    """Ask, then ``delete(app, record_id)``.

    True when the list on screen is out of date and must be read again: the record was deleted,
    or it was already gone (said in a message box). False when the person said no, or when the
    deletion was refused (said in a message box; nothing changed).
    """
    text = confirmation_text(question, deletion_summary(app, entity, record_id).sentence())
    if not messages.confirm(parent, title, text, "Supprimer"):
        return False
    try:
        delete(app, record_id)
    except ValidationError as exc:
        messages.error(parent, "Suppression impossible", "\n".join(sentence(p.message) for p in exc.problems))
        return False
    except LookupError as exc:
        messages.error(parent, "Suppression impossible",
                       f"{sentence(str(exc))} : la suppression a sans doute déjà été faite. La liste est mise à jour.")
        return True
    return True
