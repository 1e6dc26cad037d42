"""The Rapports page: choosing, generating in the background, cancelling, the files produced.

A slow fake report (registered for the test only) sleeps in small steps, reports its
progress and checks ``cancelled``: while it runs, the GUI thread's event loop keeps
turning (a QTimer fires, the progress bar moves).
"""

from __future__ import annotations

import json
import os
import threading
import time
from datetime import date

import pytest
from PySide6.QtCore import QThread, QTimer, Qt
from PySide6.QtWidgets import QApplication

from aapdesk.domain.periods import YearMonth
from aapdesk.qt.pages import reports_page
from aapdesk.qt.pages.reports_page import ReportsPage, proposed_file_name
from aapdesk.qt.tasks import database_pool
from aapdesk.services import operations as operations_service
from aapdesk.services import report_registry, reporting
from aapdesk.services.report_registry import ReportCancelled, ReportSpec

SLOW_STEPS = 40
STEP_SECONDS = 0.03


def _write_fake(fmt, report, handle) -> None:  # type: ignore[no-untyped-def]
    handle.write(f"rapport factice ({fmt}) : {report}".encode())


class SlowReport:
    """A build that takes about a second, in small steps; it records which thread ran it.

    In lockstep, each step waits until the GUI thread has shown the previous one: what the test
    checks then holds however busy the machine is, instead of depending on who runs first.
    """

    def __init__(self) -> None:
        self.threads: list[threading.Thread] = []
        self.steps_done = 0
        self.lockstep = False
        self.gui_saw_step = threading.Event()

    def __call__(self, app, request, progress, cancelled):  # type: ignore[no-untyped-def]
        self.threads.append(threading.current_thread())
        for step in range(1, SLOW_STEPS + 1):
            if cancelled():
                raise ReportCancelled()
            time.sleep(STEP_SECONDS)
            self.steps_done = step
            self.gui_saw_step.clear()
            progress(step * 80 // SLOW_STEPS, f"Étape {step} sur {SLOW_STEPS}")
            if self.lockstep:
                self.gui_saw_step.wait(timeout=10)
        return f"opération {request.operation_id}"


@pytest.fixture
def slow_report(monkeypatch) -> SlowReport:
    build = SlowReport()
    spec = ReportSpec(name="rapport-lent", label="Rapport lent", formats=("xlsx", "pdf"), build=build,
                      description="Un rapport factice qui prend son temps.", write=_write_fake)
    monkeypatch.setitem(report_registry._REGISTRY, spec.name, spec)
    return build


@pytest.fixture
def out_dir(tmp_path, monkeypatch):
    folder = tmp_path / "rapports"
    monkeypatch.setattr(reports_page, "choose_folder", lambda parent, start: folder)
    return folder


@pytest.fixture
def page(qtbot, demo_ctx):
    widget = ReportsPage(demo_ctx)
    qtbot.addWidget(widget)
    widget.resize(1100, 700)
    widget.refresh()
    widget.show()
    yield widget
    widget.shutdown()
    database_pool().waitForDone(10_000)  # nothing may outlive the database closed by demo_ctx


def _wait_done(qtbot, page: ReportsPage, timeout: int = 20_000) -> None:
    qtbot.waitUntil(lambda: not page.is_busy(), timeout=timeout)


def test_lists_the_registered_reports_and_the_indicators(slow_report, page):
    page.refresh()
    names = page.report_names()
    registered = [spec.name for spec in report_registry.available_reports()]
    assert names[:len(registered)] == registered
    assert "rapport-lent" in names and names[-1] == "indicateurs"
    assert page.report_list.item(len(names) - 1).text() == "Indicateurs (JSON)"
    page.select_report("rapport-lent")
    assert page.description.text() == "Un rapport factice qui prend son temps."
    assert [page.format_combo.itemData(i) for i in range(page.format_combo.count())] == ["xlsx", "pdf"]
    page.select_report("indicateurs")
    assert [page.format_combo.itemData(i) for i in range(page.format_combo.count())] == ["json"]


def test_defaults_operation_date_folder_and_a_name_without_personal_data(page, demo_ctx):
    op = page.current_operation()
    assert op is not None and op.debut <= demo_ctx.today() <= op.fin  # an operation in progress first
    assert page.as_of() == demo_ctx.today()
    assert page.folder == demo_ctx.db.paths.exports_dir
    page.select_operation("AI-2024")  # over on 31/12/2024: the date goes to its end
    assert page.as_of() == date(2024, 12, 31)
    page.select_report("tableau-de-bord") if "tableau-de-bord" in page.report_names() else None
    spec = page.current_spec()
    assert page.name_edit.text() == proposed_file_name(spec, "AI-2024", date(2024, 12, 31), None, page.chosen_format())
    assert page.name_edit.text() == f"{spec.name}-AI-2024-2024-12-31.{page.chosen_format()}"
    page.set_as_of(date(2024, 6, 30))
    assert page.name_edit.text().endswith("-AI-2024-2024-06-30." + page.chosen_format())


def test_month_selector_only_for_reports_that_need_a_month(page, monkeypatch):
    monthly = ReportSpec(name="mensuel-factice", label="Mensuel factice", formats=("xlsx",),
                         build=lambda *a: "x", needs_month=True, write=_write_fake)
    monkeypatch.setitem(report_registry._REGISTRY, monthly.name, monthly)
    page.refresh()
    page.select_operation("ACCOMP-2025")  # 01/01/2025 – 31/12/2025, as of 15/03/2025
    page.select_report("indicateurs")
    assert not page.month_combo.isVisibleTo(page)
    page.select_report("mensuel-factice")
    assert page.month_combo.isVisibleTo(page)
    months = [page.month_combo.itemData(i) for i in range(1, page.month_combo.count())]
    assert months == [YearMonth(2025, 3), YearMonth(2025, 2), YearMonth(2025, 1)]  # newest first, up to the date
    assert page.chosen_month() == YearMonth(2025, 2)  # the last complete month
    assert page.name_edit.text() == "mensuel-factice-ACCOMP-2025-2025-02.xlsx"


def test_a_report_needing_a_month_refuses_to_start_without_one(qtbot, page, monkeypatch, out_dir):
    built = []
    monthly = ReportSpec(name="mensuel-factice", label="Mensuel factice", formats=("xlsx",),
                         build=lambda *a: built.append(a), needs_month=True, write=_write_fake)
    monkeypatch.setitem(report_registry._REGISTRY, monthly.name, monthly)
    page.refresh()
    page.change_folder()
    page.select_report("mensuel-factice")
    page.set_month(None)
    qtbot.mouseClick(page.generate_button, Qt.MouseButton.LeftButton)
    assert "Le rapport « Mensuel factice » demande un mois" in page.result_label.text()
    assert page.task is None and built == [] and not out_dir.exists()
    assert page.generate() is None


def test_without_any_operation_the_page_says_where_to_create_one(empty_window):
    page = empty_window.show_page("rapports")
    assert page.empty_hint.isVisible() and "Paramètres" in page.empty_hint.text()
    assert not page.generate_button.isEnabled()
    assert page.generate() is None and page.result_label.text() == "Choisissez d'abord une opération."


def test_slow_report_runs_in_the_background_and_the_gui_keeps_running(qtbot, slow_report, page, out_dir):
    slow_report.lockstep = True
    page.change_folder()
    page.select_report("rapport-lent")
    gui_thread = QApplication.instance().thread()
    ticks: list[bool] = []
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: ticks.append(QThread.currentThread() is gui_thread))
    # Each progress update as the GUI thread receives it: (bar value, still building, timer ticks so far).
    updates: list[tuple[int, bool, int]] = []
    steps: list[str] = []  # the step shown with each update

    def on_value(value: int) -> None:
        if page.is_busy():
            updates.append((value, slow_report.steps_done < SLOW_STEPS, len(ticks)))
            steps.append(page.step_label.text())
        slow_report.gui_saw_step.set()

    page.progress_bar.valueChanged.connect(on_value)
    timer.start()
    task = page.generate()
    assert task is not None and page.is_busy()
    # generate() returned while the worker cannot be past its first step: the work is elsewhere
    assert slow_report.steps_done <= 1
    assert not page.generate_button.isEnabled() and page.cancel_button.isEnabled()

    _wait_done(qtbot, page)
    assert any(step.startswith("Étape ") and step.endswith("…") for step in steps)
    timer.stop()
    building = [u for u in updates if u[1]]
    assert len({value for value, _, _ in building}) >= 3  # the bar moved step by step while the report was built
    assert building[-1][2] - building[0][2] >= 3  # and the GUI thread's timer kept firing in between
    assert ticks and all(ticks)
    assert slow_report.threads and slow_report.threads[0] is not threading.main_thread()
    produced = out_dir / page.name_edit.text()
    assert task.result == produced and produced.read_bytes().startswith("rapport factice (xlsx)".encode())
    assert page.progress_bar.value() == 100 and "Fichier produit" in page.result_label.text()
    assert page.generate_button.isEnabled()


def test_cancel_stops_the_report_and_leaves_no_file(qtbot, slow_report, page, out_dir):
    slow_report.lockstep = True  # the worker cannot finish while the click is on its way
    page.progress_bar.valueChanged.connect(lambda _value: slow_report.gui_saw_step.set())
    page.change_folder()
    page.select_report("rapport-lent")
    task = page.generate()
    qtbot.waitUntil(lambda: page.progress_bar.value() >= 10, timeout=5_000)
    qtbot.mouseClick(page.cancel_button, Qt.MouseButton.LeftButton)
    _wait_done(qtbot, page)
    assert task.was_cancelled and slow_report.steps_done < SLOW_STEPS
    assert "annulée" in page.result_label.text()
    assert not out_dir.exists() or list(out_dir.iterdir()) == []  # not even a temporary file
    assert page.generate_button.isEnabled() and not page.progress_bar.isVisible()


def test_success_lists_the_file_and_offers_to_open_it(qtbot, slow_report, page, out_dir, recorded_messages,
                                                      monkeypatch):
    opened_folders = []
    monkeypatch.setattr(reports_page, "open_folder", lambda parent, folder: opened_folders.append(folder) or True)
    page.change_folder()
    page.select_report("rapport-lent")
    page.generate()
    _wait_done(qtbot, page)
    produced = out_dir / page.name_edit.text()
    assert page.recent_files()[0] == produced
    assert page.recent_table.item(0, 0).text() == produced.name
    assert page.selected_file() == produced
    assert page.open_file_button.isVisible() and page.open_folder_button.isVisible()
    qtbot.mouseClick(page.open_file_button, Qt.MouseButton.LeftButton)
    assert recorded_messages.calls[-1][:2] == ("open_document", produced)
    qtbot.mouseClick(page.open_folder_button, Qt.MouseButton.LeftButton)
    assert opened_folders == [out_dir]


@pytest.fixture
def quick_report(monkeypatch) -> ReportSpec:
    """A monthly report written at once, in two formats."""
    spec = ReportSpec(name="rapport-rapide", label="Rapport rapide", formats=("xlsx", "pdf"),
                      build=lambda app, request, progress, cancelled: "vite", needs_month=True,
                      write=_write_fake)
    monkeypatch.setitem(report_registry._REGISTRY, spec.name, spec)
    return spec


def _produce_quick_report(qtbot, page: ReportsPage) -> None:
    page.refresh()
    page.change_folder()
    page.select_operation("ACCOMP-2025")  # as of 15/03/2025: months January to March, February chosen
    page.select_report("rapport-rapide")
    page.set_format("xlsx")
    assert page.generate() is not None
    _wait_done(qtbot, page)
    assert _shows_a_produced_file(page)


def _shows_a_produced_file(page: ReportsPage) -> bool:
    return (page.result_label.text().startswith("Fichier produit : ") and page.open_file_button.isVisible()
            and page.open_folder_button.isVisible() and page.progress_bar.isVisible()
            and page.progress_bar.value() == 100)


def _shows_no_outcome(page: ReportsPage) -> bool:
    return (page.result_label.text() == "" and not page.open_file_button.isVisible()
            and not page.open_folder_button.isVisible() and not page.progress_bar.isVisible())


@pytest.mark.parametrize("change", [
    lambda page: page.select_report("indicateurs"),
    lambda page: page.set_format("pdf"),
    lambda page: page.select_operation("AI-2024"),
    lambda page: page.set_as_of(date(2025, 3, 1)),
    lambda page: page.set_month(YearMonth(2025, 1)),
], ids=["report", "format", "operation", "date", "month"])
def test_choosing_something_else_clears_the_file_produced(qtbot, quick_report, page, out_dir, change):
    _produce_quick_report(qtbot, page)
    change(page)
    assert _shows_no_outcome(page)  # « Fichier produit » would name a file made for the previous choice
    assert page.generate_button.isEnabled()


def test_the_file_produced_stays_while_the_same_choice_is_shown(qtbot, quick_report, page, out_dir):
    _produce_quick_report(qtbot, page)
    produced = page.result_label.text()
    page.refresh()  # as when the page is shown again, or the window refreshes after the generation
    page.select_report("rapport-rapide")  # already the one chosen
    page.set_format("xlsx")
    page.set_month(YearMonth(2025, 2))
    assert _shows_a_produced_file(page) and page.result_label.text() == produced
    page.change_folder()  # the folder is where the next file goes; the file produced is still this one
    assert _shows_a_produced_file(page)


def test_a_refusal_is_cleared_when_the_choice_changes(qtbot, quick_report, page, out_dir):
    page.refresh()
    page.select_report("rapport-rapide")
    page.set_month(None)
    assert page.generate() is None and "demande un mois" in page.result_label.text()
    page.set_month(YearMonth(2025, 1))
    assert page.result_label.text() == ""


def test_files_of_the_list_open_from_it(page, demo_ctx, recorded_messages, monkeypatch):
    opened_folders = []
    monkeypatch.setattr(reports_page, "open_folder", lambda parent, folder: opened_folders.append(folder) or True)
    exports = demo_ctx.db.paths.exports_dir
    earlier = exports / "tableau-de-bord-AI-2024-2024-12-31.pdf"
    earlier.write_bytes(b"%PDF-1.4")
    page.refresh()
    assert not page.open_file_button.isVisible()  # nothing produced in this session yet
    page.recent_table.selectRow(0)
    page.recent_table.itemActivated.emit(page.recent_table.item(0, 0))  # double-click or Enter
    assert recorded_messages.calls[-1][:2] == ("open_document", earlier)
    actions = {action.text(): action for action in page.recent_menu().actions()}
    actions["Ouvrir le dossier"].trigger()
    assert opened_folders == [exports]


def test_recent_list_holds_exports_newest_first(page, demo_ctx):
    exports = demo_ctx.db.paths.exports_dir
    older, newer = exports / "bilan-execution-AI-2024-2024-12-31.pdf", exports / "tableau-de-bord-AI-2024.xlsx"
    for index, path in enumerate((older, newer)):
        path.write_bytes(b"x" * 2048)
        os.utime(path, (1_700_000_000 + index * 100, 1_700_000_000 + index * 100))
    (exports / ".tableau-de-bord.xlsx.abc.tmp").write_bytes(b"half written")
    (exports / "notes.txt").write_text("pas un rapport")
    page.refresh()
    assert [p.name for p in page.recent_files()] == [newer.name, older.name]
    assert page.recent_table.item(0, 2).text() == "2 Ko"


def test_indicators_json_is_written_and_parses(qtbot, page, demo_ctx, out_dir):
    page.change_folder()
    page.select_operation("AI-2024")
    page.select_report("indicateurs")
    assert page.name_edit.text() == "indicateurs-AI-2024-2024-12-31.json"
    page.generate()
    _wait_done(qtbot, page)
    produced = out_dir / "indicateurs-AI-2024-2024-12-31.json"
    data = json.loads(produced.read_text(encoding="utf-8"))
    op = operations_service.get_operation(demo_ctx, "AI-2024")
    assert data == json.loads(json.dumps(reporting.indicators(demo_ctx, op.id, date(2024, 12, 31))))
    assert data["operation"]["code"] == "AI-2024" and data["au"] == "2024-12-31"


def test_a_failing_report_says_why_in_french(qtbot, page, monkeypatch, recorded_messages, out_dir):
    def refuse(app, request, progress, cancelled):  # type: ignore[no-untyped-def]
        raise ValueError("Aucun participant sur cette période.")

    spec = ReportSpec(name="rapport-refuse", label="Rapport refusé", formats=("pdf",), build=refuse,
                      write=_write_fake)
    monkeypatch.setitem(report_registry._REGISTRY, spec.name, spec)
    page.refresh()
    page.change_folder()
    page.select_report("rapport-refuse")
    page.generate()
    _wait_done(qtbot, page)
    assert recorded_messages.calls[-1] == ("error", "Rapport non produit", "Aucun participant sur cette période.")
    assert page.result_label.text() == "Aucun participant sur cette période."
    assert not out_dir.exists() or list(out_dir.iterdir()) == []


def test_an_unexpected_error_goes_to_the_application_hook(qtbot, page, monkeypatch, recorded_messages, out_dir):
    def broken(app, request, progress, cancelled):  # type: ignore[no-untyped-def]
        raise KeyError("Dupont")  # a bug, whose message may quote a person

    hooked = []
    monkeypatch.setattr("sys.excepthook", lambda kind, exc, tb: hooked.append(kind))
    spec = ReportSpec(name="rapport-casse", label="Rapport cassé", formats=("pdf",), build=broken, write=_write_fake)
    monkeypatch.setitem(report_registry._REGISTRY, spec.name, spec)
    page.refresh()
    page.change_folder()
    page.select_report("rapport-casse")
    page.generate()
    _wait_done(qtbot, page)
    assert hooked == [KeyError] and recorded_messages.calls == []
    assert "erreur inattendue" in page.result_label.text() and "Dupont" not in page.result_label.text()


def test_an_existing_file_is_replaced_only_when_confirmed(qtbot, slow_report, page, out_dir, recorded_messages):
    page.change_folder()
    page.select_report("rapport-lent")
    out_dir.mkdir()
    existing = out_dir / page.name_edit.text()
    existing.write_bytes(b"ancien")
    recorded_messages.answers["confirm"] = False
    assert page.generate() is None and existing.read_bytes() == b"ancien"
    recorded_messages.answers["confirm"] = True
    page.generate()
    _wait_done(qtbot, page)
    assert existing.read_bytes() != b"ancien"


def test_closing_the_window_stops_a_generation(qtbot, window, slow_report, out_dir):
    page = window.show_page("rapports")
    page.refresh()
    page.change_folder()
    page.select_report("rapport-lent")
    page.generate()
    qtbot.waitUntil(lambda: page.progress_bar.value() > 0, timeout=5_000)
    window.close()  # cancels and waits: the database closes right after
    assert database_pool().activeThreadCount() == 0
    assert not out_dir.exists() or list(out_dir.iterdir()) == []


@pytest.mark.skipif("tableau-de-bord" not in [s.name for s in report_registry.available_reports()],
                    reason="the tableau de bord is not registered yet")
def test_tableau_de_bord_xlsx_from_the_demo(qtbot, page, out_dir):
    from openpyxl import load_workbook

    page.change_folder()
    page.select_operation("AI-2024")
    page.select_report("tableau-de-bord")
    page.set_format("xlsx")
    assert page.name_edit.text() == "tableau-de-bord-AI-2024-2024-12-31.xlsx"
    page.generate()
    _wait_done(qtbot, page, timeout=60_000)
    produced = out_dir / "tableau-de-bord-AI-2024-2024-12-31.xlsx"
    assert page.recent_files()[0] == produced, page.result_label.text()
    workbook = load_workbook(produced, read_only=True)
    assert len(workbook.sheetnames) >= 2
    workbook.close()
