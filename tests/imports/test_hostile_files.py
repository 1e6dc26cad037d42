"""The file readers against what arrives in real life and what an attacker sends: each hostile
file refused with a French message, quickly and without exhausting memory; arbitrary bytes
never crash the reader; CSV in every encoding and separator people use reads back exactly."""

from __future__ import annotations

import csv
import io
import time
import tracemalloc
import zipfile
from datetime import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from aapdesk.imports.readers import ImportFileError, Limits, read_table, sheet_names

FRENCH = "éèêëàâçîïôœŒûùü«»’€ÉÈÀÇ"


def xlsx(path, rows, *, title="participants", epoch=None):
    wb = Workbook()
    ws = wb.active
    ws.title = title
    if epoch is not None:
        wb.epoch = epoch
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def test_workbook_rows_keep_their_spreadsheet_numbers_and_types(tmp_path):
    path = xlsx(tmp_path / "a.xlsx", [["nom", "heures", "entrée"], [], ["N'DIAYE", 35.5, datetime(2025, 1, 6)],
                                      ["Lecœur", 12, None, None]])
    table = read_table(path)
    assert table.format == "xlsx" and table.sheet == "participants" and not table.date1904
    assert [r.number for r in table.rows] == [1, 3, 4]  # the empty row 2 is skipped, numbers stay Excel's
    assert table.rows[1].values == ("N'DIAYE", 35.5, datetime(2025, 1, 6))
    assert table.rows[2].values == ("Lecœur", 12)  # trailing empty cells dropped


def test_named_sheet_and_unknown_sheet(tmp_path):
    path = xlsx(tmp_path / "a.xlsm", [["x", "y"]])  # .xlsm is read the same way, macros never run
    assert sheet_names(path) == ("participants",)
    with pytest.raises(ImportFileError, match="participants"):
        read_table(path, sheet="heures")


def test_1904_date_system_is_reported(tmp_path):
    path = xlsx(tmp_path / "mac.xlsx", [["date"], [datetime(2024, 1, 1)]], epoch=CALENDAR_MAC_1904)
    table = read_table(path)
    assert table.date1904 and table.rows[1].values == (datetime(2024, 1, 1),)


def test_vba_project_inside_a_workbook_is_neither_run_nor_kept(tmp_path):
    path = xlsx(tmp_path / "macro.xlsm", [["nom", "prenom"], ["A", "B"]])
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0 not really vba")
    assert read_table(path).rows[1].values == ("A", "B")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
def test_csv_encodings_and_separators_detected_without_mojibake(tmp_path, encoding, delimiter):
    rows = [["nom", "prénom", "commentaire"], ["N'DIAYE", "Jean-Noël", f"« {FRENCH} »"],
            ["LECŒUR", "Hélène", "a;b,c\tsur\ndeux lignes"]]
    path = tmp_path / "f.csv"
    with open(path, "w", encoding=encoding, newline="") as handle:
        csv.writer(handle, delimiter=delimiter).writerows(rows)
    table = read_table(path)
    assert (table.encoding, table.delimiter) == (encoding, delimiter)
    assert [list(r.values) for r in table.rows] == rows
    assert [r.number for r in table.rows] == [1, 2, 3]


HOSTILE = [
    (b"MZ\x90\x00" + bytes(4000), "programme"),
    (b"\x7fELF" + bytes(4000), "programme"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4000), "mot de passe"),
    (b"%PDF-1.7 " + bytes(100), "format non reconnu"),
    (b"", "vide"),
    (bytes(range(256)) * 20, "format non reconnu"),
]


@pytest.mark.parametrize("content, words", HOSTILE)
@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_non_tables_are_refused_whatever_their_name(tmp_path, content, words, suffix):
    path = tmp_path / f"fichier{suffix}"
    path.write_bytes(content)
    with pytest.raises(ImportFileError, match=words):
        read_table(path)


def test_too_big_refused_before_reading(tmp_path):
    path = tmp_path / "gros.csv"
    with open(path, "wb") as handle:
        handle.truncate(21 * 1024 * 1024)  # sparse: instant, and not one byte is read
    with pytest.raises(ImportFileError, match="20 Mo"):
        read_table(path)


def test_a_zip_without_workbook_and_a_truncated_workbook(tmp_path):
    path = tmp_path / "archive.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "bonjour")
    with pytest.raises(ImportFileError, match="pas un classeur"):
        read_table(path)
    whole = xlsx(tmp_path / "entier.xlsx", [["a", "b"]] * 200).read_bytes()
    cut = tmp_path / "coupe.xlsx"
    cut.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(ImportFileError, match="endommagé"):
        read_table(cut)


def test_zip_bomb_refused_from_its_directory_before_decompression(tmp_path):
    path = xlsx(tmp_path / "bombe.xlsx", [["a", "b"]])
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        with archive.open("xl/media/zeros.bin", "w") as member:  # 300 MB of zeros, ~300 KB on disk
            chunk = bytes(1024 * 1024)
            for _ in range(300):
                member.write(chunk)
    assert path.stat().st_size < 2 * 1024 * 1024
    tracemalloc.start()
    with pytest.raises(ImportFileError, match="démesuré|dépasserait"):
        read_table(path)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 64 * 1024 * 1024  # never the 300 MB the member claims


def test_billion_laughs_refused(tmp_path):
    path = xlsx(tmp_path / "rires.xlsx", [["a", "b"]])
    bomb = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
            + "".join(f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i else "&lol;" * 10}">' for i in range(9))
            + ']><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">'
            '<c r="A1" t="inlineStr"><is><t>&lol8;</t></is></c></row></sheetData></worksheet>')
    rebuilt = tmp_path / "rires2.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(rebuilt, "w") as target:
        for item in source.infolist():
            data = bomb.encode() if item.filename == "xl/worksheets/sheet1.xml" else source.read(item.filename)
            target.writestr(item, data)
    with pytest.raises(ImportFileError, match="XML dangereuses"):
        read_table(rebuilt)


def test_a_million_row_csv_is_refused_quickly_without_holding_a_million_rows(tmp_path):
    path = tmp_path / "million.csv"
    path.write_bytes(b"nom;heures\n" + b"a;1\n" * 1_000_000)
    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(ImportFileError, match="50\u202f000 lignes"):
        read_table(path)
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"1 000 000 lignes refusées en {elapsed:.2f} s, pic {peak / 1e6:.0f} Mo")  # figures, not a timed assertion
    assert peak < 100 * 1024 * 1024


def test_too_many_columns_refused(tmp_path):
    path = tmp_path / "large.csv"
    path.write_text(";".join(f"c{i}" for i in range(300)) + "\n", encoding="utf-8")
    with pytest.raises(ImportFileError, match="200 colonnes"):
        read_table(path)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=2048), suffix=st.sampled_from([".csv", ".xlsx"]))
def test_arbitrary_bytes_give_a_table_or_a_french_refusal_never_a_crash(tmp_path, data, suffix):
    path = tmp_path / f"x{suffix}"
    path.write_bytes(data)
    try:
        table = read_table(path, limits=Limits(max_rows=500))
    except ImportFileError as exc:
        assert str(exc)
    else:
        assert table.format in ("csv", "xlsx")


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(st.text(alphabet=st.characters(codec="cp1252", exclude_characters="\x00\r"),
                                      max_size=12), min_size=1, max_size=5), min_size=1, max_size=8),
       delimiter=st.sampled_from([";", ",", "\t"]), encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]))
def test_any_csv_written_by_a_spreadsheet_reads_back_the_same(tmp_path, rows, delimiter, encoding):
    path = tmp_path / "prop.csv"
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))

    def expected(row):
        cells = [None if c == "" else c for c in row]
        while cells and cells[-1] is None:  # a blank " " is content: the next layer decides
            cells.pop()
        return tuple(cells)

    wanted = [expected(r) for r in rows if expected(r)]
    table = read_table(path, delimiter=delimiter, encoding=encoding)
    assert [r.values for r in table.rows] == wanted
