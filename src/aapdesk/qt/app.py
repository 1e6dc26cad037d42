"""GUI composition root: ``run_gui`` builds the QApplication, opens the data, shows the window.

Order matters: French locale and Qt's own French translations first (so even Qt's
built-in buttons and calendar speak French), then the data directory (lock, checks,
migrations, all inside ``open_app``), then the window. On quit, closing the database
makes a verified backup when anything changed.

Unexpected errors end in a French dialog; the log keeps the exception type and where
it happened, never its message, which may quote a participant's data.
"""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QLibraryInfo, QLocale, QTimer, QTranslator
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from aapdesk import __version__
from aapdesk.resources import resources_dir
from aapdesk.domain.dispositif import CatalogueError
from aapdesk.qt import messages
from aapdesk.qt.main_window import MainWindow
from aapdesk.services.context import AppContext, open_app

log = logging.getLogger(__name__)
ERROR_LOG_NAME = "erreurs.log"


def data_dir_argument(argv: Sequence[str]) -> str | None:
    """``--data-dir DIR`` or ``--data-dir=DIR``; every other argument is left to Qt."""
    for index, arg in enumerate(argv):
        if arg.startswith("--data-dir="):
            return arg.split("=", 1)[1] or None
        if arg == "--data-dir" and index + 1 < len(argv):
            return argv[index + 1]
    return None


def qt_arguments(argv: Sequence[str]) -> list[str]:
    """The arguments Qt may read (``-platform``, ``-style``...), without ours."""
    result, skip = [], False
    for arg in argv:
        if skip:
            skip = False
        elif arg == "--data-dir":
            skip = True
        elif not arg.startswith("--data-dir="):
            result.append(arg)
    return result


def install_french(qapp: QApplication) -> list[QTranslator]:
    """French as default locale, and Qt's own strings (dialog buttons, calendar) in French."""
    QLocale.setDefault(QLocale(QLocale.Language.French, QLocale.Country.France))
    translators = []
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    for name in ("qtbase_fr",):
        translator = QTranslator(qapp)
        if translator.load(name, folder):
            qapp.installTranslator(translator)
            translators.append(translator)
        else:
            log.warning("Qt translation %s not found in %s", name, folder)
    return translators


def _safe_trace(exc_type: type[BaseException], tb: TracebackType | None) -> str:
    """Type and frames only: the exception's message may contain personal data."""
    frames = [f"  {Path(f.filename).name}:{f.lineno} in {f.name}" for f in traceback.extract_tb(tb)]
    return f"{exc_type.__module__}.{exc_type.__qualname__}\n" + "\n".join(frames)


def install_excepthook(logs_dir: Path) -> Callable:
    """Show a French dialog for any unexpected error and log it safely; returns the previous hook."""
    previous = sys.excepthook
    showing = False

    def hook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        nonlocal showing
        if issubclass(exc_type, KeyboardInterrupt):
            previous(exc_type, exc, tb)
            return
        trace = _safe_trace(exc_type, tb)
        log_file = logs_dir / ERROR_LOG_NAME
        try:
            logs_dir.mkdir(parents=True, exist_ok=True)
            with log_file.open("a", encoding="utf-8") as handle:
                handle.write(f"{datetime.now():%Y-%m-%d %H:%M:%S} aapdesk {__version__}\n{trace}\n\n")
        except OSError:
            log_file = None
        print(trace, file=sys.stderr)
        if showing or QApplication.instance() is None:
            return  # an error while the dialog is up: logged, not stacked
        showing = True
        try:
            messages.error(
                None, "Erreur inattendue",
                "Une erreur inattendue s'est produite : la dernière action n'a peut-être pas abouti. "
                "Les données déjà enregistrées ne sont pas touchées.\n\n"
                "Si l'erreur se reproduit, transmettez le fichier ci-dessous à la personne qui vous "
                "assiste (il ne contient aucune donnée personnelle).",
                str(log_file) if log_file else "",
            )
        finally:
            showing = False

    sys.excepthook = hook
    return previous


def create_main_window(app_context: AppContext) -> MainWindow:
    return MainWindow(app_context)


def _close_data(app_context: AppContext) -> None:
    try:
        app_context.db.close(app_context.now())
    except RuntimeError as exc:  # the closing backup failed; the database itself is intact
        messages.error(None, "Sauvegarde de fermeture impossible", str(exc))


def run_gui(argv: list[str]) -> int:
    data_dir = data_dir_argument(argv)
    qapp = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "aapdesk", *qt_arguments(argv)])
    assert isinstance(qapp, QApplication)
    qapp.setApplicationName("aapdesk")
    qapp.setOrganizationName("")
    qapp.setApplicationVersion(__version__)
    qapp.setWindowIcon(QIcon(str(resources_dir() / "icons" / "aapdesk.svg")))
    install_french(qapp)  # the translators are children of qapp: they live as long as it
    try:
        app_context = open_app(data_dir)
    except (RuntimeError, CatalogueError) as exc:
        # AlreadyOpenError, NewerDatabaseError, CorruptDatabaseError, a broken catalogue: French messages.
        messages.error(None, "aapdesk ne peut pas ouvrir les données", str(exc))
        return 1
    previous_hook = install_excepthook(app_context.db.paths.logs_dir)
    try:
        window = create_main_window(app_context)
        window.show()
        QTimer.singleShot(0, window.welcome_if_needed)
        return qapp.exec()
    finally:
        _close_data(app_context)
        sys.excepthook = previous_hook
