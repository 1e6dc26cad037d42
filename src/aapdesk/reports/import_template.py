"""The import workbook: one sheet per import kind with aapdesk's column headers, a notes row
saying what each column accepts, and Excel drop-down lists where a column takes a list of
values. Empty, it is the template people fill from their own sheets; filled with an
operation's data, it is an export that imports back unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any, BinaryIO

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from aapdesk.domain.imports import NOTE_MARK, FieldSpec, FieldType, ImportKind
from aapdesk.domain.periods import YearMonth
from aapdesk.reports.xlsx_common import (
    DATE_FORMAT,
    HEADER_FILL,
    HEADER_FONT,
    neutralise,
)

LISTS_SHEET = "Listes"
NOTE_FONT = Font(italic=True, color="52606D", size=9)
NOTE_FILL = PatternFill("solid", fgColor="EEF2F7")
REQUIRED_MARK = "*"
#: Drop-down lists cover this many rows below the header (Excel applies them to a fixed range).
VALIDATED_ROWS = 5000


def choice_text(spec: FieldSpec, code: str) -> str:
    """How a list value is written in the template and in exports (and read back by the import)."""
    if spec.name in ("niveau_formation", "prescripteur"):
        return f"{code} - {spec.choices[code]}"
    if spec.name in ("type_sortie", "fonction"):
        return spec.choices[code]
    return code


def _list_values(spec: FieldSpec) -> list[str]:
    if spec.type is FieldType.BOOL:
        return ["oui", "non"]
    if spec.type is FieldType.SEXE:
        return ["F", "M"]
    if spec.type is FieldType.CHOICE:
        return [choice_text(spec, code) for code in spec.choices]
    return []


def write_import_workbook(handle: BinaryIO, kinds: Sequence[ImportKind],
                          rows: Mapping[str, Sequence[Sequence[Any]]] | None = None, *, intro: str = "") -> None:
    """Write the workbook; ``rows[kind.code]`` are values in the order of ``kind.fields``."""
    wb = Workbook()
    wb.remove(wb.active)
    lists_ws = wb.create_sheet(LISTS_SHEET)
    list_columns: dict[tuple[str, ...], str] = {}
    for kind in kinds:
        ws = wb.create_sheet(kind.code)
        for col, spec in enumerate(kind.fields, start=1):
            header = ws.cell(row=1, column=col, value=spec.name + (REQUIRED_MARK if spec.required else ""))
            header.font, header.fill = HEADER_FONT, HEADER_FILL
            note = f"{NOTE_MARK} {spec.label}" + (" (obligatoire)" if spec.required else "") + (
                f" : {spec.note}" if spec.note else "")
            if col == 1 and kind.note:  # what a row is, on the first header: hovering shows it
                header.comment = Comment(kind.note, "aapdesk", width=320, height=110)
            cell = ws.cell(row=2, column=col, value=neutralise(note))
            cell.font, cell.fill = NOTE_FONT, NOTE_FILL
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            ws.column_dimensions[get_column_letter(col)].width = max(16, min(30, len(spec.label) + 6))
            values = _list_values(spec)
            if values:
                key = tuple(values)
                if key not in list_columns:
                    list_col = get_column_letter(len(list_columns) + 1)
                    lists_ws.cell(row=1, column=len(list_columns) + 1, value=spec.label)
                    for i, value in enumerate(values, start=2):
                        lists_ws.cell(row=i, column=len(list_columns) + 1, value=neutralise(value))
                    list_columns[key] = f"{LISTS_SHEET}!${list_col}$2:${list_col}${len(values) + 1}"
                letter = get_column_letter(col)
                validation = DataValidation(type="list", formula1=f"={list_columns[key]}", allow_blank=True,
                                            showErrorMessage=True, errorTitle=spec.label,
                                            error="Choisissez une valeur de la liste.")
                validation.add(f"{letter}3:{letter}{VALIDATED_ROWS + 2}")
                ws.add_data_validation(validation)
        ws.row_dimensions[2].height = 90
        ws.freeze_panes = "A3"
        ws.page_setup.orientation = "landscape"
        for r, values in enumerate((rows or {}).get(kind.code, ()), start=3):
            for col, (spec, value) in enumerate(zip(kind.fields, values), start=1):
                _write_value(ws.cell(row=r, column=col), spec, value)
    lists_ws.sheet_state = "hidden"
    if intro:
        wb.properties.description = intro
    wb.properties.creator = "aapdesk"
    wb.properties.title = "Import aapdesk"
    wb.active = 1 if len(wb.worksheets) > 1 else 0
    wb.save(handle)


def _write_value(cell: Any, spec: FieldSpec, value: Any) -> None:
    if value is None or value == "":
        return
    if isinstance(value, bool):
        cell.value = "oui" if value else "non"
    elif isinstance(value, YearMonth):
        cell.value = f"{value.year:04d}-{value.month:02d}"
    elif isinstance(value, date):
        cell.value, cell.number_format = value, DATE_FORMAT
    elif isinstance(value, Decimal):
        cell.value = int(value) if value == value.to_integral_value() and spec.type is not FieldType.MONEY else float(value)
        if spec.type is FieldType.MONEY:
            cell.number_format = "#,##0.00"
    elif isinstance(value, (int, float)):
        cell.value = value
    else:
        text = str(value)
        if spec.type is FieldType.CHOICE and text in spec.choices:
            text = choice_text(spec, text)
        cell.value = neutralise(text)
        cell.data_type = "s"  # a code postal or an identifier stays text
