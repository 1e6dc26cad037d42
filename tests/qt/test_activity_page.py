"""The Activité page: choosing the operation and the date, the file active tab and its chart,
comités and ateliers through their dialogs, deleting them, the feuilles d'émargement."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from aapdesk.formatting import format_date, format_month, format_percent
from aapdesk.qt.dialogs.atelier_dialog import AtelierDialog, format_duration, parse_duration
from aapdesk.qt.dialogs.comite_dialog import ComiteDialog
from aapdesk.qt.pages.activity_page import ActivityPage
from aapdesk.qt.widgets.file_active_chart import BAR_COLOR, EMPTY_TEXT, TARGET_COLOR, FileActiveChart, nice_step
from aapdesk.qt.widgets.inputs import select_data
from aapdesk.services import activity as activity_service
from aapdesk.services import operations as operations_service


@pytest.fixture
def page(qtbot, demo_ctx):
    page = ActivityPage(demo_ctx)
    qtbot.addWidget(page)
    page.resize(1200, 760)
    page.refresh()
    page.show()
    return page


def op_id(ctx, code: str) -> int:
    return operations_service.get_operation(ctx, code).id


def table_texts(table) -> list[list[str]]:
    return [[table.item(r, c).text() for c in range(table.columnCount())] for r in range(table.rowCount())]


# --- choosing the operation and the date ------------------------------------------------------

def test_main_window_shows_the_activity_page(window):
    page = window.show_page("activite")
    assert isinstance(page, ActivityPage) and page.title == "Activité"
    assert [page.tabs.tabText(i) for i in range(page.tabs.count())] == ["Heures", "File active", "Comités", "Ateliers"]


def test_the_window_still_fits_1280_pixels(window):
    window.show_page("activite").select_operation("IOD-NORD-2021")  # the longest operation label
    assert window.minimumSizeHint().width() <= 1280 and window.width() == 1280


def test_default_is_the_most_recent_operation_in_progress(page, demo_ctx):
    # REF-SP-2025 and ACCOMP-2025 both run from 01/01/2025; the services list ACCOMP-2025 first.
    assert page.current_operation().code == "ACCOMP-2025"
    assert page.as_of() == date(2025, 3, 15)  # today
    assert "3.15" in page.operation_info.text() and "en cours" in page.operation_info.text()


def test_a_finished_operation_is_counted_to_its_end(page):
    page.select_operation("AI-2024")
    assert page.as_of() == date(2024, 12, 31)
    assert page.as_of_edit.value() == date(2024, 12, 31)
    page.select_operation("ACCOMP-2025")
    assert page.as_of() == date(2025, 3, 15)


def test_the_as_of_date_cuts_every_tab(page, demo_ctx):
    page.select_operation("AI-2024")
    page.set_as_of(date(2024, 6, 30))
    assert page.file_active.table.rowCount() == 6 + 1  # six months and the total
    model = page.hours.model
    july = 1 + 6
    assert not any(model.is_editable(r, july) for r in range(len(model.rows)))
    expected = activity_service.hours_grid(demo_ctx, op_id(demo_ctx, "AI-2024"), au=date(2024, 6, 30)).totals
    assert model.grid.totals == expected


def test_refresh_keeps_the_chosen_operation_and_date(page):
    page.select_operation("AI-2024")
    page.set_as_of(date(2024, 9, 30))
    page.refresh()
    assert page.current_operation().code == "AI-2024" and page.as_of() == date(2024, 9, 30)


def test_no_operation_says_where_to_create_one(qtbot, app_ctx):
    page = ActivityPage(app_ctx)
    qtbot.addWidget(page)
    page.refresh()
    page.show()
    assert page.empty_hint.isVisible() and "Paramètres" in page.empty_hint.text()
    assert not page.tabs.isEnabled() and page.hours.model.rowCount() == 0


# --- file active ---------------------------------------------------------------------------------

@pytest.mark.parametrize("code", ["AI-2024", "ACCOMP-2025", "REF-SP-2025", "IOD-NORD-2021"])
def test_file_active_tab_shows_the_service_figures(page, demo_ctx, code):
    page.select_operation(code)
    view = activity_service.file_active_view(demo_ctx, op_id(demo_ctx, code))
    rows = table_texts(page.file_active.table)
    assert len(rows) == len(view.months) + 1
    for shown, month in zip(rows, view.months, strict=False):
        assert shown == [format_month(month.month), str(month.entrees), str(month.sorties), str(month.file_active),
                         str(month.places), format_percent(month.occupation)]
    assert rows[-1][:3] == ["Total", str(sum(m.entrees for m in view.months)), str(sum(m.sorties for m in view.months))]
    assert f"Taux d'occupation au {format_date(view.as_of)} : {format_percent(view.taux_occupation)}" \
        in page.file_active.rate.text()
    chart = page.file_active.chart
    assert [v for v in chart.values if v is not None] == [m.file_active for m in view.months]
    assert chart.target == view.capacity


def test_file_active_headers_say_postes_for_siae(page):
    page.select_operation("AI-2024")
    assert page.file_active.table.horizontalHeaderItem(4).text() == "Postes"
    assert page.file_active.chart.target_label == "Postes conventionnés (20)"
    page.select_operation("ACCOMP-2025")
    assert page.file_active.table.horizontalHeaderItem(4).text() == "Places"
    assert page.file_active.chart.target_label == "Places conventionnées (15)"
    assert len(page.file_active.chart.values) == 12  # the whole year on the axis, bars up to March
    assert page.file_active.chart.values[3:] == [None] * 9


def _colours(image) -> set[int]:
    step = max(1, image.width() // 150)
    return {image.pixel(x, y) for x in range(0, image.width(), step) for y in range(0, image.height(), step)}


@pytest.mark.parametrize("size", [(600, 300), (400, 220), (960, 480)])
def test_chart_paints_bars_and_target(qtbot, size):
    chart = FileActiveChart()
    qtbot.addWidget(chart)
    months = [(m, "2024") for m in ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.",
                                    "oct.", "nov.", "déc.")]
    chart.set_data(months, [3, 6, 9, 9, 12, 16, 16, 16, 16, 17, None, None], 20, "Postes conventionnés")
    chart.resize(*size)
    image = chart.grab().toImage()
    assert (image.width(), image.height()) == size
    colours = _colours(image)
    assert len(colours) > 10  # not a blank rectangle
    assert QColor(BAR_COLOR).rgb() in colours
    # The dashed target line is antialiased: look for its hue anywhere on its row.
    assert any(QColor(p).hue() == QColor(TARGET_COLOR).hue() and QColor(p).saturation() > 120 for p in colours)


def test_chart_without_months_says_so(qtbot):
    chart = FileActiveChart()
    qtbot.addWidget(chart)
    chart.set_data([], [], None)
    chart.resize(600, 300)
    assert len(_colours(chart.grab().toImage())) > 2
    assert EMPTY_TEXT.startswith("Aucun mois")


@pytest.mark.parametrize(("maximum", "step"), [(0, 1), (4, 1), (22, 5), (27.5, 10), (180, 50), (1000, 200)])
def test_nice_step(maximum, step):
    assert nice_step(maximum) == step


# --- comités --------------------------------------------------------------------------------------

def test_comites_tab_lists_them_with_the_reminder(page, demo_ctx):
    page.select_operation("ACCOMP-2025")
    tab = page.comites
    comites = activity_service.list_comites(demo_ctx, op_id(demo_ctx, "ACCOMP-2025"))
    assert [row[0] for row in table_texts(tab.table)] == [format_date(c.date) for c in comites]
    assert "Tableau de bord à envoyer avant chaque comité (tous les 3 mois)" in tab.reminder.text()
    page.select_operation("AI-2024")
    assert "Un comité tous les 4 mois" in tab.reminder.text()
    assert tab.table.current_object() is not None and "Décisions" in tab.details.text()


def test_creating_a_comite_through_the_dialog(page, demo_ctx):
    page.select_operation("ACCOMP-2025")
    tab = page.comites
    before = len(activity_service.list_comites(demo_ctx, op_id(demo_ctx, "ACCOMP-2025")))
    tab.table.clearSelection()
    dialog = tab.open_new()
    assert isinstance(dialog, ComiteDialog) and dialog.windowTitle() == "Nouveau comité"
    assert not dialog.try_save()  # no date yet
    assert dialog.errors.messages("date") == ("La date du comité est obligatoire",)
    dialog.date.set_value(date(2025, 3, 10))
    select_data(dialog.nature, "pilotage")
    dialog.participants.setPlainText("Département, SLAI, Claire Dubois")
    dialog.notes.setPlainText("Bilan du trimestre")
    dialog.decisions.setPlainText("Deux entrées en avril")
    dialog.tableau_de_bord.setChecked(True)
    assert dialog.try_save()
    comites = activity_service.list_comites(demo_ctx, op_id(demo_ctx, "ACCOMP-2025"))
    assert len(comites) == before + 1
    new = next(c for c in comites if c.date == date(2025, 3, 10))
    assert (new.nature, new.participants, new.notes, new.decisions, new.tableau_de_bord_envoye) == (
        "pilotage", "Département, SLAI, Claire Dubois", "Bilan du trimestre", "Deux entrées en avril", True)
    assert ["10/03/2025", "Comité de pilotage", "tenu", "oui"] in [row[:4] for row in table_texts(tab.table)]


def test_editing_a_comite(page, demo_ctx):
    page.select_operation("AI-2024")
    tab = page.comites
    first = activity_service.list_comites(demo_ctx, op_id(demo_ctx, "AI-2024"))[0]
    tab.table.select_object(first)
    dialog = tab.edit_selected()
    assert dialog.windowTitle() == "Modifier le comité" and dialog.date.value() == first.date
    dialog.decisions.setPlainText("Nouvelle décision")
    assert dialog.try_save()
    again = activity_service.list_comites(demo_ctx, op_id(demo_ctx, "AI-2024"))[0]
    assert again.id == first.id and again.decisions == "Nouvelle décision"


# --- ateliers -------------------------------------------------------------------------------------

def test_ateliers_tab_lists_sessions_and_attendance(page, demo_ctx):
    page.select_operation("AI-2024")
    tab = page.ateliers
    operation = op_id(demo_ctx, "AI-2024")
    ateliers = activity_service.list_ateliers(demo_ctx, operation)
    assert table_texts(tab.table) == [
        [format_date(a.date), a.titre, format_duration(a.duree_minutes), a.animateur, str(len(a.inscrits)),
         str(sum(1 for *_x, present in a.inscrits if present))] for a in ateliers]
    counts = activity_service.attendance_counts(demo_ctx, operation)
    people = {p.participant_id for p in activity_service.operation_activity(demo_ctx, operation).parcours}
    assert tab.counts.rowCount() == len(people)
    for pid in people:
        assert tab.attendance_count(pid) == counts.get(pid, 0)


def test_homonyms_are_told_apart_by_birth_date(page, demo_ctx):
    from aapdesk.domain.participants import ParcoursInput, ParticipantInput
    from aapdesk.services import participants as participants_service

    for birth in (date(1980, 5, 2), date(1991, 7, 14)):
        participants_service.create_participant(
            demo_ctx, ParticipantInput("Homonyme", "Camille", "F", birth), op_id(demo_ctx, "AI-2024"),
            ParcoursInput(date_entree=date(2024, 3, 1)))
    page.refresh()
    page.select_operation("AI-2024")
    names = [page.ateliers.counts.item(r, 0).text() for r in range(page.ateliers.counts.rowCount())]
    assert len(names) == len(set(names))
    assert {"HOMONYME Camille (née ou né le 02/05/1980)", "HOMONYME Camille (née ou né le 14/07/1991)"} <= set(names)


def test_creating_an_atelier_through_the_dialog(page, demo_ctx):
    page.select_operation("ACCOMP-2025")
    tab = page.ateliers
    operation = op_id(demo_ctx, "ACCOMP-2025")
    people = activity_service.operation_activity(demo_ctx, operation).parcours
    came, missed = people[0].participant_id, people[1].participant_id
    counts_before = activity_service.attendance_counts(demo_ctx, operation)

    dialog = tab.open_new()
    assert isinstance(dialog, AtelierDialog)
    dialog.duree.setText("deux heures")
    assert not dialog.try_save()
    assert dialog.errors.messages("duree") == ("Durée illisible : écrivez par exemple 90 min, 2 h 30 ou 1,5 h",)
    assert dialog.errors.messages("titre") and dialog.errors.messages("date")  # every problem at once

    dialog.date.set_value(date(2025, 3, 12))
    dialog.titre.setText("Préparer un entretien d'embauche")
    dialog.duree.setText("2 h 30")
    dialog.animateur.setText("Karim Benali")
    dialog.attendance.set_registered(came)
    dialog.attendance.set_registered(missed, present=False)
    assert dialog.attendance.count_label.text() == "2 inscrits, 1 présent"
    assert dialog.try_save()

    saved = next(a for a in activity_service.list_ateliers(demo_ctx, operation) if a.titre.startswith("Préparer"))
    assert (saved.date, saved.duree_minutes, saved.animateur) == (date(2025, 3, 12), 150, "Karim Benali")
    assert {(pid, present) for pid, _n, _p, present in saved.inscrits} == {(came, True), (missed, False)}
    assert ["12/03/2025", "Préparer un entretien d'embauche", "2 h 30", "Karim Benali", "2", "1"] in table_texts(tab.table)
    assert tab.attendance_count(came) == counts_before.get(came, 0) + 1
    assert tab.attendance_count(missed) == counts_before.get(missed, 0)


def test_editing_an_atelier_keeps_who_came(page, demo_ctx):
    page.select_operation("AI-2024")
    tab = page.ateliers
    first = activity_service.list_ateliers(demo_ctx, op_id(demo_ctx, "AI-2024"))[0]
    tab.table.select_object(first)
    dialog = tab.edit_selected()
    assert dialog.duree.text() == format_duration(first.duree_minutes)
    assert sorted(dialog.attendance.registered()) == sorted(pid for pid, *_x in first.inscrits)
    assert sorted(dialog.attendance.absents()) == sorted(pid for pid, _n, _p, present in first.inscrits if not present)
    assert dialog.try_save()
    again = activity_service.list_ateliers(demo_ctx, op_id(demo_ctx, "AI-2024"))[0]
    assert again == first


@pytest.mark.parametrize("prefilled", [True, False])
def test_emargement_writes_a_pdf_and_opens_it(page, demo_ctx, recorded_messages, prefilled):
    page.select_operation("AI-2024")
    tab = page.ateliers
    first = activity_service.list_ateliers(demo_ctx, op_id(demo_ctx, "AI-2024"))[0]
    tab.table.select_object(first)
    button = tab.prefilled_button if prefilled else tab.blank_button
    assert button.isEnabled()
    button.click()
    pdfs = list(demo_ctx.db.paths.exports_dir.glob("emargement-AI-2024-*.pdf"))
    assert len(pdfs) == 1 and pdfs[0].read_bytes().startswith(b"%PDF")
    assert recorded_messages.calls == [("open_document", pdfs[0], "")]


def test_emargement_names_the_registered_people_only_when_prefilled(page, demo_ctx, tmp_path):
    from pypdf import PdfReader

    page.select_operation("AI-2024")
    first = activity_service.list_ateliers(demo_ctx, op_id(demo_ctx, "AI-2024"))[0]
    page.ateliers.table.select_object(first)
    _pid, nom, _prenom, _present = first.inscrits[0]
    full = page.ateliers.write_sheet(prefilled=True)
    assert nom in " ".join(PdfReader(full).pages[0].extract_text().split())
    full.unlink()
    blank = page.ateliers.write_sheet(prefilled=False)
    assert nom not in PdfReader(blank).pages[0].extract_text()


def test_emargement_that_cannot_be_written_says_so(page, demo_ctx, recorded_messages, monkeypatch):
    def fail(*_args, **_kwargs):
        raise PermissionError("fichier ouvert ailleurs")

    monkeypatch.setattr(activity_service, "write_attendance_sheet", fail)
    page.select_operation("AI-2024")
    assert page.ateliers.write_sheet(prefilled=True) is None
    assert recorded_messages.kinds() == ["error"]


# --- deleting what was entered by mistake --------------------------------------------------------

def test_deleting_a_comite_says_which_and_the_home_todos_follow(window, demo_ctx, recorded_messages):
    home = window.pages["accueil"]
    assert any("comité du 27/03/2025" in t.label for t in home.todos.rows())
    page = window.show_page("activite")
    page.select_operation("ACCOMP-2025")
    tab = page.comites
    [comite] = activity_service.list_comites(demo_ctx, op_id(demo_ctx, "ACCOMP-2025"))
    tab.table.select_object(comite)
    assert tab.delete_button.text() == "Supprimer…" and tab.delete_button.isEnabled()
    tab.delete_button.click()
    [(kind, title, text)] = recorded_messages.calls
    assert (kind, title) == ("confirm", "Supprimer le comité")
    assert text == "Supprimer le comité du 27/03/2025 (Comité de suivi) ?\n\nCette action est définitive."
    assert activity_service.list_comites(demo_ctx, op_id(demo_ctx, "ACCOMP-2025")) == []
    assert tab.table.rowCount() == 0
    assert not tab.delete_button.isEnabled() and not tab.edit_button.isEnabled()
    assert "Sélectionnez un comité" in tab.details.text()
    assert "27/03/2025" not in tab.next_due.text()
    assert not any("comité du 27/03/2025" in t.label for t in home.todos.rows())  # Accueil read again
    assert window.statusBar().currentMessage() == "Comité supprimé."


def test_deleting_an_atelier_takes_its_attendance(page, demo_ctx, recorded_messages, qtbot):
    page.select_operation("AI-2024")
    tab = page.ateliers
    ateliers = activity_service.list_ateliers(demo_ctx, op_id(demo_ctx, "AI-2024"))
    victim = next(a for a in ateliers if a.titre.startswith("Mobilité"))
    came = [pid for pid, _n, _p, present in victim.inscrits if present]
    counts_before = {pid: tab.attendance_count(pid) for pid in came}
    tab.table.select_object(victim)
    with qtbot.waitSignal(page.changed, timeout=1000):
        assert tab.delete_selected()
    [(kind, title, text)] = recorded_messages.calls
    assert (kind, title) == ("confirm", "Supprimer l'atelier")
    assert text == (f"Supprimer l'atelier « {victim.titre} » du {format_date(victim.date)} ?\n\n"
                    f"Seront supprimés avec : {len(victim.inscrits)} inscriptions.\n\nCette action est définitive.")
    left = activity_service.list_ateliers(demo_ctx, op_id(demo_ctx, "AI-2024"))
    assert [a.id for a in left] == [a.id for a in ateliers if a.id != victim.id]
    assert victim.titre not in [row[1] for row in table_texts(tab.table)]
    assert tab.table.rowCount() == len(ateliers) - 1
    assert tab.summary.text().startswith(f"{len(ateliers) - 1} ateliers · ")
    for pid in came:
        assert tab.attendance_count(pid) == counts_before[pid] - 1


def test_the_confirmation_button_says_supprimer(page, monkeypatch):
    from aapdesk.qt import messages

    asked = []
    monkeypatch.setattr(messages, "confirm", lambda parent, title, text, accept: asked.append(accept) or False)
    page.select_operation("AI-2024")
    assert not page.comites.delete_selected() and not page.ateliers.delete_selected()
    assert asked == ["Supprimer", "Supprimer"]


def test_saying_no_deletes_nothing(page, demo_ctx, recorded_messages):
    recorded_messages.answers["confirm"] = False
    page.select_operation("AI-2024")
    operation = op_id(demo_ctx, "AI-2024")
    comites, ateliers = (activity_service.list_comites(demo_ctx, operation),
                         activity_service.list_ateliers(demo_ctx, operation))
    page.comites.table.select_object(comites[0])
    page.ateliers.table.select_object(ateliers[0])
    assert not page.comites.delete_selected() and not page.ateliers.delete_selected()
    assert recorded_messages.kinds() == ["confirm", "confirm"]
    assert activity_service.list_comites(demo_ctx, operation) == comites
    assert activity_service.list_ateliers(demo_ctx, operation) == ateliers
    assert (page.comites.table.rowCount(), page.ateliers.table.rowCount()) == (len(comites), len(ateliers))
    assert page.comites.table.current_object() == comites[0]  # still chosen


def test_delete_needs_a_selected_row(page, recorded_messages):
    page.select_operation("AI-2024")
    for tab in (page.comites, page.ateliers):
        assert tab.delete_button.isEnabled()  # the latest row is chosen when the tab opens
        tab.table.clearSelection()
        assert not tab.delete_button.isEnabled()
        assert not tab.delete_selected()
    assert recorded_messages.calls == []


def test_a_cloturee_operation_refuses_and_keeps_everything(page, demo_ctx, recorded_messages):
    from aapdesk.services.exits import set_operation_closed

    operation = op_id(demo_ctx, "AI-2024")
    set_operation_closed(demo_ctx, operation, True)
    page.refresh()
    page.select_operation("AI-2024")
    comites, ateliers = (activity_service.list_comites(demo_ctx, operation),
                         activity_service.list_ateliers(demo_ctx, operation))
    for tab in (page.comites, page.ateliers):
        assert tab.delete_button.isEnabled()  # the refusal says how to reopen, rather than a grey button
        tab.delete_button.click()
    assert recorded_messages.kinds() == ["confirm", "error", "confirm", "error"]
    refusals = [(title, text) for kind, title, text in recorded_messages.calls if kind == "error"]
    assert refusals == [
        ("Suppression impossible", "L'opération AI-2024 est clôturée : rouvrez-la (Paramètres → Modifier "
                                   "l'opération) avant de supprimer un comité de suivi"),
        ("Suppression impossible", "L'opération AI-2024 est clôturée : rouvrez-la (Paramètres → Modifier "
                                   "l'opération) avant de supprimer un atelier")]
    assert activity_service.list_comites(demo_ctx, operation) == comites
    assert activity_service.list_ateliers(demo_ctx, operation) == ateliers
    assert (page.comites.table.rowCount(), page.ateliers.table.rowCount()) == (len(comites), len(ateliers))


@pytest.mark.parametrize(("text", "minutes"), [
    ("90", 90), ("90 min", 90), ("45mn", 45), ("2 h 30", 150), ("2h30", 150), ("1,5 h", 90), ("3h", 180),
    ("2 heures", 120), ("", None),
])
def test_parse_duration(text, minutes):
    assert parse_duration(text) == minutes


@pytest.mark.parametrize("text", ["deux heures", "2 h 75", "1:30"])
def test_parse_duration_refuses(text):
    with pytest.raises(ValueError, match="durée illisible"):
        parse_duration(text)


def test_format_duration():
    assert [format_duration(m) for m in (45, 60, 150, 180)] == ["45 min", "1 h", "2 h 30", "3 h"]


def test_tab_saves_reach_the_status_bar(window, demo_ctx):
    page = window.show_page("activite")
    page.select_operation("AI-2024")
    model = page.hours.model
    r, c = next((r, c) for r in range(len(model.rows)) for c in range(1, model.total_column) if model.is_editable(r, c))
    assert model.set_cells([(r, c, "4,75")])
    assert window.statusBar().currentMessage() == "Heures enregistrées (1 mois)."
    assert Qt.ItemFlag.ItemIsEditable & model.flags(model.index(r, c))


def test_annual_operations_show_their_yearly_counts(page, demo_ctx):
    """Nord II.1 counts on 31 December of each year (fonctionnement annuel)."""
    from aapdesk.domain.participants import ParcoursInput, ParticipantInput
    from aapdesk.services import participants as participants_service
    from aapdesk.services.operations import OperationInput

    op = operations_service.create_operation(demo_ctx, OperationInput(
        code="NORD-II1", dispositif_key="59-2019-II.1", debut=date(2023, 1, 1), fin=date(2025, 12, 31), places=10))
    for index, (entry, exit_) in enumerate(((date(2023, 3, 1), None), (date(2023, 5, 1), date(2024, 6, 30)),
                                            (date(2024, 2, 1), None))):
        participants_service.create_participant(
            demo_ctx, ParticipantInput(f"Annuel{'ABC'[index]}", "Dominique", "M", date(1985, 1, 1 + index)), op.id,
            ParcoursInput(date_entree=entry, date_sortie=exit_))
    page.refresh()
    page.select_operation("NORD-II1")
    tab = page.file_active
    page.tabs.setCurrentWidget(tab)
    view = activity_service.file_active_view(demo_ctx, op.id)
    assert tab.year_table.isVisible() and tab.year_title.isVisible()
    assert table_texts(tab.year_table) == [
        [str(y.year), format_date(y.day), str(y.file_active), "10", format_percent(y.occupation)] for y in view.years]
    assert [row[0] for row in table_texts(tab.year_table)] == ["2023", "2024", "2025"]
    assert "31 décembre" in tab.explanation.text()
    assert format_percent(view.taux_occupation) in tab.rate.text()
    page.select_operation("AI-2024")
    assert not tab.year_table.isVisible()
