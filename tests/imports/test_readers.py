"""The import file reader: workbooks and CSV files become raw rows; hostile files are refused
with a French message, quickly, and without exposing cell contents or paths."""

from __future__ import annotations

import csv
import io
import os
import random
import re
import struct
import subprocess
import sys
import time
import tracemalloc
import zipfile
import zlib
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from aapdesk.imports import readers
from aapdesk.imports.readers import (
    ImportFileError,
    Limits,
    RawRow,
    RawTable,
    read_table,
    sheet_names,
)

HEALTH = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
FRENCH = "Émilie Crêpe-Noël, l’œuvre « Œdipe » : 12,50 € … à ç è ê ë ï ô ù û ÿ Ç É È Ê À"


# --- fixture builders ------------------------------------------------------------------------

def make_xlsx(path: Path, sheets: dict[str, list[list]], *, epoch=None, hidden: tuple[str, ...] = ()) -> Path:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    if epoch is not None:
        workbook.epoch = epoch
    for title, rows in sheets.items():
        worksheet = workbook.create_sheet(title)
        for row in rows:
            worksheet.append(row)
        if title in hidden:
            worksheet.sheet_state = "hidden"
    workbook.save(path)
    return path


def rewrite_zip(source: Path, target: Path, replace: dict[str, bytes] | None = None,
                add: dict[str, bytes] | None = None, drop: tuple[str, ...] = ()) -> Path:
    """A copy of a zip with some members replaced, added or removed."""
    replace, add = replace or {}, add or {}
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as copy:
        for info in original.infolist():
            if info.filename in drop:
                continue
            copy.writestr(info.filename, replace.get(info.filename, original.read(info.filename)))
        for name, data in add.items():
            copy.writestr(name, data)
    return target


def excel_like_xlsx(tmp_path: Path, name: str, sheet_xml: str, shared_strings_xml: str) -> Path:
    """A workbook whose first sheet uses a shared-string table, as Excel writes (openpyxl writes
    inline strings only)."""
    base = make_xlsx(tmp_path / f"base-{name}", {"Feuil1": [["x"]]})
    with zipfile.ZipFile(base) as original:
        types = original.read("[Content_Types].xml").replace(
            b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                         b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
        rels = original.read("xl/_rels/workbook.xml.rels").replace(
            b"</Relationships>", b'<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/'
                                 b'officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
                                 b"</Relationships>")
    return rewrite_zip(base, tmp_path / name,
                       replace={"[Content_Types].xml": types, "xl/_rels/workbook.xml.rels": rels,
                                "xl/worksheets/sheet1.xml": sheet_xml.encode()},
                       add={"xl/sharedStrings.xml": shared_strings_xml.encode()})


def sheet_xml(rows: str, prolog: str = "") -> str:
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{prolog}'
            f'<worksheet xmlns="{MAIN_NS}"><sheetData>{rows}</sheetData></worksheet>')


def shared_strings(*texts: str, prolog: str = "") -> str:
    items = "".join(f"<si><t>{text}</t></si>" for text in texts)
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{prolog}'
            f'<sst xmlns="{MAIN_NS}" count="{len(texts)}" uniqueCount="{len(texts)}">{items}</sst>')


LAUGHS = ('<!DOCTYPE lolz [<!ENTITY lol "lol">'
          + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
                    for i in range(1, 10))
          + "]>")


def write_csv(path: Path, rows: list[list[str]], *, delimiter=";", encoding="utf-8") -> Path:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def values(table: RawTable) -> list[tuple]:
    return [row.values for row in table.rows]


def refusal(path: Path, **kwargs) -> str:
    with pytest.raises(ImportFileError) as caught:
        read_table(path, **kwargs)
    return str(caught.value)


# --- xlsx ------------------------------------------------------------------------------------

def test_xlsx_gives_headers_and_values_with_their_types(tmp_path):
    entry = datetime(2024, 9, 2)
    path = make_xlsx(tmp_path / "participants.xlsx", {"participants": [
        ["Nom", "Prénom", "Heures", "Âge", "Date d'entrée", "RSA"],
        ["Dupont", "Émilie", 12.5, 34, entry, True],
    ]})
    table = read_table(path)
    assert values(table) == [("Nom", "Prénom", "Heures", "Âge", "Date d'entrée", "RSA"),
                             ("Dupont", "Émilie", 12.5, 34, entry, True)]
    assert [type(v) for v in table.rows[1].values] == [str, str, float, int, datetime, bool]
    assert (table.format, table.sheet, table.sheets) == ("xlsx", "participants", ("participants",))
    assert (table.encoding, table.delimiter, table.date1904) == (None, None, False)


def test_durations_and_dates_arrive_as_openpyxl_gives_them(tmp_path):
    path = tmp_path / "heures.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet["A1"] = timedelta(hours=35, minutes=30)  # written with the [hh]:mm:ss format
    sheet["B1"] = 1.5
    sheet["B1"].number_format = "[h]:mm"  # a number shown as a duration
    sheet["C1"] = date(2024, 3, 1)
    workbook.save(path)
    assert values(read_table(path)) == [(timedelta(hours=35, minutes=30), timedelta(hours=36),
                                         datetime(2024, 3, 1))]


def test_xlsx_row_numbers_are_excel_ones_and_empty_cells_and_rows_are_dropped(tmp_path):
    path = tmp_path / "gaps.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet["A1"], sheet["B1"] = "Nom", "Heures"
    sheet["A2"], sheet["B2"], sheet["C2"] = "Dupont", 7, ""  # an empty string is an empty cell
    sheet["F2"].number_format = "0.00"  # styled but empty: trailing, dropped
    sheet["B4"].number_format = "0.00"  # a row with only a styled empty cell: omitted
    sheet["B5"] = 3  # leading empty cell kept so columns stay aligned
    sheet["A9"] = "  Martin  "  # spaces kept: the next layer strips
    workbook.save(path)
    table = read_table(path)
    assert table.rows == (RawRow(1, ("Nom", "Heures")), RawRow(2, ("Dupont", 7)), RawRow(5, (None, 3)),
                          RawRow(9, ("  Martin  ",)))


def test_xlsx_reads_the_first_visible_sheet_or_the_named_one(tmp_path):
    path = make_xlsx(tmp_path / "deux.xlsx", {"listes": [["oui"], ["non"]], "participants": [["Nom"], ["Dupont"]],
                                             "heures": [["Mois"], ["2024-09"]]}, hidden=("listes",))
    assert sheet_names(path) == ("listes", "participants", "heures")
    first = read_table(path)
    assert (first.sheet, values(first)) == ("participants", [("Nom",), ("Dupont",)])
    hours = read_table(path, sheet="heures")
    assert (hours.sheet, hours.sheets, values(hours)) == ("heures", ("listes", "participants", "heures"),
                                                           [("Mois",), ("2024-09",)])
    assert values(read_table(path, sheet="listes")) == [("oui",), ("non",)]


def test_unknown_sheet_is_refused_naming_the_sheets_present(tmp_path):
    path = make_xlsx(tmp_path / "classeur.xlsx", {"Feuil1": [["a"]], "Heures 2024": [["b"]]})
    assert refusal(path, sheet="participants") == ("la feuille « participants » n'existe pas dans ce classeur ; "
                                                   "feuilles présentes : « Feuil1 », « Heures 2024 »")


def test_formulas_give_their_cached_value_never_their_text(tmp_path):
    path = excel_like_xlsx(tmp_path, "formules.xlsx", sheet_xml(
        '<row r="1"><c r="A1"><f>1+1</f><v>2</v></c><c r="B1" t="str"><f>"a"&amp;"b"</f><v>ab</v></c>'
        '<c r="C1"><f>SUM(A1:A1)</f></c><c r="D1" t="e"><f>1/0</f><v>#DIV/0!</v></c></row>'), shared_strings())
    # C1 was never calculated (no cached value): empty, not "=SUM(A1:A1)". Errors stay strings.
    assert values(read_table(path)) == [(2, "ab", None, "#DIV/0!")]


def test_shared_strings_and_styled_dates_as_excel_writes_them(tmp_path):
    path = excel_like_xlsx(tmp_path, "excel.xlsx", sheet_xml(
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
        '<row r="3"><c r="A3" t="s"><v>2</v></c><c r="B3" t="b"><v>0</v></c></row>'),
        shared_strings("Nom", "Présent", FRENCH))
    assert read_table(path).rows == (RawRow(1, ("Nom", "Présent")), RawRow(3, (FRENCH, False)))


def test_1904_date_system_is_reported_and_dates_come_out_right(tmp_path):
    day, hour = datetime(2024, 1, 1), clock_time(8, 30)
    path = make_xlsx(tmp_path / "mac.xlsx", {"Feuil1": [["Entrée", "Heure"], [day, hour]]}, epoch=CALENDAR_MAC_1904)
    with zipfile.ZipFile(path) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
        assert "date1904" in archive.read("xl/workbook.xml").decode()
    assert "<v>43830</v>" in xml  # the 1904 serial (45292 in the 1900 system): the epoch really applies
    table = read_table(path)
    assert table.date1904 is True
    assert table.rows[1].values == (day, hour)
    assert read_table(make_xlsx(tmp_path / "pc.xlsx", {"Feuil1": [[day]]})).date1904 is False


def test_xlsm_is_read_and_its_macros_neither_kept_nor_run(tmp_path, monkeypatch):
    named = make_xlsx(tmp_path / "macros.xlsm", {"Feuil1": [["Nom"], ["Dupont"]]})
    assert values(read_table(named)) == [("Nom",), ("Dupont",)]
    # A real macro project is a binary member; this one would be a program if anything ran it.
    with_vba = rewrite_zip(named, tmp_path / "vba.xlsm", add={"xl/vbaProject.bin": b"MZ\x90\x00" + os.urandom(2048)})
    calls = []
    original = openpyxl.load_workbook

    def spy(*args, **kwargs):
        calls.append(kwargs)
        return original(*args, **kwargs)

    monkeypatch.setattr(openpyxl, "load_workbook", spy)
    assert values(read_table(with_vba)) == [("Nom",), ("Dupont",)]
    assert calls == [{"read_only": True, "data_only": True, "keep_vba": False, "keep_links": False}]


def test_a_workbook_renamed_csv_and_a_csv_renamed_xlsx_are_read_by_content(tmp_path):
    workbook = make_xlsx(tmp_path / "vrai.xlsx", {"Feuil1": [["Nom"], ["Dupont"]]})
    renamed = tmp_path / "export.csv"
    renamed.write_bytes(workbook.read_bytes())
    assert read_table(renamed).format == "xlsx"
    text = write_csv(tmp_path / "faux.xlsx", [["Nom", "Heures"], ["Dupont", "7"]])
    assert (read_table(text).format, values(read_table(text))) == ("csv", [("Nom", "Heures"), ("Dupont", "7")])
    assert sheet_names(text) == ()


def test_xlsx_limits_rows_columns_and_cell_length(tmp_path):
    path = make_xlsx(tmp_path / "limites.xlsx", {"Feuil1": [["a", "b", "c"], [], ["d"], ["x" * 12]]})
    assert len(read_table(path, limits=Limits(max_rows=3, max_columns=3, max_cell_chars=12)).rows) == 3
    assert refusal(path, limits=Limits(max_rows=2)).startswith("le fichier compte plus de 2 lignes remplies")
    assert refusal(path, limits=Limits(max_columns=2)) == ("la ligne 1 compte plus de 2 colonnes remplies, "
                                                           "le maximum pour un import")
    assert refusal(path, limits=Limits(max_cell_chars=11)) == ("la ligne 4 contient une cellule de plus de 11 "
                                                               "caractères, le maximum pour un import")


def test_styled_empty_cells_far_right_do_not_count_as_columns_but_are_bounded(tmp_path):
    path = tmp_path / "xfd.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in range(1, 6):
        sheet.cell(row=row, column=1, value=f"ligne {row}")
        sheet.cell(row=row, column=16_384).number_format = "0.00"  # column XFD, empty
    workbook.save(path)
    assert values(read_table(path)) == [(f"ligne {row}",) for row in range(1, 6)]
    # openpyxl pads each of those rows to 16,384 values: past a budget of cells, refused.
    assert refusal(path, limits=Limits(max_rows=10, max_columns=1000)).startswith(
        "le classeur contient trop de cellules (plus de 10\u202f000)")


def test_a_row_number_beyond_excel_s_last_row_is_refused(tmp_path):
    path = excel_like_xlsx(tmp_path, "ligne.xlsx", sheet_xml(
        '<row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2000000"><c r="A2000000" t="s"><v>0</v></c></row>'),
        shared_strings("Nom"))
    assert refusal(path).startswith("classeur endommagé ou illisible")


# --- csv -------------------------------------------------------------------------------------

def test_csv_semicolon_with_french_decimals_is_detected(tmp_path):
    path = tmp_path / "heures.csv"
    path.write_text("Nom;Heures;Taux\nDupont;12,5;0,75\nMartin;3;1,5\n", encoding="utf-8")
    table = read_table(path)
    assert (table.format, table.delimiter, table.encoding, table.sheet, table.sheets) == ("csv", ";", "utf-8", None, ())
    assert values(table) == [("Nom", "Heures", "Taux"), ("Dupont", "12,5", "0,75"), ("Martin", "3", "1,5")]


@pytest.mark.parametrize("delimiter", [",", "\t", ";"])
def test_csv_delimiter_is_detected(tmp_path, delimiter):
    rows = [["Nom", "Prénom", "Ville"], ["Dupont", "Émilie", "Évry"], ["Martin", "Jean", "Metz"]]
    table = read_table(write_csv(tmp_path / "f.csv", rows, delimiter=delimiter))
    assert table.delimiter == delimiter
    assert values(table) == [tuple(row) for row in rows]


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_csv_ties_with_commas_inside_cells_go_to_the_french_delimiters(tmp_path, delimiter):
    # "," splits every line in two as well: a tie, which ";" (French Excel) and then tab win.
    rows = [["Nom, prénom", "Heures"], ["Dupont, Émilie", "7"], ["Martin, Jean", "3"]]
    table = read_table(write_csv(tmp_path / "f.txt", rows, delimiter=delimiter))
    assert (table.delimiter, values(table)) == (delimiter, [tuple(row) for row in rows])


def test_csv_quoted_fields_keep_separators_quotes_and_line_breaks(tmp_path):
    path = tmp_path / "notes.csv"
    path.write_bytes(b'Nom;Note;Heures\r\n'
                     b'"Dupont; Jean";"Il a dit ""bonjour""\r\net il est parti";7\r\n'
                     b'Martin;"";\r\n'
                     b'\r\n'
                     b'"Durand";"ligne 1\nligne 2\nligne 3";2\r\n'
                     b'Petit;ok;1')
    table = read_table(path)
    assert table.rows == (
        RawRow(1, ("Nom", "Note", "Heures")),
        RawRow(2, ("Dupont; Jean", 'Il a dit "bonjour"\r\net il est parti', "7")),
        RawRow(4, ("Martin",)),
        RawRow(6, ("Durand", "ligne 1\nligne 2\nligne 3", "2")),
        RawRow(9, ("Petit", "ok", "1")),
    )


def test_csv_single_column_file(tmp_path):
    path = tmp_path / "noms.csv"
    path.write_text("Nom\nDupont\nMartin\n", encoding="utf-8")
    table = read_table(path)
    assert (table.delimiter, values(table)) == (";", [("Nom",), ("Dupont",), ("Martin",)])


def test_csv_empty_strings_are_none_spaces_kept_trailing_empties_and_empty_lines_dropped(tmp_path):
    path = tmp_path / "vides.csv"
    path.write_text("Nom;Prénom;Ville;;\n;;;;\n; Jean ;;;\n\n", encoding="utf-8")
    assert read_table(path).rows == (RawRow(1, ("Nom", "Prénom", "Ville")), RawRow(3, (None, " Jean ")))


def test_csv_utf8_with_bom_does_not_leak_the_bom_into_the_first_header(tmp_path):
    path = write_csv(tmp_path / "bom.csv", [["Nom", "Prénom"], ["Œdipe", "Noël"]], encoding="utf-8-sig")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    table = read_table(path)
    assert (table.encoding, values(table)) == ("utf-8-sig", [("Nom", "Prénom"), ("Œdipe", "Noël")])
    # Even when the caller says plain UTF-8.
    assert values(read_table(path, encoding="utf-8"))[0] == ("Nom", "Prénom")


def test_csv_cp1252_french_text_reads_back_identical(tmp_path):
    sample = [["Nom", "Remarque"], ["Émilie Crêpe", FRENCH], ["Lecœur", "l’été — « très bien » …"]]
    path = write_csv(tmp_path / "ansi.csv", sample, encoding="cp1252")
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("utf-8")
    table = read_table(path)
    assert (table.encoding, values(table)) == ("cp1252", [tuple(row) for row in sample])
    assert not any("Ã" in v or "Â" in v for row in values(table) for v in row)


def test_csv_bytes_undefined_in_cp1252_become_c1_characters_not_errors(tmp_path):
    path = tmp_path / "c1.csv"
    path.write_bytes(b"Nom;Code\n\xc9vry;a\x81\x8d\x8f\x90\x9db\n")
    assert values(read_table(path)) == [("Nom", "Code"), ("Évry", "a\x81\x8d\x8f\x90\x9db")]


def test_csv_utf16_with_bom_as_excel_unicode_text(tmp_path):
    path = write_csv(tmp_path / "unicode.txt", [["Nom", "Prénom"], ["Lecœur", "Noël"]], delimiter="\t",
                     encoding="utf-16")
    table = read_table(path)
    assert (table.encoding, table.delimiter) == ("utf-16", "\t")
    assert values(table) == [("Nom", "Prénom"), ("Lecœur", "Noël")]


def test_csv_explicit_delimiter_and_encoding_override_detection(tmp_path):
    path = tmp_path / "f.csv"
    path.write_bytes("Nom;Ville,Pays\nDupont;Évry,France\n".encode("cp1252"))
    assert values(read_table(path)) == [("Nom", "Ville,Pays"), ("Dupont", "Évry,France")]
    forced = read_table(path, delimiter=",", encoding="cp1252")
    assert (forced.delimiter, forced.encoding) == (",", "cp1252")
    assert values(forced) == [("Nom;Ville", "Pays"), ("Dupont;Évry", "France")]
    assert read_table(path, encoding="windows-1252").encoding == "cp1252"
    assert refusal(path, encoding="utf-8") == ("le fichier ne peut pas être lu comme un texte UTF-8 : "
                                               "choisissez un autre encodage")
    with pytest.raises(ValueError):
        read_table(path, encoding="latin-1")
    with pytest.raises(ValueError):
        read_table(path, delimiter=";;")


def test_csv_sep_line_written_by_excel_names_the_delimiter(tmp_path):
    path = tmp_path / "sep.csv"
    path.write_text("sep=,\r\nNom,Heures;x\r\nDupont,7;y\r\n", encoding="utf-8")
    assert read_table(path).rows == (RawRow(2, ("Nom", "Heures;x")), RawRow(3, ("Dupont", "7;y")))


def test_csv_malformed_quotes_are_refused_with_the_line(tmp_path):
    path = tmp_path / "quote.csv"
    path.write_text('Nom;Note\nDupont;ok\nMartin;"pas fermé\nDurand;x\n', encoding="utf-8")
    assert refusal(path, delimiter=";") == ("guillemet non fermé : le texte entre guillemets commencé à la ligne 3 "
                                            "continue jusqu'à la fin du fichier")
    path.write_text('Nom;Note\nDupont;"ok" suite\n', encoding="utf-8")
    assert refusal(path, delimiter=";").startswith("ligne 2 : guillemet mal placé")


def test_csv_limits_rows_columns_and_cell_length(tmp_path):
    path = tmp_path / "limites.csv"
    path.write_text("a;b;c\n\nd\n" + "x" * 12 + "\n", encoding="utf-8")
    assert len(read_table(path, limits=Limits(max_rows=3, max_columns=3, max_cell_chars=12)).rows) == 3
    assert refusal(path, limits=Limits(max_rows=2)).startswith("le fichier compte plus de 2 lignes remplies")
    assert refusal(path, limits=Limits(max_columns=2)).startswith("la ligne 1 compte plus de 2 colonnes")
    assert refusal(path, limits=Limits(max_cell_chars=11)).startswith("la ligne 4 contient une cellule de plus de 11")
    path.write_text("a;" + "x" * 200_000 + "\n", encoding="utf-8")  # beyond the csv module's own field limit
    assert refusal(path, delimiter=";").startswith("la ligne 1 contient une cellule de plus de 32\u202f767 caractères")


def test_csv_with_too_many_columns_is_refused(tmp_path):
    path = tmp_path / "large.csv"
    path.write_text(";".join(f"c{i}" for i in range(201)) + "\n", encoding="utf-8")
    assert refusal(path) == "la ligne 1 compte plus de 200 colonnes remplies, le maximum pour un import"


# --- hostile files ---------------------------------------------------------------------------

def test_too_big_is_refused_before_reading(tmp_path):
    sparse = tmp_path / "enorme.xlsx"
    with open(sparse, "wb") as handle:
        handle.truncate(21 * 1024 * 1024)  # sparse: instant, nothing written
    message = ("le fichier dépasse 20 Mo, la taille maximale pour un import : enregistrez les données en "
               "plusieurs fichiers")
    assert refusal(sparse) == message
    with pytest.raises(ImportFileError, match="dépasse 20 Mo"):
        sheet_names(sparse)
    small = write_csv(tmp_path / "petit.csv", [["Nom"]] * 400)  # 2,000 bytes
    assert refusal(small, limits=Limits(max_file_bytes=1536)).startswith("le fichier dépasse 1,5 Ko")


def test_empty_and_missing_files(tmp_path):
    empty = tmp_path / "vide.csv"
    empty.write_bytes(b"")
    assert refusal(empty) == "le fichier est vide"
    assert refusal(tmp_path / "absent.xlsx").startswith("fichier introuvable")
    assert refusal(tmp_path).startswith("c'est un dossier")


EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + random.Random(1).randbytes(4000)
ELF = b"\x7fELF\x02\x01\x01\x00" + bytes(8) + random.Random(2).randbytes(4000)


@pytest.mark.parametrize("name", ["tableau.xlsx", "tableau.csv"])
@pytest.mark.parametrize("content", [EXE, ELF], ids=["windows", "elf"])
def test_a_program_whatever_its_name_is_refused(tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    assert refusal(path) == ("ce fichier est un programme, pas un tableau : importez un classeur .xlsx ou .xlsm, "
                             "ou un fichier .csv")


@pytest.mark.parametrize("content", [random.Random(3).randbytes(4096), b"%PDF-1.7\n%\xe2\xe3\n1 0 obj",
                                     b"\x89PNG\r\n\x1a\n\x00\x00", b"Nom;Pr\x00nom\n"],
                         ids=["random", "pdf", "png", "nul-in-text"])
def test_binary_files_are_refused(tmp_path, content):
    path = tmp_path / "donnees.csv"
    path.write_bytes(content)
    assert refusal(path) == "format non reconnu : importez un classeur .xlsx ou .xlsm, ou un fichier .csv"


def test_web_page_saved_as_xls_is_refused(tmp_path):
    path = tmp_path / "export.xls"
    path.write_text("\n<html><body><table><tr><td>Dupont</td></tr></table></body></html>", encoding="utf-8")
    assert refusal(path).startswith("ce fichier est une page web ou un document XML")


def test_password_protected_or_xls_workbook_gets_the_save_as_xlsx_advice(tmp_path):
    path = tmp_path / "protege.xlsx"
    path.write_bytes(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1" + bytes(4088))
    message = ("classeur protégé par mot de passe ou ancien format Excel 97-2003 (.xls) : ouvrez-le dans Excel "
               "et enregistrez-le au format .xlsx, sans mot de passe")
    assert refusal(path) == message
    with pytest.raises(ImportFileError, match="mot de passe"):
        sheet_names(path)


def test_zip_that_is_not_a_workbook(tmp_path):
    path = tmp_path / "photos.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("photo.txt", "pas un classeur")
    assert refusal(path) == ("ce fichier compressé n'est pas un classeur Excel (.xlsx) : importez un classeur "
                             ".xlsx ou .xlsm, ou un fichier .csv")
    workbook = make_xlsx(tmp_path / "ok.xlsx", {"Feuil1": [["a"]]})
    assert refusal(rewrite_zip(workbook, tmp_path / "sans.xlsx", drop=("xl/workbook.xml",))).startswith(
        "ce fichier compressé n'est pas un classeur Excel")
    ods = tmp_path / "calc.ods"
    with zipfile.ZipFile(ods, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")
    assert refusal(ods).startswith("classeur LibreOffice ou OpenOffice (.ods)")


def test_truncated_and_damaged_workbooks_are_refused_without_traceback(tmp_path):
    whole = make_xlsx(tmp_path / "entier.xlsx", {"Feuil1": [[f"ligne {i}", i] for i in range(500)]}).read_bytes()
    half = tmp_path / "moitie.xlsx"
    half.write_bytes(whole[: len(whole) // 2])
    assert refusal(half).startswith("classeur endommagé ou incomplet")
    garbled = tmp_path / "abime.xlsx"
    workbook = make_xlsx(tmp_path / "base.xlsx", {"Feuil1": [["a"]]})
    rewrite_zip(workbook, garbled, replace={"xl/workbook.xml": b"<workbook><sheets><sheet name="})
    assert refusal(garbled).startswith("classeur endommagé ou illisible")


def test_zip_bomb_is_refused_from_the_declared_sizes(tmp_path):
    workbook = make_xlsx(tmp_path / "base.xlsx", {"Feuil1": [["a"]]})
    bomb = rewrite_zip(workbook, tmp_path / "bombe.xlsx")
    with zipfile.ZipFile(bomb, "a", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("xl/media/zeros.bin", "w") as member:  # streamed: never 300 MB in memory
            chunk = bytes(1024 * 1024)
            for _ in range(300):
                member.write(chunk)
    assert bomb.stat().st_size < 1024 * 1024
    tracemalloc.start()
    try:
        assert refusal(bomb) == "classeur refusé : une fois décompressé, il dépasserait 200 Mo"
        assert tracemalloc.get_traced_memory()[1] < 50 * 1024 * 1024
    finally:
        tracemalloc.stop()


def test_overcompressed_member_is_refused_even_under_the_total(tmp_path):
    workbook = make_xlsx(tmp_path / "base.xlsx", {"Feuil1": [["a"]]})
    dense = rewrite_zip(workbook, tmp_path / "dense.xlsx", add={"xl/media/zeros.bin": bytes(5 * 1024 * 1024)})
    assert refusal(dense) == ("classeur refusé : un de ses éléments est compressé plus de 200 fois, signe d'un "
                              "fichier piégé")


def _patch_central_entry(data: bytes, name: bytes, **fields: int) -> bytes:
    """Change fields of one member's central-directory entry (what zipfile trusts)."""
    offsets = {"flag_bits": (8, "<H"), "crc": (16, "<I"), "file_size": (24, "<I")}
    patched = bytearray(data)
    entry = patched.find(b"PK\x01\x02")
    while entry >= 0:
        name_length = struct.unpack_from("<H", patched, entry + 28)[0]
        if patched[entry + 46: entry + 46 + name_length] == name:
            for field, value in fields.items():
                offset, fmt = offsets[field]
                struct.pack_into(fmt, patched, entry + offset, value)
            return bytes(patched)
        entry = patched.find(b"PK\x01\x02", entry + 4)
    raise AssertionError("member not found")


def test_member_lying_about_its_size_is_refused(tmp_path):
    workbook = make_xlsx(tmp_path / "base.xlsx", {"Feuil1": [["a"]]})
    real = random.Random(4).randbytes(1000) + bytes(3 * 1024 * 1024)  # 3 MB inflated...
    sneaky = rewrite_zip(workbook, tmp_path / "menteur.xlsx", add={"xl/media/image1.png": real})
    # ...declared as 1,000 bytes (no ratio check below 1 MiB), with the CRC of those 1,000 bytes.
    data = _patch_central_entry(sneaky.read_bytes(), b"xl/media/image1.png", file_size=1000,
                                crc=zlib.crc32(real[:1000]))
    sneaky.write_bytes(data)
    # What the reader relies on: zipfile stops at the declared size and the CRC then passes,
    # so reading the member normally would not notice the lie.
    with zipfile.ZipFile(sneaky) as archive:
        assert archive.read("xl/media/image1.png") == real[:1000]
    assert refusal(sneaky) == ("classeur refusé : un élément du fichier compressé est plus gros que la taille "
                               "qu'il annonce (fichier piégé ou endommagé)")


def test_bad_crc_encrypted_member_and_too_many_members(tmp_path):
    workbook = make_xlsx(tmp_path / "base.xlsx", {"Feuil1": [["a"]]})
    data = workbook.read_bytes()
    bad_crc = tmp_path / "crc.xlsx"
    bad_crc.write_bytes(_patch_central_entry(data, b"xl/workbook.xml", crc=0))
    assert refusal(bad_crc).startswith("classeur endommagé ou incomplet")
    encrypted = tmp_path / "chiffre.xlsx"
    encrypted.write_bytes(_patch_central_entry(data, b"xl/workbook.xml", flag_bits=1))
    assert refusal(encrypted) == ("fichier compressé protégé par mot de passe : enregistrez le classeur sans "
                                  "mot de passe")
    assert refusal(workbook, limits=Limits(max_zip_members=5)) == ("classeur refusé : il contient plus de 5 "
                                                                    "éléments compressés")


def test_defusedxml_protects_openpyxl_and_its_absence_stops_the_reader():
    assert openpyxl.xml.DEFUSEDXML is True
    assert readers.defused_xml_active()
    env = {**os.environ, "OPENPYXL_DEFUSEDXML": "False"}
    result = subprocess.run([sys.executable, "-c", "import aapdesk.imports.readers"], env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "RuntimeError" in result.stderr and "defusedxml" in result.stderr


@pytest.mark.parametrize("where", ["shared strings", "sheet", "sheet, DTD past the scanned prolog", "workbook"])
def test_billion_laughs_workbook_is_refused(tmp_path, where):
    padding = "\n" + " " * (readers.PROLOG_SCAN_BYTES + 10)  # the reader's own scan misses it: defusedxml must not
    if where == "workbook":
        base = make_xlsx(tmp_path / "base.xlsx", {"Feuil1": [["a"]]})
        with zipfile.ZipFile(base) as archive:
            xml = archive.read("xl/workbook.xml").decode()
        xml = re.sub(r"^(<\?xml[^>]*\?>)?", lambda m: (m.group(0) or "") + LAUGHS, xml)
        path = rewrite_zip(base, tmp_path / "lol.xlsx", replace={"xl/workbook.xml": xml.encode()})
    elif where == "shared strings":
        path = excel_like_xlsx(tmp_path, "lol.xlsx", sheet_xml('<row r="1"><c r="A1" t="s"><v>0</v></c></row>'),
                               shared_strings("&lol9;", prolog=LAUGHS))
    else:
        prolog = (padding if "past" in where else "") + LAUGHS
        path = excel_like_xlsx(tmp_path, "lol.xlsx", sheet_xml('<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;'
                                                               '</t></is></c></row>', prolog=prolog),
                               shared_strings("x"))
    assert refusal(path) == "classeur refusé : il contient des constructions XML dangereuses"


def test_a_million_row_csv_is_refused_quickly_and_in_bounded_memory(tmp_path):
    path = tmp_path / "million.csv"
    path.write_bytes(b"a;b\n" * 1_000_000)  # 4 MB
    tracemalloc.start()
    started = time.perf_counter()
    try:
        assert refusal(path).startswith("le fichier compte plus de 50\u202f000 lignes remplies")
        elapsed = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    print(f"1,000,000-row CSV refused in {elapsed:.2f} s (under tracemalloc), peak {peak / 1e6:.1f} MB")
    assert peak < 100 * 1024 * 1024


def test_messages_never_repeat_cell_contents_or_the_path(tmp_path):
    secret = "SECRET-1850275123456"
    folder = tmp_path / secret
    folder.mkdir()
    cases = [
        ("long.csv", f"Nom;{secret * 3}\n".encode(), Limits(max_cell_chars=20)),
        ("quote.csv", f'Nom;"{secret}\n'.encode(), Limits()),
        ("large.csv", (";".join([secret] * 5) + "\n").encode(), Limits(max_columns=3)),
        ("abime.xlsx", b"PK\x03\x04" + secret.encode() * 10, Limits()),
    ]
    for name, content, limits in cases:
        path = folder / f"{secret}-{name}"
        path.write_bytes(content)
        with pytest.raises(ImportFileError) as caught:
            read_table(path, limits=limits)
        assert secret not in str(caught.value) and caught.value.__cause__ is None
    assert secret not in refusal(folder / "absent.csv")


# --- properties ------------------------------------------------------------------------------

@settings(max_examples=100, deadline=None, suppress_health_check=HEALTH)
@given(content=st.binary(min_size=1, max_size=2048), name=st.sampled_from(["f.csv", "f.xlsx"]))
@example(content=b"PK\x03\x04garbage", name="f.xlsx")
@example(content=b"PK\x05\x06" + bytes(18), name="f.xlsx")
@example(content=b"\xef\xbb\xbf\x00", name="f.csv")
@example(content=b"\xff\xfe\x00", name="f.csv")
@example(content=b'"', name="f.csv")
def test_any_bytes_give_a_table_or_a_french_refusal(tmp_path, content, name):
    path = tmp_path / name
    path.write_bytes(content)
    try:
        table = read_table(path)
    except ImportFileError as error:
        assert str(error)
    else:
        assert isinstance(table, RawTable) and all(row.values for row in table.rows)


@pytest.fixture(scope="module")
def valid_workbook(tmp_path_factory) -> bytes:
    path = tmp_path_factory.mktemp("wb") / "valide.xlsx"
    return make_xlsx(path, {"Feuil1": [["Nom", "Date", "Heures"], ["Dupont", datetime(2024, 1, 1), 7.5]],
                            "heures": [[1, 2, 3]]}).read_bytes()


@settings(max_examples=60, deadline=None, suppress_health_check=HEALTH)
@given(data=st.data())
def test_damaged_workbooks_give_a_table_or_a_french_refusal(tmp_path, valid_workbook, data):
    content = bytearray(valid_workbook)
    for _ in range(data.draw(st.integers(1, 8))):
        position = data.draw(st.integers(0, len(content) - 1))
        content[position] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(4, len(content)))
    path = tmp_path / "abime.xlsx"
    path.write_bytes(bytes(content[:cut]))
    try:
        read_table(path)
    except ImportFileError as error:
        assert str(error)


@settings(max_examples=60, deadline=None, suppress_health_check=HEALTH)
@given(data=st.data())
def test_workbooks_with_damaged_xml_give_a_table_or_a_french_refusal(tmp_path, valid_workbook, data):
    # Mutating the zip bytes mostly breaks a CRC, refused before openpyxl runs; this damages the
    # XML itself and re-zips it, so openpyxl parses the damage.
    with zipfile.ZipFile(io.BytesIO(valid_workbook)) as archive:
        parts = {info.filename: archive.read(info.filename) for info in archive.infolist()}
    name = data.draw(st.sampled_from(sorted(n for n in parts if n.endswith((".xml", ".rels")))))
    xml = bytearray(parts[name])
    for _ in range(data.draw(st.integers(1, 6))):
        position = data.draw(st.integers(0, len(xml) - 1))
        xml[position] = data.draw(st.sampled_from(b'<>/"=&;:x9 \x00\xff'))
    parts[name] = bytes(xml[: data.draw(st.integers(0, len(xml)))])
    path = tmp_path / "xml-abime.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for part, content in parts.items():
            archive.writestr(part, content)
    try:
        read_table(path)
    except ImportFileError as error:
        assert str(error)


ENCODINGS = ["utf-8", "utf-8-sig", "cp1252"]
DELIMITERS = [";", ",", "\t"]
MARKUP = ("<!doctype html", "<html", "<?xml", "<table")


def expected_rows(rows: list[list[str]]) -> list[tuple]:
    """What the reader promises: "" -> None, trailing empty cells and empty rows dropped."""
    out = []
    for row in rows:
        cells = [cell or None for cell in row]
        while cells and cells[-1] is None:
            cells.pop()
        if cells:
            out.append(tuple(cells))
    return out


def encode_rows(rows: list[list[str]], delimiter: str, encoding: str) -> bytes:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    return buffer.getvalue().encode(encoding)


def assume_plain_start(rows: list[list[str]], delimiter: str) -> None:
    """Exclude, with reasons, the starts the reader gives a meaning to on purpose."""
    first = encode_rows(rows[:1], delimiter, "utf-8").decode("utf-8")
    assume(not first.lstrip()[:20].lower().startswith(MARKUP))  # refused as a web page
    assume(not re.match(r'sep=[^"\r\n](\r\n|\r|\n|$)', first))  # Excel's delimiter line
    assume(not first.startswith("\ufeff"))  # indistinguishable from a BOM


CELL = st.text(alphabet=st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)), max_size=12)
FRENCH_CELL = st.text(alphabet=st.sampled_from(list("aeiouzAEZ éèêëàçœŒ«»’€…-'\"\n\r")), max_size=10)


@settings(max_examples=100, deadline=None, suppress_health_check=HEALTH)
@given(rows=st.lists(st.lists(st.one_of(CELL, FRENCH_CELL), max_size=6), max_size=12),
       delimiter=st.sampled_from(DELIMITERS), encoding=st.sampled_from(ENCODINGS))
def test_csv_round_trip_with_given_delimiter_and_encoding(tmp_path, rows, delimiter, encoding):
    try:
        content = encode_rows(rows, delimiter, encoding)
    except UnicodeEncodeError:
        assume(False)  # text cp1252 cannot hold: such a file cannot exist
    assume(content)
    assume_plain_start(rows, delimiter)
    path = tmp_path / "aller-retour.csv"
    path.write_bytes(content)
    table = read_table(path, delimiter=delimiter, encoding=encoding)
    assert values(table) == expected_rows(rows)
    assert (table.delimiter, table.encoding) == (delimiter, encoding)


@settings(max_examples=100, deadline=None, suppress_health_check=HEALTH)
@given(data=st.data(), delimiter=st.sampled_from(DELIMITERS), encoding=st.sampled_from(ENCODINGS))
def test_csv_delimiter_and_encoding_are_detected(tmp_path, data, delimiter, encoding):
    # Cells may hold the real delimiter, quotes, line breaks and French letters, but not the other
    # candidate delimiters: "a,b;c,d" on every line is genuinely ambiguous.
    others = "".join(d for d in DELIMITERS if d != delimiter)
    alphabet = [c for c in "abcXYZ 0123 éèêàçœŒ«»’€…'\"\n\r;,\t" if c not in others]
    width = data.draw(st.integers(2, 5))
    rows = data.draw(st.lists(st.lists(st.text(alphabet=st.sampled_from(alphabet), max_size=8),
                                       min_size=width, max_size=width), min_size=1, max_size=10))
    content = encode_rows(rows, delimiter, encoding)
    assume_plain_start(rows, delimiter)
    if encoding == "cp1252" and not content.isascii():
        try:
            content.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            assume(False)  # cp1252 bytes that are also valid UTF-8 (like "Ã©"): read as UTF-8, by design
    path = tmp_path / "detecte.csv"
    path.write_bytes(content)
    table = read_table(path)
    assert values(table) == expected_rows(rows)
    if table.rows:
        assert table.delimiter == delimiter
    if content.isascii():
        assert table.encoding == "utf-8"  # identical text in every candidate encoding
    else:
        assert table.encoding == encoding
