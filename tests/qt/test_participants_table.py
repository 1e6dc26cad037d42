"""The participants table: model conformance, search as you type, filters, sorting, count."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt

from aapdesk.domain.participants import fold_accents
from aapdesk.qt.dialogs.participant_dialog import ParticipantDialog
from aapdesk.qt.models.participants_filter import ParticipantsFilter
from aapdesk.qt.models.participants_model import (
    COL_AGE,
    COL_ENTREE,
    COL_NOM,
    COL_SORTIE,
    COLUMNS,
    OBJECT_ROLE,
    SORT_ROLE,
    ParticipantsModel,
)
from aapdesk.services import operations as operations_service
from aapdesk.services import participants as participants_service


@pytest.fixture
def page(window):
    return window.show_page("participants")


def test_model_passes_qt_model_tester(qtmodeltester, demo_ctx):
    model = ParticipantsModel()
    model.set_rows(participants_service.list_participant_rows(demo_ctx))
    qtmodeltester.check(model)
    model.sort(COL_ENTREE, Qt.SortOrder.DescendingOrder)  # the tester keeps watching the layout change
    model.set_rows(participants_service.list_participant_rows(demo_ctx)[:10])
    proxy = ParticipantsFilter()
    proxy.setSourceModel(model)
    proxy.set_search("d")
    qtmodeltester.check(proxy)


def test_model_roles(demo_ctx):
    rows = participants_service.list_participant_rows(demo_ctx)
    model = ParticipantsModel()
    model.set_rows(rows)
    assert model.rowCount() == len(rows) and model.columnCount() == len(COLUMNS)
    first = model.index(0, COL_ENTREE)
    assert first.data(OBJECT_ROLE) is rows[0]
    assert first.data() == rows[0].date_entree.strftime("%d/%m/%Y")
    assert first.data(SORT_ROLE).toPython() == rows[0].date_entree
    assert model.headerData(COL_NOM, Qt.Orientation.Horizontal) == "Nom"
    assert model.index(0, COL_AGE).data(Qt.ItemDataRole.ToolTipRole).endswith(
        rows[0].date_naissance.strftime("%d/%m/%Y"))


def test_search_as_you_type(type_text, page):
    total = page.proxy.rowCount()
    surname = page.proxy.row_at(0).nom
    type_text(page.search, surname.lower())
    shown = page.proxy.visible_rows()
    assert 0 < len(shown) < total
    assert all(fold_accents(surname) in fold_accents(f"{r.nom} {r.prenom} {r.commune}") for r in shown)
    assert page.count_label.text().startswith(f"{len({r.participant_id for r in shown})} participant")
    page.search.clear()
    assert page.proxy.rowCount() == total


def test_search_ignores_accents_and_case(qtbot, page):
    qtbot.keyClicks(page.search, "HENIN")  # matches "Hénin-Beaumont" and "Hénin-Carvin" communes only
    shown = page.proxy.visible_rows()
    assert shown and all("henin" in fold_accents(r.commune) for r in shown)


def test_search_reads_ligatures_as_their_letters(qtbot, page):
    assert any(r.nom == "LECŒUR" for r in page.model.rows())  # in the demonstration
    qtbot.keyClicks(page.search, "lecoeur")  # how people type Lecœur on a French keyboard
    assert {r.nom for r in page.proxy.visible_rows()} == {"LECŒUR"}


def test_search_needs_every_word(type_text, page):
    row = page.proxy.row_at(0)
    type_text(page.search, f"{row.prenom} {row.nom}")
    assert all(r.nom == row.nom and r.prenom == row.prenom for r in page.proxy.visible_rows())


def test_operation_filter(page, demo_ctx):
    op = operations_service.list_operations(demo_ctx)[0]
    assert page.operation_filter.itemText(0) == "Toutes les opérations"
    page.operation_filter.setCurrentIndex(page.operation_filter.findData(op.id))
    shown = page.proxy.visible_rows()
    assert len(shown) == op.nb_parcours
    assert all(r.operation_id == op.id for r in shown)
    page.operation_filter.setCurrentIndex(0)
    assert page.proxy.rowCount() == page.model.rowCount()


@pytest.mark.parametrize("status", ["En cours", "Sorti"])
def test_status_filter(page, status):
    page.status_filter.setCurrentIndex(page.status_filter.findData(status))
    shown = page.proxy.visible_rows()
    assert shown and all(r.statut == status for r in shown)
    assert page.proxy.rowCount() < page.model.rowCount()


def test_filters_combine(qtbot, page):
    page.status_filter.setCurrentIndex(page.status_filter.findData("Sorti"))
    sortis = page.proxy.rowCount()
    qtbot.keyClicks(page.search, "zzz-nobody")
    assert page.proxy.rowCount() == 0 < sortis
    assert page.count_label.text() == f"0 participant affiché sur {len({r.participant_id for r in page.model.rows()})}"


def test_sorting_by_entry_date_sorts_as_dates(page):
    page.table.sortByColumn(COL_ENTREE, Qt.SortOrder.AscendingOrder)
    entries = [r.date_entree for r in page.proxy.visible_rows() if r.date_entree]
    assert entries == sorted(entries)
    texts = [r.date_entree.strftime("%d/%m/%Y") for r in page.proxy.visible_rows() if r.date_entree]
    assert texts != sorted(texts)  # the displayed text would sort day first


def test_empty_dates_come_last_either_way(page):
    for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
        page.table.sortByColumn(COL_SORTIE, order)
        exits = [r.date_sortie for r in page.proxy.visible_rows()]
        known = [d for d in exits if d is not None]
        assert exits == known + [None] * (len(exits) - len(known))
        assert known == sorted(known, reverse=order == Qt.SortOrder.DescendingOrder)


def test_selection_follows_its_row_when_sorting(page):
    page.table.selectRow(3)
    chosen = page.selected_row()
    page.table.sortByColumn(COL_ENTREE, Qt.SortOrder.DescendingOrder)
    assert page.selected_row() is chosen


def test_sorting_by_age_follows_birth_dates(page):
    page.table.sortByColumn(COL_AGE, Qt.SortOrder.AscendingOrder)
    rows = page.proxy.visible_rows()
    births = [r.date_naissance for r in rows]
    assert births == sorted(births, reverse=True)  # youngest first
    assert [r.age for r in rows] == sorted(r.age for r in rows)
    page.table.sortByColumn(COL_AGE, Qt.SortOrder.DescendingOrder)
    assert [r.date_naissance for r in page.proxy.visible_rows()] == sorted(births)
    assert isinstance(births[0], date)


def test_sorting_by_name_ignores_accents(page):
    page.table.sortByColumn(COL_NOM, Qt.SortOrder.AscendingOrder)
    names = [fold_accents(r.nom) for r in page.proxy.visible_rows()]
    assert names == sorted(names)


def test_modifier_needs_a_selection_and_double_click_opens(qtbot, page):
    assert not page.edit_button.isEnabled()
    page.table.selectRow(0)
    assert page.edit_button.isEnabled()
    expected = page.proxy.row_at(0)
    index = page.table.model().index(0, COL_NOM)
    rect = page.table.visualRect(index)
    # Qt's item views only see a double-click that follows a click, as with a real mouse.
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    dialogs = [d for d in page.findChildren(ParticipantDialog) if d.isVisible()]
    assert any(d.participant_id == expected.participant_id for d in dialogs)
