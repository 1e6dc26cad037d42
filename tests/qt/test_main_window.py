"""The main window: title, navigation, every page in place, status bar, menus, warning banner."""

from __future__ import annotations

from aapdesk import __version__
from aapdesk.qt.app import create_main_window
from aapdesk.services import backups as backups_service
from aapdesk.services import participants as participants_service

PAGE_TITLES = ["Accueil", "Participants", "Activité", "Sorties", "Finances", "Rapports", "Paramètres"]


def test_window_lists_the_demo(window, demo_ctx):
    assert window.windowTitle() == "aapdesk – Association Avenir Emploi Artois (démonstration)"
    assert [window.nav.item(i).text() for i in range(window.nav.count())] == PAGE_TITLES
    page = window.show_page("participants")
    assert window.stack.currentWidget() is page
    assert page.proxy.rowCount() == len(participants_service.list_participant_rows(demo_ctx)) > 0


def test_navigation_switches_pages(window):
    window.nav.setCurrentRow(6)
    assert window.current_page_key() == "parametres"
    window.nav.setCurrentRow(0)
    assert window.current_page_key() == "accueil"


def test_every_page_is_a_real_page(window):
    from aapdesk.qt.pages.base import PlaceholderPage
    from aapdesk.qt.pages.reports_page import ReportsPage

    assert not any(isinstance(page, PlaceholderPage) for page in window.pages.values())
    page = window.show_page("rapports")
    assert isinstance(page, ReportsPage) and page is window.reports
    assert "tableau-de-bord" in page.report_names() or "indicateurs" in page.report_names()


def test_status_bar_shows_data_directory(window, demo_ctx):
    assert str(demo_ctx.db.paths.data_dir) in window.data_dir_label.text()


def test_home_page_counts(window, demo_ctx):
    rows = participants_service.list_participant_rows(demo_ctx)
    open_people = {r.participant_id for r in rows if r.statut == "En cours"}
    home = window.home
    assert home.open_card.number.text() == str(len(open_people))
    assert home.structure_name.text() == "Association Avenir Emploi Artois (démonstration)"
    assert home.operations_table.rowCount() == len(home.occupation.lines) > 0
    assert any("en cours" in line and ("places" in line or "postes" in line) for line in home.occupation.lines)


def test_backup_action_creates_a_backup(window, demo_ctx):
    before = len(backups_service.backups(demo_ctx))
    window.backup_action.trigger()
    assert len(backups_service.backups(demo_ctx)) == before + 1
    assert window.settings.backups.table.rowCount() == before + 1
    assert "Sauvegarde créée" in window.statusBar().currentMessage()


def test_about_shows_version_and_folder(window, demo_ctx, recorded_messages):
    window.about()
    kind, title, text = recorded_messages.calls[-1]
    assert title == "À propos d'aapdesk" and __version__ in text and str(demo_ctx.db.paths.data_dir) in text


def test_network_warning_is_a_banner(qtbot, demo_ctx):
    demo_ctx.db.warning = "Le dossier de données se trouve sur un lecteur réseau."
    win = create_main_window(demo_ctx)
    qtbot.addWidget(win)
    win.show()
    assert win.warning_banner is not None and win.warning_banner.isVisible()
    assert "lecteur réseau" in win.warning_banner.label.text()


def test_no_banner_on_local_disk(window):
    assert window.warning_banner is None
