"""`aapdesk import` headless: the template, a preview that writes nothing, the import with a
column given on the command line and its mapping saved, exit code 1 when problems stop it."""

from __future__ import annotations

import csv
from datetime import datetime

from openpyxl import load_workbook

from aapdesk.cli import main

NOW = datetime(2025, 3, 15, 10, 0)
ROWS = [["Nom de famille", "Prénoms", "Genre", "Né(e) le", "Entrée le", "Suivi par"],
        ["N'DIAYE", "Jean-Noël", "M", "02/05/1990", "06/01/2025", "Claire"],
        ["LECŒUR", "Hélène", "F", "30/11/1985", "13/01/2025", "Claire"]]


def run(capsys, data, *args):
    code = main(["--data-dir", str(data), *args], clock=lambda: NOW)
    out, err = capsys.readouterr()
    return code, out, err


def setup(capsys, tmp_path):
    data = tmp_path / "donnees"
    assert run(capsys, data, "operation", "create", "--code", "ACC", "--dispositif", "62-2025-3.15",
               "--debut", "2025-01-01", "--fin", "2025-12-31", "--places", "15")[0] == 0
    path = tmp_path / "beneficiaires.csv"
    with open(path, "w", encoding="cp1252", newline="") as handle:
        csv.writer(handle, delimiter=";").writerows(ROWS)
    return data, path


def test_template_preview_import_and_saved_mapping(capsys, tmp_path):
    data, path = setup(capsys, tmp_path)
    code, out, _ = run(capsys, data, "import", "modele", "--out", str(tmp_path / "modele.xlsx"))
    assert code == 0 and "Modèle écrit" in out
    assert "participants" in load_workbook(tmp_path / "modele.xlsx").sheetnames

    code, out, _ = run(capsys, data, "import", "participants", str(path), "--operation", "ACC", "--dry-run")
    assert code == 0 and "2 création(s)" in out and "Rien n'est encore écrit" in out
    assert "Suivi par" in out and "Colonnes ignorées" in out  # the person sees what is not imported
    code, out, _ = run(capsys, data, "activite", "file-active", "--operation", "ACC")
    assert "N'DIAYE" not in out

    code, out, _ = run(capsys, data, "import", "participants", str(path), "--operation", "ACC",
                       "--colonne", "Suivi par=referent", "--enregistrer-mapping", "Logiciel X")
    assert code == 0 and "Import terminé" in out and "2 création(s)" in out and "« Logiciel X »" in out
    code, out, _ = run(capsys, data, "import", "participants", str(path), "--operation", "ACC", "--mapping", "Logiciel X")
    assert code == 0 and "0 création(s)" in out and "2 ligne(s) déjà à jour" in out and "Suivi par → referent" in out


def test_problems_stop_the_import_with_exit_code_1_and_rows_named(capsys, tmp_path):
    data, path = setup(capsys, tmp_path)
    bad = tmp_path / "mauvais.csv"
    bad.write_text("Nom;Prénom;Sexe;Date de naissance;Date d'entrée\nDUPONT;Marie;F;31/02/1990;06/01/2025\n"
                   "MARTIN;Paul;M;01/01/1980;06/01/2025\n", encoding="utf-8")
    code, out, err = run(capsys, data, "import", "participants", str(bad), "--operation", "ACC")
    assert code == 1 and "Rien n'a été importé" in out
    assert "ligne 2, colonne « Date de naissance » : date impossible" in err
    code, out, err = run(capsys, data, "import", "participants", str(bad), "--operation", "ACC", "--ignorer-erreurs")
    assert code == 0 and "1 création(s)" in out and "1 ligne(s) en erreur laissée(s) de côté" in out


def test_hostile_file_refused_with_exit_code_1(capsys, tmp_path):
    data, _ = setup(capsys, tmp_path)
    exe = tmp_path / "tableau.csv"
    exe.write_bytes(b"MZ" + bytes(1000))
    code, _, err = run(capsys, data, "import", "participants", str(exe), "--operation", "ACC")
    assert code == 1 and "programme" in err


def test_a_column_given_on_the_command_line_must_exist_and_name_a_field(capsys, tmp_path):
    data, path = setup(capsys, tmp_path)
    code, _, err = run(capsys, data, "import", "participants", str(path), "--operation", "ACC",
                       "--colonne", "Suivi par=conseiller")
    assert code == 2 and "Champ inconnu" in err and "referent" in err
    code, _, err = run(capsys, data, "import", "participants", str(path), "--operation", "ACC",
                       "--colonne", "Accompagnateur=referent")
    assert code == 2 and "Colonne absente du fichier : « Accompagnateur »" in err
    code, _, err = run(capsys, data, "import", "participants", str(path), "--operation", "ACC", "--feuille", "x")
    assert code == 1 and "CSV" in err and "feuille" in err  # a sheet asked of a CSV: refused, not ignored
