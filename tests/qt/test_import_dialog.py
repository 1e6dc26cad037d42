"""The import dialog used like a person would: choose the file, correct a column, preview,
see the problems by row, skip them explicitly, import, and find the people in the table."""

from __future__ import annotations

import csv
from datetime import date

from aapdesk.domain.imports import KINDS
from aapdesk.services.participants import list_participant_rows


def write_csv(path, rows):
    with open(path, "w", encoding="cp1252", newline="") as handle:
        csv.writer(handle, delimiter=";").writerows(rows)
    return path


PEOPLE = [
    ["Nom de famille", "Prénoms", "Genre", "Né(e) le", "Entrée le", "Suivi par", "Notes"],
    ["N'DIAYE", "Jean-Noël", "M", "02/05/1990", "06/01/2025", "Claire", "x"],
    ["LECŒUR", "Hélène", "F", "30/11/1985", "13/01/2025", "Claire", ""],
    ["ÇELIK", "Ève", "F", "31/02/2001", "20/01/2025", "Paul", ""],  # impossible birth date
]


def open_dialog(qtbot, window):
    dialog = window.open_import()
    qtbot.addWidget(dialog)
    return dialog


def wait(qtbot, dialog):
    qtbot.waitUntil(lambda: dialog.task is not None and not dialog.task.is_running(), timeout=30_000)


def test_import_with_preview_correction_and_explicit_skip(qtbot, window, tmp_path, recorded_messages):
    ctx = window.app
    dialog = open_dialog(qtbot, window)
    assert [dialog.kind_combo.itemData(i) for i in range(dialog.kind_combo.count())] == list(KINDS)
    ai = next(dialog.operation_combo.itemData(i) for i in range(dialog.operation_combo.count())
              if dialog.operation_combo.itemText(i).startswith("ACCOMP-"))  # the demo's 2025 operation
    dialog.operation_combo.setCurrentIndex(dialog.operation_combo.findData(ai))

    dialog.load_file(write_csv(tmp_path / "beneficiaires.csv", PEOPLE))
    wait(qtbot, dialog)
    assert "séparateur « ; »" in dialog.file_info.text() and "cp1252" in dialog.file_info.text()
    assert dialog.file.mapping == {0: "nom", 1: "prenom", 2: "sexe", 3: "date_naissance", 4: "date_entree"}
    assert not dialog.import_button.isEnabled()  # never before a preview
    dialog.set_mapping(5, "referent")  # « Suivi par »: the person completes the mapping
    assert dialog.file.mapping[5] == "referent"

    before = len(list_participant_rows(ctx, ai))
    qtbot.mouseClick(dialog.preview_button, qtbot_left())
    wait(qtbot, dialog)
    report = dialog.report
    assert report.dry_run and report.created == 2 and report.rows_in_error == [4]
    assert "1 ligne(s) en erreur" in dialog.summary_label.text()
    texts = [dialog.results.item(r, 3).text() for r in range(dialog.results.rowCount())]
    assert any("date impossible" in t for t in texts)
    assert dialog.results.item(0, 0).text() == "4"  # problems first, with their row
    assert not dialog.import_button.isEnabled()  # a problem blocks the import...
    assert dialog.skip_errors.isVisible()
    dialog.skip_errors.setChecked(True)  # ...unless the person chooses to leave that row out
    assert dialog.import_button.isEnabled()
    assert len(list_participant_rows(ctx, ai)) == before  # the preview wrote nothing

    with qtbot.waitSignal(dialog.imported, timeout=30_000):
        qtbot.mouseClick(dialog.import_button, qtbot_left())
    wait(qtbot, dialog)
    assert dialog.report.applied and dialog.report.created == 2
    rows = {(r.nom, r.prenom): r for r in list_participant_rows(ctx, ai)}
    assert rows[("N'DIAYE", "Jean-Noël")].referent == "Claire"
    assert rows[("LECŒUR", "Hélène")].date_entree == date(2025, 1, 13)
    assert ("ÇELIK", "Ève") not in rows
    # the participants page shows them without restarting
    model = window.pages["participants"].model
    names = {model.index(r, 0).data() for r in range(model.rowCount())}
    assert "N'DIAYE" in " ".join(str(n) for n in names)


def test_a_hostile_file_is_refused_with_a_message_and_nothing_else_happens(qtbot, window, tmp_path):
    dialog = open_dialog(qtbot, window)
    bad = tmp_path / "facture.xlsx"
    bad.write_bytes(b"MZ\x90\x00" + bytes(2048))
    dialog.load_file(bad)
    wait(qtbot, dialog)
    assert dialog.banner.isVisible() and "programme" in dialog.banner.text()
    assert dialog.file is None and not dialog.preview_button.isEnabled()


def test_saved_mapping_is_offered_next_time(qtbot, window, tmp_path):
    dialog = open_dialog(qtbot, window)
    dialog.load_file(write_csv(tmp_path / "a.csv", PEOPLE))
    wait(qtbot, dialog)
    dialog.set_mapping(5, "referent")
    dialog.save_mapping("Logiciel X")
    again = open_dialog(qtbot, window)
    names = [again.mapping_combo.itemText(i) for i in range(again.mapping_combo.count())]
    assert "Logiciel X" in names
    again.mapping_combo.setCurrentIndex(again.mapping_combo.findData("Logiciel X"))
    again.load_file(tmp_path / "a.csv")
    wait(qtbot, again)
    assert again.file.mapping[5] == "referent"


def qtbot_left():
    from PySide6.QtCore import Qt

    return Qt.MouseButton.LeftButton


def test_template_button_writes_the_template_where_the_person_chose(qtbot, window, tmp_path, monkeypatch,
                                                                    recorded_messages):
    from openpyxl import load_workbook
    from PySide6.QtWidgets import QFileDialog

    dialog = open_dialog(qtbot, window)
    target = tmp_path / "mon modèle.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    qtbot.mouseClick(dialog.template_button, qtbot_left())
    assert list(KINDS) == [n for n in load_workbook(target).sheetnames if n != "Listes"]
    kind, title, text = recorded_messages.calls[-1]
    assert (kind, title) == ("info", "Modèle enregistré") and str(target) in text


def test_save_mapping_button_asks_a_name(qtbot, window, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QInputDialog

    from aapdesk.services import imports

    dialog = open_dialog(qtbot, window)
    dialog.load_file(write_csv(tmp_path / "b.csv", PEOPLE))
    wait(qtbot, dialog)
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("  Export   du logiciel Y ", True))
    qtbot.mouseClick(dialog.save_mapping_button, qtbot_left())
    assert imports.list_mappings(window.app, "participants") == ["Export du logiciel Y"]
    assert dialog.mapping_combo.currentData() == "Export du logiciel Y"
