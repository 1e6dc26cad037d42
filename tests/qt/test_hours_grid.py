"""The Heures tab: the editable hours model, typing, pasting, clearing and undoing like a spreadsheet.

Every check reads the database back through the services: what the grid shows is only
trusted once ``hours_grid`` returns it. The demo's AI-2024 operation (3.10, MAD threshold
10 h urbain / 8 h rural, finished) and ACCOMP-2025 (in progress on 15/03/2025) are used.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QAbstractItemView, QLineEdit

from aapdesk.domain.activity import month_hours
from aapdesk.domain.participants import ParcoursInput, ParticipantInput
from aapdesk.qt.models.hours_model import (
    ACCOMPAGNEMENT,
    FIRST_MONTH_COLUMN,
    MAD,
    SOUS_SEUIL_BACKGROUND,
    SOUS_SEUIL_ROLE,
    VALUE_ROLE,
    HoursModel,
    hours_text,
    parse_hours,
    split_clipboard,
)
from aapdesk.qt.pages.activity_page import ActivityPage
from aapdesk.services import activity as activity_service
from aapdesk.services import operations as operations_service
from aapdesk.services import participants as participants_service


@pytest.fixture
def page(qtbot, demo_ctx):
    page = ActivityPage(demo_ctx)
    qtbot.addWidget(page)
    page.resize(1200, 760)
    page.refresh()
    page.show()
    page.tabs.setCurrentWidget(page.hours)
    return page


@pytest.fixture
def ai_page(page):
    """The page on AI-2024, MAD hours shown."""
    page.select_operation("AI-2024")
    assert page.hours.kind.currentData() == MAD
    return page


def op_id(ctx, code: str) -> int:
    return operations_service.get_operation(ctx, code).id


def stored(ctx, operation_id: int, row: int, column: int, kind: str = MAD) -> Decimal:
    """The hours the service holds for a grid cell (0 when nothing was ever entered)."""
    cell = activity_service.hours_grid(ctx, operation_id).rows[row].months[column - FIRST_MONTH_COLUMN]
    return cell.mad if kind == MAD else cell.accompagnement


def editable_cells(model: HoursModel) -> list[tuple[int, int]]:
    return [(r, c) for r in range(len(model.rows)) for c in range(FIRST_MONTH_COLUMN, model.total_column)
            if model.is_editable(r, c)]


def absent_cells(model: HoursModel) -> list[tuple[int, int]]:
    return [(r, c) for r in range(len(model.rows)) for c in range(FIRST_MONTH_COLUMN, model.total_column)
            if not model.cell(r, c).present]


def editor_of(table) -> QLineEdit | None:
    editors = [e for e in table.viewport().findChildren(QLineEdit) if e.isVisible()]
    return editors[0] if editors else None


def type_in_cell(qtbot, table, row: int, column: int, text: str, end=Qt.Key.Key_Return) -> None:
    """Select the cell, type over it like in a spreadsheet, then press ``end`` (Enter by default)."""
    table.setCurrentIndex(table.model().index(row, column))
    qtbot.keyClicks(table, text[0])  # the first key opens the editor and replaces the content
    editor = editor_of(table)
    assert editor is not None, "typing a number did not start editing"
    qtbot.keyClicks(editor, text[1:])
    qtbot.keyClick(editor, end)
    qtbot.waitUntil(lambda: table.state() != QAbstractItemView.State.EditingState)


def block_of_editable(model: HoursModel, height: int, width: int) -> tuple[int, int]:
    ok = set(editable_cells(model))
    for r, c in sorted(ok):
        if all((r + i, c + j) in ok for i in range(height) for j in range(width)):
            return r, c
    raise AssertionError("no editable block of that size in the demo")


# --- the model ---------------------------------------------------------------------------

@pytest.mark.parametrize("kind", [MAD, ACCOMPAGNEMENT])
def test_hours_model_passes_the_model_tester(qtmodeltester, demo_ctx, kind):
    model = HoursModel(demo_ctx)
    model.load(op_id(demo_ctx, "AI-2024"), has_mad=True)
    model.set_kind(kind)
    qtmodeltester.check(model, force_py=True)
    assert model.rowCount() == len(model.rows) + 1 and model.columnCount() == 12 + 2


def test_hours_model_empty_passes_the_model_tester(qtmodeltester, demo_ctx):
    model = HoursModel(demo_ctx)
    model.load(None)
    qtmodeltester.check(model, force_py=True)
    assert model.rowCount() == 0


def test_grid_shows_the_service_figures(ai_page, demo_ctx):
    model = ai_page.hours.model
    grid = activity_service.hours_grid(demo_ctx, op_id(demo_ctx, "AI-2024"))
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())] == [
        "Zone", "janv. 2024", "févr. 2024", "mars 2024", "avr. 2024", "mai 2024", "juin 2024", "juil. 2024",
        "août 2024", "sept. 2024", "oct. 2024", "nov. 2024", "déc. 2024", "Total"]
    for r, row in enumerate(grid.rows):
        assert model.headerData(r, Qt.Orientation.Vertical) == f"{row.nom} {row.prenom}"
        assert model.index(r, 0).data() == row.zone
        assert model.index(r, model.total_column).data(VALUE_ROLE) == row.total_mad
        for c, cell in enumerate(row.months, start=FIRST_MONTH_COLUMN):
            assert model.index(r, c).data(VALUE_ROLE) == cell.mad
    assert model.headerData(model.total_row, Qt.Orientation.Vertical) == "Total"
    assert model.index(model.total_row, model.total_column).data(VALUE_ROLE) == grid.totals.mad
    assert model.index(model.total_row, model.total_column).data() == hours_text(grid.totals.mad)


def test_values_are_shown_the_french_way(ai_page):
    model = ai_page.hours.model
    shown = {model.index(r, c).data() for r, c in editable_cells(model)}
    assert "6,5" in shown and "15,5" in shown and not any("." in text for text in shown)


def test_kind_selector_offers_mad_only_with_a_threshold(page):
    page.select_operation("ACCOMP-2025")
    assert [page.hours.kind.itemText(i) for i in range(page.hours.kind.count())] == ["Heures d'accompagnement"]
    assert page.hours.model.kind == ACCOMPAGNEMENT
    page.select_operation("AI-2024")
    assert [page.hours.kind.itemText(i) for i in range(page.hours.kind.count())] == [
        "Heures de mise à disposition", "Heures d'accompagnement"]
    page.hours.kind.setCurrentIndex(1)
    r, c = editable_cells(page.hours.model)[0]
    assert page.hours.model.index(r, c).data(VALUE_ROLE) == page.hours.model.cell(r, c).accompagnement


def test_legend_counts_valorisable_months(ai_page, demo_ctx):
    totals = activity_service.hours_grid(demo_ctx, op_id(demo_ctx, "AI-2024")).totals
    legend = ai_page.hours.legend.text()
    assert legend.startswith(f"Mois valorisables : {totals.valorisables} / objectif 240 (20 postes × 12)")
    assert f"Mois sous le seuil (en orange) : {totals.sous_seuil}" in legend
    assert f"Total MAD : {hours_text(totals.mad)}\u00a0h" in legend


def test_sous_seuil_months_are_highlighted(ai_page, demo_ctx):
    model = ai_page.hours.model
    grid = activity_service.hours_grid(demo_ctx, op_id(demo_ctx, "AI-2024"))
    flagged = 0
    for r, row in enumerate(grid.rows):
        for c, cell in enumerate(row.months, start=FIRST_MONTH_COLUMN):
            index = model.index(r, c)
            assert index.data(SOUS_SEUIL_ROLE) is cell.sous_seuil
            if cell.sous_seuil:
                flagged += 1
                assert index.data(Qt.ItemDataRole.BackgroundRole) == SOUS_SEUIL_BACKGROUND
                assert index.data(Qt.ItemDataRole.ToolTipRole) == (
                    f"Sous le seuil de {hours_text(row.threshold)} h ({row.zone})")
    assert flagged == grid.totals.sous_seuil > 0
    tooltips = {model.index(r, c).data(Qt.ItemDataRole.ToolTipRole)
                for r in range(len(model.rows)) for c in range(FIRST_MONTH_COLUMN, model.total_column)}
    assert {"Sous le seuil de 10 h (urbain)", "Sous le seuil de 8 h (rural)"} <= tooltips


# --- typing --------------------------------------------------------------------------------

def test_typing_a_value_saves_it_and_updates_the_totals(qtbot, ai_page, demo_ctx):
    model, table = ai_page.hours.model, ai_page.hours.table
    operation = op_id(demo_ctx, "AI-2024")
    r, c = next((r, c) for r, c in editable_cells(model)
                if model.value(r, c) != Decimal("12.5") and r + 1 < model.total_row)
    old = model.value(r, c)
    row_total, month_total = model.value(r, model.total_column), model.value(model.total_row, c)
    grand_total = model.value(model.total_row, model.total_column)

    type_in_cell(qtbot, table, r, c, "12,5")

    assert stored(demo_ctx, operation, r, c) == Decimal("12.5")
    assert model.index(r, c).data() == "12,5"
    delta = Decimal("12.5") - old
    assert model.value(r, model.total_column) == row_total + delta
    assert model.value(model.total_row, c) == month_total + delta
    assert model.value(model.total_row, model.total_column) == grand_total + delta
    assert (table.currentIndex().row(), table.currentIndex().column()) == (r + 1, c)  # Enter goes down
    assert not ai_page.hours.status_line.isVisible()
    assert model.undo_stack.count() == 1


def test_tab_saves_and_moves_right(qtbot, ai_page, demo_ctx):
    model, table = ai_page.hours.model, ai_page.hours.table
    r, c = next((r, c) for r, c in editable_cells(model) if c + 1 < model.total_column)
    type_in_cell(qtbot, table, r, c, "7.25", end=Qt.Key.Key_Tab)  # a dot is read too
    assert stored(demo_ctx, op_id(demo_ctx, "AI-2024"), r, c) == Decimal("7.25")
    assert (table.currentIndex().row(), table.currentIndex().column()) == (r, c + 1)


def test_absent_months_are_greyed_and_not_editable(qtbot, ai_page):
    model, table = ai_page.hours.model, ai_page.hours.table
    r, c = absent_cells(model)[0]
    index = model.index(r, c)
    assert not model.flags(index) & Qt.ItemFlag.ItemIsEditable
    assert index.data(Qt.ItemDataRole.BackgroundRole) is not None
    assert index.data(Qt.ItemDataRole.ToolTipRole) == "Le parcours n'est pas en cours ce mois-là."
    table.setCurrentIndex(index)
    qtbot.keyClicks(table, "5")
    assert table.state() != QAbstractItemView.State.EditingState and editor_of(table) is None
    for column in (0, model.total_column):
        assert not model.flags(model.index(r, column)) & Qt.ItemFlag.ItemIsEditable
    assert not model.flags(model.index(model.total_row, c)) & Qt.ItemFlag.ItemIsEditable


def test_months_after_the_as_of_date_are_not_editable(page):
    page.select_operation("ACCOMP-2025")  # as of 15/03/2025
    model = page.hours.model
    april = FIRST_MONTH_COLUMN + 3
    assert all(not model.is_editable(r, april) for r in range(len(model.rows)))
    assert model.index(0, april).data(Qt.ItemDataRole.ToolTipRole) == "Mois après la date d'arrêté : rien à saisir."
    assert any(model.is_editable(r, FIRST_MONTH_COLUMN + 2) for r in range(len(model.rows)))  # March is open


def test_more_hours_than_the_month_holds_is_refused(qtbot, ai_page, demo_ctx):
    model, table = ai_page.hours.model, ai_page.hours.table
    february = FIRST_MONTH_COLUMN + 1
    r = next(r for r, c in editable_cells(model) if c == february)
    old = stored(demo_ctx, op_id(demo_ctx, "AI-2024"), r, february)
    assert month_hours(model.months[1]) == 696

    type_in_cell(qtbot, table, r, february, "800")

    status = ai_page.hours.status_line
    assert status.isVisible()
    assert f"ligne {r + 1}, février 2024 : " in status.text()
    assert "Les heures de mise à disposition de février 2024 (800 h) dépassent les 696 h que compte le mois" \
        in status.text()
    assert stored(demo_ctx, op_id(demo_ctx, "AI-2024"), r, february) == old
    assert model.value(r, february) == old
    assert model.undo_stack.count() == 0


def dark_pixels_in_gutter(header, row: int) -> int:
    """How many pixels of text colour the header paints left of the names on ``row``."""
    image = header.grab(QRect(0, header.sectionViewportPosition(row), header.gutter_width(),
                              header.sectionSize(row))).toImage()
    return sum(QColor(image.pixel(x, y)).lightness() < 100 for x in range(image.width()) for y in range(image.height()))


def test_the_line_a_refusal_names_is_the_number_beside_the_row(qtbot, ai_page, demo_ctx):
    """« ligne N » in the message is the number the vertical header shows on the row typed in."""
    model, table = ai_page.hours.model, ai_page.hours.table
    header = table.verticalHeader()
    r, c = next((r, c) for r, c in editable_cells(model) if r >= 4)  # a row some way down the grid
    type_in_cell(qtbot, table, r, c, "douze")

    status = ai_page.hours.status_line
    assert status.isVisible()
    lines = re.findall(r"ligne (\d+), ", status.text())
    assert len(lines) == 1
    assert header.isVisible() and header.number_text(r) == lines[0]
    assert header.sectionViewportPosition(r) >= 0 and dark_pixels_in_gutter(header, r) > 0  # the number is painted
    assert header.number_text(model.total_row) == ""  # the totals row has no line
    assert dark_pixels_in_gutter(ai_page.hours.footer.verticalHeader(), model.total_row) == 0
    # every row: the header's number is the line the model (and so the service) names
    assert [header.number_text(row) for row in range(len(model.rows))] == [
        str(row.line) for row in model.rows] == [str(n) for n in range(1, len(model.rows) + 1)]


def test_row_numbers_stand_in_a_narrow_gutter_before_the_names(ai_page):
    model, table, footer = ai_page.hours.model, ai_page.hours.table, ai_page.hours.footer
    header = table.verticalHeader()
    widest_name = max(header.fontMetrics().horizontalAdvance(str(model.headerData(
        row, Qt.Orientation.Vertical))) for row in range(len(model.rows)))
    assert header.width() >= header.gutter_width() + widest_name  # numbers and names both fit
    assert header.gutter_width() < header.fontMetrics().horizontalAdvance("9999") + 2 * header.GAP
    assert footer.verticalHeader().gutter_width() == header.gutter_width()  # « Total » lines up with the names


def test_an_undo_refused_after_the_rows_moved_names_the_line_on_screen(qtbot, ai_page, demo_ctx):
    """The history outlives a reload: after a participant sorting first joins the operation, every row moves
    down one line, and the service's refusal of an undo names the line the row has now."""
    model, table, header = ai_page.hours.model, ai_page.hours.table, ai_page.hours.table.verticalHeader()
    operation = op_id(demo_ctx, "AI-2024")
    r, c = next((r, c) for r, c in editable_cells(model) if r >= 4 and model.cell(r, c - 1) is not None
                and model.cell(r, c - 1).present)
    person, month = model.row_at(r), model.month_at(c)
    type_in_cell(qtbot, table, r, c, "21")
    assert model.undo_stack.count() == 1

    # Elsewhere in the application: the parcours now ends the month before, and « AAAA Anne » joins.
    parcours = next(p for p in participants_service.get_participant(demo_ctx, person.participant_id).parcours
                    if p.id == person.parcours_id)
    participants_service.update_parcours(demo_ctx, parcours.id, ParcoursInput(
        parcours.date_entree, parcours.date_orientation, month.add(-1).last_day, parcours.referent))
    participants_service.create_participant(
        demo_ctx, ParticipantInput(nom="AAAA", prenom="Anne", sexe="F", date_naissance=date(1980, 1, 1)),
        operation, ParcoursInput(date(2024, 1, 15)))
    ai_page.refresh()
    moved = next(row for row in range(len(model.rows)) if model.row_at(row).parcours_id == person.parcours_id)
    assert moved == r + 1 and model.undo_stack.count() == 1  # same operation: the history stays

    ai_page.hours.undo_button.click()  # the service refuses: the parcours is no longer there that month
    text = ai_page.hours.status_line.text()
    assert "le parcours n'est pas en cours ce mois-là" in text
    assert re.findall(r"ligne (\d+), ", text) == [header.number_text(moved)] == [str(moved + 1)]
    assert f"{person.nom} {person.prenom}, {month.label}" in text  # what was undone, by whom rather than by line


def test_unreadable_text_is_refused(qtbot, ai_page, demo_ctx):
    model, table = ai_page.hours.model, ai_page.hours.table
    r, c = editable_cells(model)[0]
    old = model.value(r, c)
    type_in_cell(qtbot, table, r, c, "douze")
    assert "« douze » n'est pas un nombre d'heures" in ai_page.hours.status_line.text()
    assert stored(demo_ctx, op_id(demo_ctx, "AI-2024"), r, c) == old


def test_delete_clears_the_selected_cells(qtbot, ai_page, demo_ctx):
    model, table = ai_page.hours.model, ai_page.hours.table
    r, c = block_of_editable(model, 1, 2)
    assert model.value(r, c) or model.value(r, c + 1)
    table.setCurrentIndex(model.index(r, c))
    table.selectionModel().select(model.index(r, c + 1), table.selectionModel().SelectionFlag.Select)
    qtbot.keyClick(table, Qt.Key.Key_Delete)
    operation = op_id(demo_ctx, "AI-2024")
    assert stored(demo_ctx, operation, r, c) == stored(demo_ctx, operation, r, c + 1) == 0
    assert model.index(r, c).data() == ""  # an empty month reads as nothing entered


# --- pasting -------------------------------------------------------------------------------

EXCEL_BLOCK = "1,5\t2\t3\r\n4\t5\u00a0\t\u00a012,25 h\r\n"


def test_pasting_a_block_from_excel_saves_every_cell(qtbot, ai_page, demo_ctx):
    model, table = ai_page.hours.model, ai_page.hours.table
    r, c = block_of_editable(model, 2, 3)
    table.setCurrentIndex(model.index(r, c))
    assert table.paste(EXCEL_BLOCK)
    expected = [["1.5", "2", "3"], ["4", "5", "12.25"]]
    operation = op_id(demo_ctx, "AI-2024")
    for i in range(2):
        for j in range(3):
            assert stored(demo_ctx, operation, r + i, c + j) == Decimal(expected[i][j])
    assert model.index(r + 1, c + 2).data() == "12,25"
    assert model.undo_stack.count() == 1 and "collage de 6 cellules" in model.undo_stack.undoText()


def test_ctrl_v_pastes_the_clipboard(qtbot, ai_page, demo_ctx):
    from PySide6.QtGui import QGuiApplication

    model, table = ai_page.hours.model, ai_page.hours.table
    r, c = block_of_editable(model, 2, 3)
    QGuiApplication.clipboard().setText("10\t11\t12\n13\t14\t15\n")
    table.setCurrentIndex(model.index(r, c))
    qtbot.keyClick(table, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert stored(demo_ctx, op_id(demo_ctx, "AI-2024"), r + 1, c + 2) == 15


def test_empty_pasted_cells_leave_months_unchanged(ai_page, demo_ctx):
    model = ai_page.hours.model
    r, c = block_of_editable(model, 1, 3)
    before = [model.value(r, c + j) for j in range(3)]
    assert model.paste("\t9\t\n", r, c)
    operation = op_id(demo_ctx, "AI-2024")
    assert stored(demo_ctx, operation, r, c) == before[0]
    assert stored(demo_ctx, operation, r, c + 1) == 9
    assert stored(demo_ctx, operation, r, c + 2) == before[2]


def test_a_paste_with_one_bad_cell_saves_nothing(ai_page, demo_ctx):
    model = ai_page.hours.model
    operation = op_id(demo_ctx, "AI-2024")
    r, c = block_of_editable(model, 2, 3)
    before = activity_service.hours_grid(demo_ctx, operation)
    table = ai_page.hours.table
    table.setCurrentIndex(model.index(r, c))
    assert not table.paste("1\t2\t3\n4\t5\t900\n")
    assert activity_service.hours_grid(demo_ctx, operation) == before
    month = model.months[c + 2 - FIRST_MONTH_COLUMN]
    text = ai_page.hours.status_line.text()
    assert text.startswith("Collage refusé, rien n'a été enregistré :")
    assert f"ligne {r + 2}, {month.label} : " in text and "dépassent" in text
    assert model.undo_stack.count() == 0


def test_a_paste_lists_every_bad_cell(ai_page, demo_ctx):
    model = ai_page.hours.model
    r, c = block_of_editable(model, 2, 3)
    assert not model.paste("x\t2\t3\n4\t-1\t6\n", r, c)
    text = ai_page.hours.status_line.text()
    first, second = model.months[c - FIRST_MONTH_COLUMN], model.months[c + 1 - FIRST_MONTH_COLUMN]
    assert f"ligne {r + 1}, {first.label} : « x » n'est pas un nombre d'heures" in text
    assert f"ligne {r + 2}, {second.label} : Les heures de mise à disposition de {second.label} ne peuvent pas être négatives" in text


def test_a_paste_onto_an_absent_month_is_refused(ai_page, demo_ctx):
    model = ai_page.hours.model
    operation = op_id(demo_ctx, "AI-2024")
    r, c = next((r, c) for r, c in absent_cells(model) if model.is_editable(r, c - 1))
    before = activity_service.hours_grid(demo_ctx, operation)
    assert not model.paste("5\t6\n", r, c - 1)
    assert activity_service.hours_grid(demo_ctx, operation) == before
    month = model.months[c - FIRST_MONTH_COLUMN]
    assert f"ligne {r + 1}, {month.label} : le parcours n'est pas en cours ce mois-là" in ai_page.hours.status_line.text()
    assert model.paste("5\t\n", r, c - 1)  # an empty cell over the absent month changes nothing: accepted
    assert stored(demo_ctx, operation, r, c - 1) == 5


def test_a_block_overflowing_the_grid_is_refused(ai_page, demo_ctx):
    model = ai_page.hours.model
    r = next(r for r, c in editable_cells(model) if c == model.total_column - 1)
    assert not model.paste("1\t2\n", r, model.total_column - 1)
    assert "hors de la grille des mois" in ai_page.hours.status_line.text()


def test_one_value_fills_a_selection(qtbot, ai_page, demo_ctx):
    model, table = ai_page.hours.model, ai_page.hours.table
    r, c = block_of_editable(model, 2, 2)
    table.setCurrentIndex(model.index(r, c))
    for i, j in ((0, 1), (1, 0), (1, 1)):
        table.selectionModel().select(model.index(r + i, c + j), table.selectionModel().SelectionFlag.Select)
    assert table.paste("11\n")
    operation = op_id(demo_ctx, "AI-2024")
    assert all(stored(demo_ctx, operation, r + i, c + j) == 11 for i in range(2) for j in range(2))


def test_copy_gives_a_block_for_a_spreadsheet(ai_page):
    model, table = ai_page.hours.model, ai_page.hours.table
    r, c = block_of_editable(model, 1, 2)
    model.paste("6,5\t12\n", r, c)
    table.setCurrentIndex(model.index(r, c))
    table.selectionModel().select(model.index(r, c + 1), table.selectionModel().SelectionFlag.Select)
    assert table.copy() == "6,5\t12\n"


# --- undo ----------------------------------------------------------------------------------

def test_undo_restores_the_previous_value_in_the_database(qtbot, ai_page, demo_ctx):
    model, table = ai_page.hours.model, ai_page.hours.table
    operation = op_id(demo_ctx, "AI-2024")
    r, c = next((r, c) for r, c in editable_cells(model) if model.value(r, c) != 33)
    old = model.value(r, c)
    type_in_cell(qtbot, table, r, c, "33")
    assert stored(demo_ctx, operation, r, c) == 33
    assert ai_page.hours.undo_button.isEnabled()

    qtbot.keyClick(table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert stored(demo_ctx, operation, r, c) == old
    assert model.value(r, c) == old

    ai_page.hours.redo_button.click()
    assert stored(demo_ctx, operation, r, c) == 33


def test_undo_of_a_paste_restores_every_cell(ai_page, demo_ctx):
    model = ai_page.hours.model
    operation = op_id(demo_ctx, "AI-2024")
    r, c = block_of_editable(model, 2, 3)
    before = activity_service.hours_grid(demo_ctx, operation)
    assert model.paste("1\t2\t3\n4\t5\t6\n", r, c)
    ai_page.hours.undo_button.click()
    after = activity_service.hours_grid(demo_ctx, operation)
    for i in range(2):
        assert after.rows[r + i].months == before.rows[r + i].months


def test_changing_operation_forgets_the_undo_history(ai_page):
    model = ai_page.hours.model
    r, c = editable_cells(model)[0]
    model.set_cells([(r, c, "3")])
    assert model.undo_stack.count() == 1
    ai_page.select_operation("ACCOMP-2025")
    assert model.undo_stack.count() == 0


def test_accompaniment_hours_are_saved_in_their_own_column(ai_page, demo_ctx):
    ai_page.hours.kind.setCurrentIndex(1)
    model = ai_page.hours.model
    operation = op_id(demo_ctx, "AI-2024")
    r, c = editable_cells(model)[0]
    mad_before = stored(demo_ctx, operation, r, c, MAD)
    assert model.set_cells([(r, c, "2,5")])
    assert stored(demo_ctx, operation, r, c, ACCOMPAGNEMENT) == Decimal("2.5")
    assert stored(demo_ctx, operation, r, c, MAD) == mad_before


# --- parsing -------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "value"), [
    ("12,5", Decimal("12.5")), ("12.5", Decimal("12.5")), (" 7 ", Decimal(7)), ("1\u00a0234,5", Decimal("1234.5")),
    ("1\u202f234,5", Decimal("1234.5")), ("12,5 h", Decimal("12.5")), ("8h", Decimal(8)), ("", None), ("\u00a0", None),
])
def test_parse_hours(text, value):
    assert parse_hours(text) == value


@pytest.mark.parametrize("text", ["douze", "1,2,3", "NaN", "inf"])
def test_parse_hours_refuses_text(text):
    with pytest.raises(ValueError, match="n'est pas un nombre d'heures"):
        parse_hours(text)


def test_split_clipboard_reads_excel_blocks():
    assert split_clipboard("1\t2\r\n3\t4\r\n") == [["1", "2"], ["3", "4"]]
    assert split_clipboard("5") == [["5"]]
    assert split_clipboard("\t\n") == [["", ""]]


# --- the totals footer ---------------------------------------------------------------------

def test_monthly_totals_stay_in_sight_under_the_grid(ai_page):
    footer, table, model = ai_page.hours.footer, ai_page.hours.table, ai_page.hours.model
    assert table.isRowHidden(model.total_row) and not footer.isRowHidden(model.total_row)
    assert all(footer.isRowHidden(r) and not table.isRowHidden(r) for r in range(model.total_row))
    assert [footer.columnWidth(c) for c in range(model.columnCount())] == [
        table.columnWidth(c) for c in range(model.columnCount())]
    assert footer.verticalHeader().width() == table.verticalHeader().width()
    table.horizontalScrollBar().setValue(40)
    assert footer.horizontalScrollBar().value() == table.horizontalScrollBar().value()


def test_up_arrow_while_editing_saves_and_moves_up(qtbot, ai_page, demo_ctx):
    model, table = ai_page.hours.model, ai_page.hours.table
    r, c = next((r, c) for r, c in editable_cells(model) if r > 0)
    type_in_cell(qtbot, table, r, c, "21", end=Qt.Key.Key_Up)
    assert stored(demo_ctx, op_id(demo_ctx, "AI-2024"), r, c) == 21
    assert (table.currentIndex().row(), table.currentIndex().column()) == (r - 1, c)


def test_enter_never_lands_on_the_hidden_total_row(qtbot, ai_page):
    model, table = ai_page.hours.model, ai_page.hours.table
    table.setCurrentIndex(model.index(model.total_row - 1, FIRST_MONTH_COLUMN))
    qtbot.keyClick(table, Qt.Key.Key_Return)
    assert table.currentIndex().row() == model.total_row - 1
