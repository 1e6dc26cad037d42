"""The main window: navigation on the left, the pages on the right, menus and status bar.

Pages emit ``changed`` after writing; the window then calls ``refresh()`` on every page
(cheap at the size of an association's data) so no page shows stale figures.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QStackedWidget,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from aapdesk import __version__
from aapdesk.qt import messages
from aapdesk.qt.dialogs.import_dialog import ImportDialog
from aapdesk.qt.dialogs.welcome_dialog import WelcomeDialog
from aapdesk.qt.pages.activity_page import ActivityPage
from aapdesk.qt.pages.base import Page
from aapdesk.qt.pages.exits_page import ExitsPage
from aapdesk.qt.pages.finances_page import FinancesPage
from aapdesk.qt.pages.home_page import HomePage
from aapdesk.qt.pages.participants_page import ParticipantsPage
from aapdesk.qt.pages.reports_page import ReportsPage
from aapdesk.qt.pages.settings_page import SettingsPage
from aapdesk.qt.widgets.common import WarningBanner
from aapdesk.services import structure as structure_service
from aapdesk.services.context import AppContext

_ICONS = {
    "accueil": QStyle.StandardPixmap.SP_DirHomeIcon,
    "participants": QStyle.StandardPixmap.SP_FileDialogDetailedView,
    "activite": QStyle.StandardPixmap.SP_FileDialogContentsView,
    "sorties": QStyle.StandardPixmap.SP_ArrowRight,
    "finances": QStyle.StandardPixmap.SP_DriveHDIcon,
    "rapports": QStyle.StandardPixmap.SP_FileIcon,
    "parametres": QStyle.StandardPixmap.SP_FileDialogInfoView,
}


class MainWindow(QMainWindow):
    def __init__(self, app: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.app = app
        self.resize(1280, 800)
        self.home = HomePage(app)
        self.participants = ParticipantsPage(app)
        self.activity = ActivityPage(app)
        self.exits = ExitsPage(app)
        self.finances = FinancesPage(app)
        self.reports = ReportsPage(app)
        self.settings = SettingsPage(app)
        self.pages: dict[str, Page] = {
            "accueil": self.home, "participants": self.participants, "activite": self.activity,
            "sorties": self.exits, "finances": self.finances, "rapports": self.reports, "parametres": self.settings,
        }
        self._build_central()
        self._build_menus()
        self.data_dir_label = QLabel(f"Dossier de données : {app.db.paths.data_dir}")
        self.statusBar().addPermanentWidget(self.data_dir_label)
        for page in self.pages.values():
            page.changed.connect(self.refresh_all)
            page.status_message.connect(lambda text: self.statusBar().showMessage(text, 8000))
        self.refresh_all()

    def _build_central(self) -> None:
        self.nav = QListWidget()
        self.nav.setIconSize(QSize(20, 20))
        self.nav.setSpacing(2)
        self.nav.setFixedWidth(150)
        self.nav.setFrameShape(QListWidget.Shape.NoFrame)
        self.nav.setStyleSheet("QListWidget { background: palette(window); } QListWidget::item { padding: 6px; }")
        self.stack = QStackedWidget()
        for key, page in self.pages.items():
            item = QListWidgetItem(self.style().standardIcon(_ICONS[key]), page.title)
            item.setData(Qt.ItemDataRole.UserRole, key)
            self.nav.addItem(item)
            self.stack.addWidget(page)
        self.nav.currentRowChanged.connect(self.stack.setCurrentIndex)
        self.nav.setCurrentRow(0)

        right = QVBoxLayout()
        right.setContentsMargins(0, 0, 0, 0)
        if self.app.db.warning:
            # Non-blocking: the person can work, but sees it until they hide it.
            self.warning_banner: WarningBanner | None = WarningBanner(self.app.db.warning)
            right.addWidget(self.warning_banner)
        else:
            self.warning_banner = None
        right.addWidget(self.stack, 1)
        central = QWidget()
        row = QHBoxLayout(central)
        row.setContentsMargins(6, 6, 6, 0)
        row.addWidget(self.nav)
        row.addLayout(right, 1)
        self.setCentralWidget(central)

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&Fichier")
        self.backup_action = QAction("&Sauvegarder maintenant", self)
        self.backup_action.setShortcut(QKeySequence.StandardKey.Save)
        self.backup_action.triggered.connect(self.settings.backups.backup_now)
        file_menu.addAction(self.backup_action)
        self.import_action = QAction("&Importer un fichier…", self)
        self.import_action.setShortcut("Ctrl+I")
        self.import_action.triggered.connect(lambda: self.open_import())
        file_menu.addAction(self.import_action)
        file_menu.addSeparator()
        quit_action = QAction("&Quitter", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)
        help_menu = self.menuBar().addMenu("&Aide")
        about_action = QAction("À &propos d'aapdesk", self)
        about_action.triggered.connect(self.about)
        help_menu.addAction(about_action)

    # --- behaviour -----------------------------------------------------------------------

    def show_page(self, key: str) -> Page:
        page = self.pages[key]
        self.nav.setCurrentRow(list(self.pages).index(key))
        return page

    def current_page_key(self) -> str:
        return list(self.pages)[self.stack.currentIndex()]

    def refresh_all(self) -> None:
        structure = structure_service.get_structure(self.app)
        self.setWindowTitle(f"aapdesk – {structure.nom}" if structure else "aapdesk")
        for page in self.pages.values():
            page.refresh()

    def open_import(self, kind: str = "participants") -> ImportDialog:
        """The import dialog; whatever it imports shows on every page."""
        dialog = ImportDialog(self.app, self, kind=kind)
        dialog.imported.connect(self.refresh_all)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        # A report still being written would outlive the database, closed right after the window.
        self.reports.shutdown()
        super().closeEvent(event)

    def about_text(self) -> str:
        return (f"aapdesk {__version__}\n\n"
                "Suivi des opérations d'insertion : participants, parcours, activité, sorties, finances.\n\n"
                f"Dossier de données :\n{self.app.db.paths.data_dir}")

    def about(self) -> None:
        messages.info(self, "À propos d'aapdesk", self.about_text())

    def welcome_if_needed(self) -> WelcomeDialog | None:
        """At first launch (no structure yet), offer to create it or to open the demonstration."""
        if structure_service.get_structure(self.app) is not None:
            return None
        # Kept (not deleted on close): the structure dialog it opens relays its save through it.
        self.welcome_dialog = WelcomeDialog(self.app, self)
        self.welcome_dialog.changed.connect(self.refresh_all)
        self.welcome_dialog.open()
        return self.welcome_dialog
