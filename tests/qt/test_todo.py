"""The "À faire" list and the Accueil page: model conformance, overdue rows flagged in words and
colour, sorting, the same figures as the services, double-click to the accompaniment record."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QSortFilterProxyModel, Qt

from aapdesk.formatting import format_percent
from aapdesk.qt.dialogs.accompaniment_dialog import AccompanimentDialog
from aapdesk.qt.display import operation_status
from aapdesk.qt.widgets.field_errors import ERROR_BACKGROUND
from aapdesk.qt.widgets.todo_list import (
    COL_ECHEANCE,
    COL_LABEL,
    COL_PARTICIPANT,
    COL_RETARD,
    OBJECT_ROLE,
    SORT_ROLE,
    TodoList,
    TodoModel,
    todo_summary,
)
from aapdesk.services import activity as activity_service
from aapdesk.services import operations as operations_service
from aapdesk.services.activity import TodoRow

TODAY = date(2025, 3, 15)


def test_model_passes_qt_model_tester(qtmodeltester, demo_ctx):
    model = TodoModel()
    model.set_rows(activity_service.todo_list(demo_ctx, horizon_days=None))
    assert model.rowCount() > 0
    qtmodeltester.check(model)
    proxy = QSortFilterProxyModel()
    proxy.setSortRole(SORT_ROLE)
    proxy.setSourceModel(model)
    proxy.sort(COL_PARTICIPANT, Qt.SortOrder.DescendingOrder)
    qtmodeltester.check(proxy)
    model.set_rows(activity_service.todo_list(demo_ctx))  # the tester keeps watching the reset


def test_overdue_rows_are_flagged_in_words_and_colour(demo_ctx):
    rows = activity_service.todo_list(demo_ctx, horizon_days=None)
    assert any(r.overdue for r in rows) and not all(r.overdue for r in rows)
    model = TodoModel()
    model.set_rows(rows)
    for index, row in enumerate(rows):
        assert model.index(index, COL_ECHEANCE).data() == row.due.strftime("%d/%m/%Y")
        assert model.index(index, COL_LABEL).data() == row.label
        retard = model.index(index, COL_RETARD)
        background = model.index(index, COL_LABEL).data(Qt.ItemDataRole.BackgroundRole)
        if row.overdue:
            assert row.due < TODAY
            assert retard.data() == "en retard"
            assert background.color().name() == ERROR_BACKGROUND
            assert model.index(index, COL_ECHEANCE).data(Qt.ItemDataRole.ToolTipRole).startswith("En retard")
        else:
            assert row.due >= TODAY
            assert retard.data() == "" and background is None


def test_summary_and_sorting(qtbot, demo_ctx):
    rows = activity_service.todo_list(demo_ctx, horizon_days=None)
    widget = TodoList()
    qtbot.addWidget(widget)
    widget.set_rows(rows)
    late = sum(1 for r in rows if r.overdue)
    assert widget.summary.text() == f"{len(rows)} tâches, dont {late} en retard"
    shown = widget.rows()
    assert [r.due for r in shown] == sorted(r.due for r in rows)  # by due date: the overdue ones first
    assert all(r.overdue for r in shown[:late])
    widget.table.sortByColumn(COL_ECHEANCE, Qt.SortOrder.DescendingOrder)
    assert [r.due for r in widget.rows()] == sorted((r.due for r in rows), reverse=True)
    widget.table.sortByColumn(COL_RETARD, Qt.SortOrder.DescendingOrder)
    assert all(r.overdue for r in widget.rows()[:late])
    assert todo_summary([]).startswith("Rien à faire")
    one = TodoRow(date(2025, 4, 1), False, "comite", "Prochain comité", "X")
    assert todo_summary([one]) == "1 tâche, aucune en retard"
    widget.set_rows([])
    assert widget.table.isHidden() and widget.summary.text().startswith("Rien à faire")


def test_home_shows_the_file_active_of_each_current_operation(window, demo_ctx):
    home = window.home
    running = [op for op in operations_service.list_operations(demo_ctx)
               if operation_status(op, TODAY) == "en cours"]
    assert running
    lines = home.current_operations.file_active_lines()
    assert set(lines) == {op.code for op in running}
    for op in running:
        view = activity_service.file_active_view(demo_ctx, op.id)
        current = view.current
        unit = "postes" if op.postes is not None else "places"
        assert lines[op.code] == (f"Mars 2025 : {current.file_active} accompagnés pour {view.capacity} {unit} – "
                                  f"{format_percent(current.occupation)}")
        indicators = activity_service.milestone_indicators(demo_ctx, op.id)
        texts = dict((name, value) for name, value, _alert in home.current_operations.cards[op.code].indicators)
        assert texts["Contractualisation"].startswith(format_percent(indicators.taux_contractualisation))
        assert texts["Entretiens"].startswith(f"{indicators.entretiens_realises} réalisés")


def test_home_flags_what_misses_the_fiche_objective(window, demo_ctx):
    card = window.home.current_operations.cards["REF-SP-2025"]  # 80 % of contracts expected
    indicators = dict((name, (value, alert)) for name, value, alert in card.indicators)
    value, alert = indicators["Contractualisation"]
    rate = activity_service.milestone_indicators(demo_ctx, operations_service.get_operation(demo_ctx, "REF-SP-2025").id)
    assert rate.taux_contractualisation < 0.8
    assert alert and value.endswith("objectif 80\u202f%, non atteint")


def test_home_lists_the_same_tasks_as_todo_list(window, demo_ctx):
    home = window.home
    todos = activity_service.todo_list(demo_ctx)
    late = sum(1 for t in todos if t.overdue)
    assert home.todos.model.rowCount() == len(todos) > 0
    assert home.todos.summary.text() == f"{len(todos)} tâches, dont {late} en retard"
    assert home.late_card.number.text() == str(late)


def test_double_click_on_a_task_opens_the_record(qtbot, window, demo_ctx):
    home = window.show_page("accueil")
    table = home.todos.table
    row = next(r for r in range(table.model().rowCount())
               if table.model().index(r, 0).data(OBJECT_ROLE).parcours_id is not None)
    task = table.model().index(row, 0).data(OBJECT_ROLE)
    rect = table.visualRect(table.model().index(row, COL_LABEL))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    dialogs = [d for d in home.findChildren(AccompanimentDialog) if d.isVisible()]
    assert [(d.participant_id, d.parcours_id) for d in dialogs] == [(task.participant_id, task.parcours_id)]


def test_signing_a_cer_from_home_updates_the_list(qtbot, window, demo_ctx):
    home = window.home
    before = activity_service.todo_list(demo_ctx)
    task = next(t for t in before if t.code == "cer_signature")
    dialog = home.open_todo(task)
    dialog.cer_signature.set_value(date(2025, 3, 14))
    with qtbot.waitSignal(home.changed):
        assert dialog.add_cer()
    after = activity_service.todo_list(demo_ctx)
    assert len(after) == len(before) - 1
    assert home.todos.model.rowCount() == len(after)
    assert home.late_card.number.text() == str(sum(1 for t in after if t.overdue))


def test_home_shows_the_finances_estimate_of_each_current_operation(window, demo_ctx):
    from aapdesk.formatting import format_money
    from aapdesk.services import finances, operations

    window.refresh_all()
    cards = window.home.current_operations.cards
    assert cards
    for op in operations.list_operations(demo_ctx):
        if op.code in cards and op.montant is not None:
            view = finances.finance_view(demo_ctx, op.id)
            line = cards[op.code].estimate_line
            assert format_money(view.estimate.montant_estime) in line
            assert format_money(view.solde) in line
