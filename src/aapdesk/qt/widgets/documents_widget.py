"""``DocumentsWidget``: the documents attached to one record (an exit's proofs, later a
participant's or a parcours' papers): list, attach (button or drag and drop), open, remove.

Every file goes through :func:`aapdesk.services.documents.attach`, which copies it into the
data directory's document store; a file it refuses (vanished, empty, too large) is named in
a French message inside the widget and nothing is recorded for it. The file dialog and the
opening of a file go through :func:`choose_files` and :func:`open_url`, which tests replace.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable, Sequence
from pathlib import Path

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QDesktopServices, QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from aapdesk.domain.problems import ValidationError
from aapdesk.formatting import format_number, format_size
from aapdesk.qt import messages
from aapdesk.qt.display import plural
from aapdesk.qt.widgets.common import hint_label
from aapdesk.qt.widgets.field_errors import error_banner, sentence
from aapdesk.qt.widgets.tables import SimpleTable
from aapdesk.services import documents as documents_service
from aapdesk.services.context import AppContext
from aapdesk.services.documents import NATURES, DocumentRow

HEADERS = ("Nom du fichier", "Nature", "Taille", "Ajouté le")
DROP_HINT = "Glissez-déposez des fichiers ici, ou cliquez sur « Joindre un fichier… »."


# --- what tests replace ------------------------------------------------------------------

def choose_files(parent: QWidget | None, title: str, start_dir: str) -> list[str]:
    """Let the person pick one or more files; [] when they cancel."""
    paths, _filter = QFileDialog.getOpenFileNames(
        parent, title, start_dir,
        "Documents (*.pdf *.jpg *.jpeg *.png *.tif *.tiff *.doc *.docx *.odt *.xls *.xlsx *.ods *.txt);;"
        "Tous les fichiers (*)")
    return list(paths)


def open_url(url: QUrl) -> bool:
    """Open a file with the system's application for it."""
    return QDesktopServices.openUrl(url)


# --- helpers -----------------------------------------------------------------------------

def local_files(urls: Iterable[QUrl]) -> list[Path]:
    return [Path(url.toLocalFile()) for url in urls if url.isLocalFile() and url.toLocalFile()]


class DocumentsWidget(QFrame):
    """Documents of one owner; set it with :meth:`set_owner` (disabled until there is one)."""

    #: A document was attached or removed (the owner's counts changed).
    changed = Signal()

    def __init__(self, app: AppContext, parent: QWidget | None = None, *, natures: Sequence[str] = ("preuve",),
                 empty_text: str = "Aucun document joint pour l'instant.") -> None:
        super().__init__(parent)
        self.app = app
        self._owner: dict[str, int] = {}
        self._empty_text = empty_text
        self.setAcceptDrops(True)
        self.setObjectName("documentsWidget")
        self._set_drop_highlight(False)

        self.table = SimpleTable(HEADERS, stretch_column=0, right_aligned=(2,))
        self.table.setMinimumHeight(90)
        self.table.activated_object.connect(lambda _doc: self.open_selected())
        self.empty_label = hint_label(empty_text)
        self.nature = QComboBox()
        for code in natures:
            self.nature.addItem(NATURES[code], code)
        self.nature.setVisible(len(natures) > 1)
        self.nature.setToolTip("Nature des fichiers que vous allez joindre")
        self.attach_button = QPushButton("Joindre un fichier…")
        self.open_button = QPushButton("Ouvrir")
        self.remove_button = QPushButton("Retirer")
        self.error = error_banner()
        self.status = hint_label()
        self.drop_hint = hint_label(DROP_HINT)

        buttons = QHBoxLayout()
        buttons.addWidget(self.nature)
        buttons.addWidget(self.attach_button)
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        column = QVBoxLayout(self)
        column.setContentsMargins(6, 6, 6, 6)
        column.addWidget(self.table, 1)
        column.addWidget(self.empty_label)
        column.addWidget(self.drop_hint)
        column.addLayout(buttons)
        column.addWidget(self.error)
        column.addWidget(self.status)

        self.attach_button.clicked.connect(self.choose_and_attach)
        self.open_button.clicked.connect(self.open_selected)
        self.remove_button.clicked.connect(self.remove_selected)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.set_owner()

    # --- owner and list ------------------------------------------------------------------

    def set_owner(self, **owner: int | None) -> None:
        """The record the documents belong to, as the documents service names it (``sortie_id=12``,
        ``parcours_id=``, ``participant_id=``…); none: the widget is disabled (record not saved yet)."""
        self._owner = {key: value for key, value in owner.items() if value is not None}
        if len(self._owner) > 1:
            raise ValueError("a document belongs to exactly one record")
        self.setEnabled(bool(self._owner))
        self.error.setVisible(False)
        self.status.setText("")
        self.reload()

    def has_owner(self) -> bool:
        return bool(self._owner)

    def reload(self) -> None:
        docs = documents_service.list_documents(self.app, **self._owner) if self._owner else []
        self.table.set_rows([((d.nom_original, NATURES.get(d.nature, d.nature), format_size(d.taille),
                               d.ajoute_le.strftime("%d/%m/%Y %H:%M")), d) for d in docs])
        for row, doc in enumerate(docs):
            self.table.item(row, 2).setToolTip(f"{format_number(doc.taille)} octets")
            self.table.item(row, 0).setToolTip(doc.nom_original)
        self.table.setVisible(bool(docs))
        self.empty_label.setVisible(not docs)
        self._update_buttons()

    def documents(self) -> list[DocumentRow]:
        return [d for d in self.table.objects() if isinstance(d, DocumentRow)]

    def selected_document(self) -> DocumentRow | None:
        doc = self.table.current_object()
        return doc if isinstance(doc, DocumentRow) else None

    def _update_buttons(self) -> None:
        selected = self.selected_document() is not None
        self.open_button.setEnabled(selected)
        self.remove_button.setEnabled(selected)

    # --- attaching -----------------------------------------------------------------------

    def choose_and_attach(self) -> int:
        if not self._owner:
            return 0
        paths = choose_files(self, "Joindre des fichiers", str(Path.home()))
        return self.attach_files(paths) if paths else 0

    def attach_files(self, paths: Iterable[str | Path]) -> int:
        """Attach each file; the refused ones are listed in the widget. Returns how many were attached."""
        if not self._owner:
            return 0
        nature = self.nature.currentData() or "preuve"
        attached, refused = 0, []
        for path in paths:
            try:
                documents_service.attach(self.app, Path(path), nature=nature, **self._owner)
            except ValidationError as exc:
                refused.extend(sentence(p.message) for p in exc.problems)
            except OSError as exc:
                refused.append(f"Le fichier « {Path(path).name} » n'a pas pu être copié ({exc.strerror}).")
            else:
                attached += 1
        self.error.setText("\n".join(refused))
        self.error.setVisible(bool(refused))
        self.status.setText(f"{plural(attached, 'fichier joint', 'fichiers joints')}." if attached else "")
        if attached:
            self.reload()
            self.changed.emit()
        return attached

    # --- drag and drop -------------------------------------------------------------------

    def _set_drop_highlight(self, on: bool) -> None:
        border = "2px dashed palette(highlight)" if on else "1px solid palette(mid)"
        self.setStyleSheet(f"#documentsWidget {{ border: {border}; border-radius: 4px; }}")

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt override
        if self._owner and local_files(event.mimeData().urls()):
            event.acceptProposedAction()
            self._set_drop_highlight(True)
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:  # noqa: N802 - Qt override
        if self._owner and event.mimeData().hasUrls():
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragLeaveEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802 - Qt override
        self._set_drop_highlight(False)
        super().dragLeaveEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt override
        self._set_drop_highlight(False)
        files = local_files(event.mimeData().urls())
        if not self._owner or not files:
            event.ignore()
            return
        event.acceptProposedAction()
        self.attach_files(files)

    # --- opening and removing ------------------------------------------------------------

    def open_selected(self) -> Path | None:
        """Open a readable copy (the store names files by their hash, without extension)."""
        doc = self.selected_document()
        if doc is None:
            return None
        if not doc.path.exists():
            self._show_error(f"Le fichier de « {doc.nom_original} » est introuvable dans le dossier documents : "
                             "lancez « aapdesk check ».")
            return None
        # inside the data directory, never a shared temp folder; deleted a day later (clean_opened_copies)
        folder = documents_service.opened_copies_dir(self.app) / str(doc.id)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            copy = folder / (Path(doc.nom_original).name or "document")
            shutil.copyfile(doc.path, copy)
        except OSError as exc:
            self._show_error(f"« {doc.nom_original} » n'a pas pu être préparé pour l'ouverture ({exc.strerror}).")
            return None
        if not open_url(QUrl.fromLocalFile(str(copy))):
            messages.info(self, "Ouverture impossible",
                          f"Aucune application n'a pu ouvrir le fichier. Une copie se trouve ici :\n{copy}")
        return copy

    def remove_selected(self) -> bool:
        doc = self.selected_document()
        if doc is None:
            return False
        if not messages.confirm(self, "Retirer le document",
                                f"Retirer « {doc.nom_original} » ?\n"
                                "Le document ne sera plus joint ; sa copie dans le dossier documents est supprimée "
                                "si rien d'autre ne l'utilise.", "Retirer"):
            return False
        try:
            documents_service.detach(self.app, doc.id)
        except LookupError:
            pass  # already gone (removed from another window): the list is just stale
        self.error.setVisible(False)
        self.status.setText(f"« {doc.nom_original} » retiré.")
        self.reload()
        self.changed.emit()
        return True

    def _show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(True)

    def error_text(self) -> str:
        return self.error.text() if self.error.isVisibleTo(self) else ""

