"""Read a user's spreadsheet (``.xlsx``, ``.xlsm`` or ``.csv``) into raw rows, refusing hostile files.

The file's *content* decides how it is read, never its extension: a CSV renamed ``.xlsx`` is
read as a CSV, a program renamed ``.csv`` is refused. Nothing here interprets headers or values
(``aapdesk.domain.imports`` does): a row is the tuple of cell values as openpyxl gives them, or
as the CSV text holds them, with empty cells as ``None``.

Every refusal is an :class:`ImportFileError` whose text is a French sentence for the user. It
never repeats a cell's content nor the file's path: both may be personal data, and messages end
up in dialogs, logs and support e-mails. The exception that caused it is not chained either (its
text could quote a cell); only its type name is kept in ``detail`` for diagnosis.

Defences, in the order they run:

* size: refused from ``stat`` before a byte is read (``Limits.max_file_bytes``);
* kind, from the first bytes: zip (xlsx), OLE/CFB (password-protected xlsx or old ``.xls``),
  programs (``MZ``, ELF, Mach-O), other known binaries, NUL characters in text;
* zip bombs, before openpyxl sees the file: number of members and size of the central
  directory, sum of declared sizes, compression ratio of big members, only stored/deflated
  members, no encryption; then every member is inflated once by chunks through a copy of its
  ``ZipInfo`` announcing one byte more than declared. ``zipfile`` never returns more than a
  member's declared ``file_size`` (it truncates, then checks the CRC of what it returned), so a
  member that *lies* about its size would otherwise pass the checks above, and openpyxl reads
  small parts with ``ZipFile.read()``, which inflates the whole stream in one call before
  truncating it: a 20 MB lying member would allocate up to 2 GB there. Reading one byte past
  the declared size exposes the lie; this pass also checks every member's length and CRC;
* XML bombs: openpyxl parses worksheets and shared strings with defusedxml (checked at import
  time below: this module refuses to load without it), which raises on any entity declaration;
  the other parts go through lxml with entity resolution off. A DTD at the start of any XML
  member is refused here first, so every part gets the same answer;
* size of the content: rows (``max_rows`` non-empty rows, and never past Excel's 1,048,576),
  columns, cell length, and for xlsx the number of cells openpyxl pads rows with (a styled
  empty cell in column XFD makes every row 16,384 values wide).

Known cost: openpyxl in read-only mode with defusedxml handles about 15 µs per cell on the
2-core reference machine, so the largest accepted workbook (50,000 rows × 20 columns) takes
about 15 s; the pure-Python XML parser defusedxml relies on accounts for about a third of it.
Callers should read in a worker thread. A crafted workbook within the limits (a single row of
millions of cells, say) can still keep openpyxl busy for minutes: the 200 MB uncompressed cap
bounds it, nothing tighter does without parsing the XML twice.
"""

from __future__ import annotations

import codecs
import copy
import csv
import io
import os
import re
import struct
import warnings
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

import defusedxml
import defusedxml.ElementTree
import openpyxl
import openpyxl.reader.strings
import openpyxl.worksheet._reader
import openpyxl.xml
from openpyxl.utils.datetime import CALENDAR_MAC_1904


def defused_xml_active() -> bool:
    """True when openpyxl parses worksheets and shared strings with defusedxml.

    openpyxl decides once, at its import, from the presence of defusedxml and the
    ``OPENPYXL_DEFUSEDXML`` environment variable; the parsing modules keep the function they
    imported then, so those are what is checked.
    """
    return bool(openpyxl.xml.DEFUSEDXML) and all(
        module.iterparse is defusedxml.ElementTree.iterparse
        for module in (openpyxl.reader.strings, openpyxl.worksheet._reader)
    )


if not defused_xml_active():  # pragma: no cover - exercised in a subprocess by the tests
    raise RuntimeError(
        "openpyxl does not use defusedxml (package missing or OPENPYXL_DEFUSEDXML=False): "
        "reading workbooks would be open to XML entity bombs, so aapdesk.imports refuses to load."
    )


class ImportFileError(Exception):
    """A file that cannot be imported; ``str(exc)`` is a French message for the user.

    The message never contains cell contents nor the file's path (personal data). ``detail``
    names, for diagnosis, the type of the low-level error behind a "damaged file" message.
    """

    def __init__(self, message: str, *, detail: str | None = None) -> None:
        super().__init__(message)
        self.detail = detail


@dataclass(frozen=True)
class Limits:
    """What an import accepts; tests pass smaller ones rather than writing huge files."""

    max_file_bytes: int = 20 * 1024 * 1024
    max_rows: int = 50_000  # non-empty rows, the header included
    max_columns: int = 200
    max_uncompressed_bytes: int = 200 * 1024 * 1024  # sum of a zip's members
    max_compression_ratio: int = 200  # per member, for members > 1 MiB uncompressed
    max_cell_chars: int = 32_767  # Excel's own limit for a cell
    max_zip_members: int = 10_000


RawValue = str | int | float | datetime | date | time | timedelta | bool | None
"""As openpyxl gives them (timedelta for cells formatted as durations, ``[h]:mm``); CSV gives
``str`` or ``None``. Excel error values (``#N/A``...) arrive as strings."""


@dataclass(frozen=True)
class RawRow:
    """One non-empty row of the file."""

    #: The row number shown by Excel, or the CSV line where the record starts (1-based).
    number: int
    values: tuple[RawValue, ...]


@dataclass(frozen=True)
class RawTable:
    """What was read, and how (format, sheet, encoding, delimiter, date system)."""

    #: Every non-empty row in order, trailing empty cells stripped; empty rows are omitted.
    rows: tuple[RawRow, ...]
    format: str  # "xlsx" or "csv"
    sheet: str | None  # the sheet read (xlsx)
    sheets: tuple[str, ...]  # every worksheet name (xlsx), () for csv
    encoding: str | None  # csv: "utf-8", "utf-8-sig", "cp1252" or "utf-16"
    delimiter: str | None  # csv: ";", ",", "\t" (or what the caller or a "sep=" line chose)
    date1904: bool  # xlsx workbook using the 1904 date system (for numeric date serials)


# --- French messages -------------------------------------------------------------------------

ACCEPTED = "importez un classeur .xlsx ou .xlsm, ou un fichier .csv"
MSG_EMPTY = "le fichier est vide"
MSG_PROGRAM = f"ce fichier est un programme, pas un tableau : {ACCEPTED}"
MSG_UNKNOWN = f"format non reconnu : {ACCEPTED}"
MSG_OLE = ("classeur protégé par mot de passe ou ancien format Excel 97-2003 (.xls) : ouvrez-le "
           "dans Excel et enregistrez-le au format .xlsx, sans mot de passe")
MSG_NOT_WORKBOOK = f"ce fichier compressé n'est pas un classeur Excel (.xlsx) : {ACCEPTED}"
MSG_ODS = ("classeur LibreOffice ou OpenOffice (.ods) : ouvrez-le et enregistrez-le au format "
           "Excel .xlsx")
MSG_XLSB = "classeur Excel binaire (.xlsb) : ouvrez-le dans Excel et enregistrez-le au format .xlsx"
MSG_MARKUP = ("ce fichier est une page web ou un document XML, pas un tableau : ouvrez-le dans Excel "
              "et enregistrez-le au format .xlsx")
MSG_ZIP_DAMAGED = ("classeur endommagé ou incomplet : le fichier compressé est illisible ; ouvrez-le "
                   "dans Excel et enregistrez-le à nouveau")
MSG_DAMAGED = ("classeur endommagé ou illisible : ouvrez-le dans Excel et enregistrez-le à nouveau au "
               "format .xlsx")
MSG_ENCRYPTED_ZIP = "fichier compressé protégé par mot de passe : enregistrez le classeur sans mot de passe"
MSG_XML_BOMB = "classeur refusé : il contient des constructions XML dangereuses"
MSG_SIZE_LIE = ("classeur refusé : un élément du fichier compressé est plus gros que la taille qu'il "
                "annonce (fichier piégé ou endommagé)")
MSG_NO_WORKSHEET = "le classeur ne contient aucune feuille de calcul"
MSG_MEMORY = "mémoire insuffisante pour lire ce fichier : fermez d'autres programmes et réessayez"

#: The largest sheet Excel can hold; a row number beyond it only comes from a broken or crafted file.
EXCEL_MAX_ROWS = 1_048_576
#: Central directories of real workbooks weigh a few kilobytes; zipfile needs about 4 s and
#: 100 MB to list 200,000 members, so a directory this big is refused before zipfile parses it.
MAX_CENTRAL_DIRECTORY_BYTES = 2 * 1024 * 1024
#: Members smaller than this are not checked for their compression ratio (tiny parts compress
#: very well, and cannot hurt).
RATIO_CHECK_FROM_BYTES = 1024 * 1024

NNBSP = "\u202f"  # French thousands separator, as aapdesk.formatting uses


def _n(number: int) -> str:
    return f"{number:,}".replace(",", NNBSP)


def _size(num_bytes: int) -> str:
    for unit, scale in (("Mo", 1024 * 1024), ("Ko", 1024)):
        if num_bytes >= scale:
            text = f"{num_bytes / scale:.1f}".removesuffix(".0").replace(".", ",")
            return f"{text} {unit}"
    return f"{num_bytes} octets"


def _too_many_rows(limits: Limits) -> ImportFileError:
    return ImportFileError(f"le fichier compte plus de {_n(limits.max_rows)} lignes remplies, le maximum "
                           "pour un import : répartissez les données en plusieurs fichiers")


def _too_many_columns(number: int, limits: Limits) -> ImportFileError:
    return ImportFileError(f"la ligne {number} compte plus de {_n(limits.max_columns)} colonnes remplies, "
                           "le maximum pour un import")


def _cell_too_long(number: int, limits: Limits) -> ImportFileError:
    return ImportFileError(f"la ligne {number} contient une cellule de plus de {_n(limits.max_cell_chars)} "
                           "caractères, le maximum pour un import")


# --- public entry points ---------------------------------------------------------------------

def read_table(path: Path, *, sheet: str | None = None, delimiter: str | None = None,
               encoding: str | None = None, limits: Limits = Limits()) -> RawTable:
    """Every non-empty row of the file at ``path``.

    xlsx/xlsm: ``sheet`` names the worksheet to read (exact name), ``None`` for the first
    visible one; ``delimiter`` and ``encoding`` are ignored. CSV: ``delimiter`` and ``encoding``
    override detection (encodings: ``utf-8``, ``utf-8-sig``, ``cp1252``, ``utf-16``); ``sheet``
    is ignored. Raises :class:`ImportFileError` for any file that cannot be imported, and
    ``ValueError`` for a delimiter or encoding aapdesk does not offer (a programming error).
    """
    if delimiter is not None:
        _check_delimiter(delimiter)
    if encoding is not None:
        encoding = _normalise_encoding(encoding)
    data = _read_bytes(path, limits)
    if _sniff(data) == "xlsx":
        return _read_xlsx(data, sheet, limits)
    return _read_csv(data, delimiter, encoding, limits)


def sheet_names(path: Path, limits: Limits = Limits()) -> tuple[str, ...]:
    """The worksheet names of a workbook, after the same checks as :func:`read_table`; ``()``
    for a CSV file (which is not parsed)."""
    data = _read_bytes(path, limits)
    if _sniff(data) != "xlsx":
        return ()
    _check_workbook_archive(data, limits)
    with _workbook(data) as workbook:
        return tuple(ws.title for ws in workbook.worksheets)


# --- bytes and kind --------------------------------------------------------------------------

def _read_bytes(path: Path, limits: Limits) -> bytes:
    """The whole file (at most ``max_file_bytes``), read once: every later check and openpyxl
    work on these bytes, so the file cannot change between the checks and the parsing, and it
    is not kept open (Windows would forbid the user to save it meanwhile)."""
    try:
        with open(path, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > limits.max_file_bytes:
                raise _too_big(limits)
            data = handle.read(limits.max_file_bytes + 1)
    except ImportFileError:
        raise
    except FileNotFoundError:
        raise ImportFileError("fichier introuvable : il a peut-être été déplacé ou supprimé") from None
    except IsADirectoryError:
        raise ImportFileError("c'est un dossier, pas un fichier : choisissez un fichier") from None
    except PermissionError:
        raise ImportFileError("accès au fichier refusé : il est peut-être ouvert dans un autre "
                              "programme ; fermez-le et réessayez") from None
    except OSError as exc:
        raise ImportFileError("impossible de lire le fichier", detail=type(exc).__name__) from None
    if len(data) > limits.max_file_bytes:  # grew after the stat
        raise _too_big(limits)
    if not data:
        raise ImportFileError(MSG_EMPTY)
    return data


def _too_big(limits: Limits) -> ImportFileError:
    return ImportFileError(f"le fichier dépasse {_size(limits.max_file_bytes)}, la taille maximale pour un "
                           "import : enregistrez les données en plusieurs fichiers")


_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")  # a zip with members / an empty zip
_OLE_MAGIC = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"
_PROGRAM_MAGICS = (b"\x7fELF", b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf", b"\xce\xfa\xed\xfe",
                   b"\xcf\xfa\xed\xfe", b"\xca\xfe\xba\xbe")
_OTHER_BINARY_MAGICS = (b"%PDF-", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"\x1f\x8b",
                        b"7z\xbc\xaf\x27\x1c", b"Rar!\x1a\x07", b"{\\rtf")
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def _sniff(data: bytes) -> str:
    """"xlsx" or "csv" from the first bytes; refuses the kinds aapdesk cannot read."""
    if data.startswith(_ZIP_MAGICS):
        return "xlsx"
    if data.startswith(_OLE_MAGIC):
        raise ImportFileError(MSG_OLE)
    # "MZ" starts Windows programs, but also, rarely, a text line: a program has NUL bytes.
    if data.startswith(_PROGRAM_MAGICS) or (data.startswith(b"MZ") and b"\x00" in data[:4096]):
        raise ImportFileError(MSG_PROGRAM)
    if data.startswith(_OTHER_BINARY_MAGICS):
        raise ImportFileError(MSG_UNKNOWN)
    # A NUL is never in text except UTF-16 (which has a BOM when aapdesk can read it).
    if b"\x00" in data and not data.startswith(_UTF16_BOMS):
        raise ImportFileError(MSG_UNKNOWN)
    return "csv"


# --- xlsx: the zip container -----------------------------------------------------------------

#: ECMA-376 Part 2 (Open Packaging Conventions) forbids DTDs in package XML precisely because of
#: entity expansion, and tells readers to treat one as an error [M1.18]; the XML is UTF-8 or
#: UTF-16 [M1.17]. So a real workbook never trips this.
_DOCTYPE_MARKERS = tuple(marker.encode(encoding) for marker in ("<!DOCTYPE", "<!ENTITY")
                         for encoding in ("utf-8", "utf-16-le", "utf-16-be"))
#: A DTD can only sit in the prolog, before the root element: this much of a member is searched.
PROLOG_SCAN_BYTES = 64 * 1024


def _check_workbook_archive(data: bytes, limits: Limits) -> None:
    """Refuse a zip that is not a workbook or could explode once inflated (see module docstring)."""
    _check_central_directory_size(data, limits)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except Exception as exc:  # noqa: BLE001 - any failure to list a user's zip means "damaged"
        raise ImportFileError(MSG_ZIP_DAMAGED, detail=type(exc).__name__) from None
    with archive:
        if len(infos) > limits.max_zip_members:
            raise ImportFileError(f"classeur refusé : il contient plus de {_n(limits.max_zip_members)} "
                                  "éléments compressés")
        names = {info.filename.lower() for info in infos}  # part names are case-insensitive [M1.12]
        if "[content_types].xml" not in names or "xl/workbook.xml" not in names:
            if "mimetype" in names and _member_startswith(archive, "mimetype",
                                                          b"application/vnd.oasis.opendocument"):
                raise ImportFileError(MSG_ODS)
            if "xl/workbook.bin" in names:
                raise ImportFileError(MSG_XLSB)
            raise ImportFileError(MSG_NOT_WORKBOOK)
        if any(info.flag_bits & 0x1 for info in infos):
            raise ImportFileError(MSG_ENCRYPTED_ZIP)
        if any(info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) for info in infos):
            raise ImportFileError(MSG_DAMAGED, detail="compression")
        if sum(info.file_size for info in infos) > limits.max_uncompressed_bytes:
            raise ImportFileError(f"classeur refusé : une fois décompressé, il dépasserait "
                                  f"{_size(limits.max_uncompressed_bytes)}")
        for info in infos:
            if info.file_size > RATIO_CHECK_FROM_BYTES and (
                    info.file_size > limits.max_compression_ratio * max(info.compress_size, 1)):
                raise ImportFileError(f"classeur refusé : un de ses éléments est compressé plus de "
                                      f"{limits.max_compression_ratio} fois, signe d'un fichier piégé")
        for info in infos:
            _inflate_and_check(archive, info)


def _check_central_directory_size(data: bytes, limits: Limits) -> None:
    """Refuse, from the end-of-central-directory record, a zip listing too many members, before
    zipfile builds an object per member. Anything unexpected is left to zipfile to judge."""
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - 65_557))
    if end < 0 or end + 22 > len(data):
        return
    entries, directory_size, _, comment_length = struct.unpack_from("<HIIH", data, end + 10)
    if end + 22 + comment_length != len(data):  # the signature seen was inside a comment
        return
    locator = end - 20
    if (entries == 0xFFFF or directory_size == 0xFFFFFFFF) and locator >= 0 \
            and data[locator:locator + 4] == b"PK\x06\x07":
        (record,) = struct.unpack_from("<Q", data, locator + 8)
        if record + 56 <= len(data) and data[record:record + 4] == b"PK\x06\x06":
            entries, directory_size = struct.unpack_from("<QQ", data, record + 32)
    if entries > limits.max_zip_members or directory_size > MAX_CENTRAL_DIRECTORY_BYTES:
        raise ImportFileError(f"classeur refusé : il contient plus de {_n(limits.max_zip_members)} "
                              "éléments compressés")


def _member_startswith(archive: zipfile.ZipFile, name: str, prefix: bytes) -> bool:
    try:
        with archive.open(name) as member:
            return member.read(len(prefix)) == prefix
    except Exception:  # noqa: BLE001 - only a hint for a better message
        return False


def _inflate_and_check(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """Inflate one member by 64 KiB chunks, refusing it if it holds more than it declares, fails
    its CRC, or starts with a DTD (XML parts)."""
    if info.is_dir():
        return
    probe = copy.copy(info)
    probe.file_size = info.file_size + 1  # zipfile stops at file_size: ask one byte more
    # zipfile would check the CRC of those file_size + 1 bytes and call a lying member merely
    # damaged; without a reference CRC it checks nothing, and the CRC is checked below instead.
    probe.CRC = None
    is_xml = info.filename.lower().endswith((".xml", ".rels"))
    total = 0
    crc = 0
    prolog = b""
    try:
        with archive.open(probe) as member:
            while chunk := member.read(64 * 1024):
                total += len(chunk)
                if total > info.file_size:
                    raise ImportFileError(MSG_SIZE_LIE)
                crc = zlib.crc32(chunk, crc)
                if is_xml and len(prolog) < PROLOG_SCAN_BYTES:
                    prolog += chunk[:PROLOG_SCAN_BYTES - len(prolog)]
    except ImportFileError:
        raise
    except Exception as exc:  # noqa: BLE001 - truncated stream, zlib error...
        raise ImportFileError(MSG_ZIP_DAMAGED, detail=type(exc).__name__) from None
    if total != info.file_size or crc != info.CRC:
        raise ImportFileError(MSG_ZIP_DAMAGED, detail="size" if total != info.file_size else "crc")
    if is_xml and any(marker in prolog for marker in _DOCTYPE_MARKERS):
        raise ImportFileError(MSG_XML_BOMB)


# --- xlsx: the cells -------------------------------------------------------------------------

@contextmanager
def _workbook_errors() -> Iterator[None]:
    """Whatever openpyxl raises on a damaged file becomes a French refusal, never a traceback."""
    try:
        yield
    except ImportFileError:
        raise
    except Exception as exc:  # noqa: BLE001 - openpyxl raises anything from KeyError to zlib.error
        if _caused_by(exc, defusedxml.DefusedXmlException):
            raise ImportFileError(MSG_XML_BOMB) from None
        if _caused_by(exc, MemoryError):
            raise ImportFileError(MSG_MEMORY) from None
        raise ImportFileError(MSG_DAMAGED, detail=type(exc).__name__) from None


def _caused_by(exc: BaseException, kind: type[BaseException]) -> bool:
    """Whether ``exc`` or one of its causes is a ``kind``: openpyxl wraps what fails while it
    loads the sheets in a ValueError ("Unable to read workbook")."""
    seen = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, kind):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False


@contextmanager
def _workbook(data: bytes) -> Iterator[openpyxl.Workbook]:
    # Warnings (unsupported extensions, out-of-range dates...) would only reach the console.
    with _workbook_errors(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # read_only streams the sheets; data_only gives formulas' cached values; macros are
        # neither kept nor run (openpyxl never runs them), external links are not loaded.
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True,
                                          keep_vba=False, keep_links=False)
        try:
            yield workbook
        finally:
            workbook.close()


def _read_xlsx(data: bytes, sheet: str | None, limits: Limits) -> RawTable:
    _check_workbook_archive(data, limits)
    with _workbook(data) as workbook:
        worksheets = workbook.worksheets  # chartsheets have no cells: not offered
        names = tuple(ws.title for ws in worksheets)
        if not worksheets:
            raise ImportFileError(MSG_NO_WORKSHEET)
        if sheet is None:
            # The first tab the user sees: templates often hide a "listes" sheet.
            visible = [ws for ws in worksheets if getattr(ws, "sheet_state", "visible") == "visible"]
            worksheet = (visible or worksheets)[0]
        else:
            matches = [ws for ws in worksheets if ws.title == sheet]
            if not matches:
                listed = ", ".join(f"« {name} »" for name in names)
                raise ImportFileError(f"la feuille « {sheet} » n'existe pas dans ce classeur ; "
                                      f"feuilles présentes : {listed}")
            worksheet = matches[0]
        rows = tuple(_xlsx_rows(worksheet, limits))
        return RawTable(rows=rows, format="xlsx", sheet=worksheet.title, sheets=names, encoding=None,
                        delimiter=None, date1904=workbook.epoch == CALENDAR_MAC_1904)


def _xlsx_rows(worksheet, limits: Limits) -> Iterator[RawRow]:
    # The <dimension> a file declares is often wrong (some writers put "A1"), and read-only
    # openpyxl would cut or pad every row to it: read the cells actually present instead.
    worksheet.reset_dimensions()
    cell_budget = limits.max_rows * limits.max_columns
    cells_seen = 0
    kept = 0
    # openpyxl yields one tuple per row number from 1, empty ones for missing rows, so the
    # position is the row number Excel shows.
    for number, raw in enumerate(worksheet.iter_rows(values_only=True), start=1):
        if number > EXCEL_MAX_ROWS:
            raise ImportFileError(MSG_DAMAGED, detail="row number")
        cells_seen += len(raw)
        if len(raw) > limits.max_columns:
            beyond = raw[limits.max_columns:]
            if beyond.count(None) + beyond.count("") != len(beyond):
                raise _too_many_columns(number, limits)
            if cells_seen > cell_budget:
                raise ImportFileError(
                    f"le classeur contient trop de cellules (plus de {_n(cell_budget)}), souvent des "
                    "cellules vides mais mises en forme très loin à droite : supprimez les colonnes "
                    "inutilisées et réessayez")
            raw = raw[:limits.max_columns]
        values = _clean(raw, number, limits)
        if values:
            kept += 1
            if kept > limits.max_rows:
                raise _too_many_rows(limits)
            yield RawRow(number, values)


def _clean(raw: Sequence[RawValue], number: int, limits: Limits) -> tuple[RawValue, ...]:
    """Empty strings become None, trailing empty cells go; over-long cells are refused."""
    values = [None if value == "" else value for value in raw]
    end = len(values)
    while end and values[end - 1] is None:
        end -= 1
    for value in values[:end]:
        if type(value) is str and len(value) > limits.max_cell_chars:
            raise _cell_too_long(number, limits)
    if end > limits.max_columns:
        raise _too_many_columns(number, limits)
    return tuple(values[:end])


# --- csv -------------------------------------------------------------------------------------

_ENCODINGS = ("utf-8", "utf-8-sig", "cp1252", "utf-16")
_ENCODING_LABELS = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8", "cp1252": "Windows-1252 (ANSI)",
                    "utf-16": "UTF-16"}
#: Tie-break order when two delimiters split the sample equally well: ";" is what French Excel
#: writes; a tab is rarer inside a cell than a comma (French decimals, "Nom, prénom").
_DELIMITERS = (";", "\t", ",")
#: Records looked at to choose a delimiter.
SNIFF_RECORDS = 50
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")
_SEP_LINE = re.compile(r'sep=([^"\r\n])(?:\r\n|\r|\n|\Z)')
_MARKUP_STARTS = ("<!doctype html", "<html", "<?xml", "<table")


def _cp1252_c1(error: UnicodeDecodeError) -> tuple[str, int]:
    """cp1252 leaves 0x81 0x8D 0x8F 0x90 0x9D undefined; decode them as the C1 control
    characters of the same code (U+0081...), as Windows and the WHATWG encoding standard do,
    so the text keeps every byte and the next layer can flag the odd character."""
    undefined = error.object[error.start:error.end]
    return "".join(chr(byte) for byte in undefined), error.end


codecs.register_error("aapdesk.cp1252_c1", _cp1252_c1)


def _check_delimiter(delimiter: str) -> None:
    if len(delimiter) != 1 or delimiter in '"\r\n':
        raise ValueError("a CSV delimiter is one character, neither a quote nor a line break")


def _normalise_encoding(encoding: str) -> str:
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        name = encoding
    if name not in _ENCODINGS:
        raise ValueError(f"unsupported CSV encoding {encoding!r}; one of {', '.join(_ENCODINGS)}")
    return name


def _decode(data: bytes, encoding: str | None) -> tuple[str, str]:
    """The text and the encoding used: the caller's, else BOM, else strict UTF-8, else cp1252.

    UTF-8 is tried strictly first because French cp1252 text is almost never valid UTF-8 (an
    accented letter is one byte followed by ASCII), while UTF-8 read as cp1252 would silently
    give "Ã©" for "é". The reverse mistake needs cp1252 text like "Ã©", which French never has.
    """
    if encoding is None:
        if data.startswith(codecs.BOM_UTF8):
            encoding = "utf-8-sig"
        elif data.startswith(_UTF16_BOMS):
            encoding = "utf-16"
        else:
            try:
                return data.decode("utf-8"), "utf-8"
            except UnicodeDecodeError:
                return data.decode("cp1252", errors="aapdesk.cp1252_c1"), "cp1252"
    try:
        if encoding == "cp1252":
            return data.decode("cp1252", errors="aapdesk.cp1252_c1"), encoding
        # A BOM is never part of the first cell, even when the caller said plain "utf-8".
        codec = "utf-8-sig" if encoding == "utf-8" else encoding
        return data.decode(codec), encoding
    except UnicodeDecodeError:
        raise ImportFileError(f"le fichier ne peut pas être lu comme un texte {_ENCODING_LABELS[encoding]} : "
                              "choisissez un autre encodage") from None


def _lines(text: str, start: int) -> Iterator[str]:
    """The text's lines with their terminators (\\r\\n, \\n or \\r), lazily: io.StringIO would copy
    the whole text at four bytes per character first."""
    return (match.group() for match in _LINE.finditer(text, start))


def _read_csv(data: bytes, delimiter: str | None, encoding: str | None, limits: Limits) -> RawTable:
    text, encoding = _decode(data, encoding)
    if "\x00" in text:
        raise ImportFileError(MSG_UNKNOWN)
    if text[:1000].lstrip()[:20].lower().startswith(_MARKUP_STARTS):
        raise ImportFileError(MSG_MARKUP)
    # Excel writes and honours a first line "sep=;" naming the delimiter.
    start, first_line = 0, 1
    sep_line = _SEP_LINE.match(text)
    if sep_line:
        start, first_line = sep_line.end(), 2
        delimiter = delimiter or sep_line.group(1)
    if delimiter is None:
        delimiter = _detect_delimiter(text, start)
    rows = tuple(_csv_rows(text, start, first_line, delimiter, limits))
    return RawTable(rows=rows, format="csv", sheet=None, sheets=(), encoding=encoding,
                    delimiter=delimiter, date1904=False)


def _detect_delimiter(text: str, start: int) -> str:
    """The candidate splitting the first records into the most consistent number (> 1) of
    columns. Parsing is strict, so a candidate that makes quotes misplaced is out: with the
    wrong delimiter, a quoted field is usually followed by something else than a delimiter."""
    best, best_score = ";", 0.0
    for candidate in _DELIMITERS:
        widths = []
        reader = csv.reader(_lines(text, start), delimiter=candidate, strict=True)
        try:
            for record in reader:
                if record:  # a line of bare delimiters (";;;") is evidence too
                    widths.append(len(record))
                if len(widths) >= SNIFF_RECORDS or reader.line_num > 20 * SNIFF_RECORDS:
                    break
        except csv.Error:
            continue
        if not widths:
            continue
        width, count = Counter(widths).most_common(1)[0]
        score = count / len(widths)
        if width > 1 and score > best_score:
            best, best_score = candidate, score
    return best


def _csv_rows(text: str, start: int, first_line: int, delimiter: str, limits: Limits) -> Iterator[RawRow]:
    # strict: an unterminated quote is an error ("unexpected end of data") instead of the rest
    # of the file silently becoming one cell, and so is `"ab"c` (a quote closed too early).
    reader = csv.reader(_lines(text, start), delimiter=delimiter, strict=True)
    offset = first_line - 1
    lines_before = 0
    kept = 0
    records = 0
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise _csv_error(str(exc), offset + lines_before + 1, offset + reader.line_num, limits) from None
        number = offset + lines_before + 1
        lines_before = reader.line_num
        records += 1
        if records > EXCEL_MAX_ROWS:  # blank lines do not count as rows, but cost time
            raise ImportFileError(f"le fichier compte plus de {_n(EXCEL_MAX_ROWS)} lignes, plus qu'une "
                                  "feuille Excel ne peut en contenir")
        if not record:
            continue
        if max(map(len, record)) > limits.max_cell_chars:
            raise _cell_too_long(number, limits)
        values = [value if value else None for value in record]
        end = len(values)
        while end and values[end - 1] is None:
            end -= 1
        if not end:
            continue
        if end > limits.max_columns:
            raise _too_many_columns(number, limits)
        kept += 1
        if kept > limits.max_rows:
            raise _too_many_rows(limits)
        yield RawRow(number, tuple(values[:end]))


def _csv_error(reason: str, record_line: int, current_line: int, limits: Limits) -> ImportFileError:
    if "unexpected end of data" in reason:
        return ImportFileError(f"guillemet non fermé : le texte entre guillemets commencé à la ligne "
                               f"{record_line} continue jusqu'à la fin du fichier")
    if "field larger than field limit" in reason:
        return ImportFileError(f"la ligne {record_line} contient une cellule de plus de "
                               f"{_n(limits.max_cell_chars)} caractères (peut-être un guillemet non fermé)")
    if "expected after" in reason:
        return ImportFileError(f"ligne {current_line} : guillemet mal placé ; un texte entre guillemets "
                               "doit être suivi du séparateur ou de la fin de la ligne")
    return ImportFileError(f"fichier CSV mal formé à la ligne {current_line}", detail="csv")
