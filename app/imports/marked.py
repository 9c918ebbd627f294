"""The workbooks an import writes (openpyxl): the template of a kind, and a refused file
given back as the officials' own workbook with the errors marked.

The template: one sheet whose header row is the kind's columns (a required one marked
``*``), each header with a comment saying what the column takes; a list to pick from where
the values are a choice or yes/no; text format where a code or an identity number would
otherwise lose its digits; a second sheet describing every column.

The marked copy: the file's own workbook, every other sheet and its formatting kept; the
sheet read gets an error column (row, column, reason in Chinese) and each bad cell a fill
and a comment; a sheet ``导入错误`` lists every error (行 / 列 / 原因 / reason). A CSV file
comes back as a workbook of its rows, marked the same way.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from app.imports.kinds import Column, ImportKind
from app.imports.run import ImportRefused, RowError
from app.imports.sheet import CSV, decode_csv
from app.schemas import Code, Flag, IdentityNumber, Text
from domain.fields import ARGUMENTS

AUTHOR = "zhucun"
BOLD = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
ERROR_FILL = PatternFill("solid", fgColor="FFC7CE")  # Excel's own "bad" red
ERROR_FONT = Font(color="9C0006", bold=True)
ERROR_HEADER = "导入错误（行·列·原因）"
ERROR_SHEET = "导入错误"
TEMPLATE_ROWS = 1000  # rows given the pick lists
# An argument's name as a refusal adds it after the label ("家庭人口（members）"): officials
# read the label alone, as the web's forms show it (web/form_errors.py).
_NAMES = "|".join(sorted((re.escape(n) for n in ARGUMENTS), key=len, reverse=True))
_KEYS = {"zh": re.compile(f"（(?:{_NAMES})）"), "en": re.compile(rf" \((?:{_NAMES})\)")}


def without_names(text: str, lang: str) -> str:
    """A refusal's words without the argument names after its labels."""
    return _KEYS["zh" if lang == "zh" else "en"].sub("", text)


def template(kind: ImportKind, lang: str = "zh") -> bytes:
    """The kind's template workbook, headed in ``lang`` (zh or en)."""
    wb = Workbook()
    ws = wb.active
    ws.title = kind.zh if lang == "zh" else kind.en[:31]
    lists = wb.create_sheet("选项" if lang == "zh" else "choices")
    lists.sheet_state = "hidden"
    for i, column in enumerate(kind.columns, 1):
        letter = get_column_letter(i)
        cell = ws.cell(1, i, column.header(lang) + ("*" if column.required else ""))
        cell.font, cell.fill = BOLD, HEADER_FILL
        cell.comment = Comment(_hint(column, lang), AUTHOR, width=320, height=140)
        ws.column_dimensions[letter].width = max(14, 2 * len(column.zh) + 4)
        options = _options(column, lang)
        if options:
            for j, option in enumerate(options, 1):
                lists.cell(j, i, option)
            dv = DataValidation(
                type="list",
                formula1=f"'{lists.title}'!${letter}$1:${letter}${len(options)}",
                allow_blank=True,
            )
            dv.error = "请从列表中选择" if lang == "zh" else "pick a value from the list"
            dv.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")
            ws.add_data_validation(dv)
        # The column's own format (no cell is made, so rows typed or appended start at 2):
        # a code or an identity number typed there stays text, all its digits kept.
        if isinstance(column.arg, Code | IdentityNumber | Text):
            ws.column_dimensions[letter].number_format = "@"
        elif column.name == "occurred_on":
            ws.column_dimensions[letter].number_format = "yyyy-mm-dd"
    ws.freeze_panes = "A2"
    about = wb.create_sheet("说明" if lang == "zh" else "about")
    heads = (
        ("列", "必填", "格式", "column", "format")
        if lang == "zh"
        else ("column", "required", "format")
    )
    about.append(heads)
    for c in about[1]:
        c.font, c.fill = BOLD, HEADER_FILL
    for column in kind.columns:
        if lang == "zh":
            about.append(
                (
                    column.zh,
                    "是" if column.required else "否",
                    _rule(column, "zh"),
                    column.en,
                    _rule(column, "en"),
                )
            )
        else:
            about.append((column.en, "yes" if column.required else "no", _rule(column, "en")))
    about.column_dimensions["A"].width = 16
    about.column_dimensions["C"].width = 60
    return _bytes(wb)


def _rule(column: Column, lang: str) -> str:
    if column.arg is not None:
        return column.arg.rule(column.name, lang)
    if column.name == "occurred_on":
        return (
            "日期 YYYY-MM-DD；空则为导入时指定的日期"
            if lang == "zh"
            else ("date YYYY-MM-DD; blank: the date given to the import")
        )
    return "文字；空则为导入时指定的事由" if lang == "zh" else "text; blank: the import's reason"


def _hint(column: Column, lang: str) -> str:
    need = (
        ("必填" if column.required else "选填")
        if lang == "zh"
        else ("required" if column.required else "optional")
    )
    return f"{column.header(lang)}（{need}）\n{_rule(column, lang)}"


def _options(column: Column, lang: str) -> list[str]:
    if isinstance(column.arg, Flag):
        return ["是", "否"] if lang == "zh" else ["yes", "no"]
    return [zh if lang == "zh" else en for _, zh, en in column.choices]


def marked_copy(refused: ImportRefused, filename: str, content: bytes) -> bytes:
    """The refused file as a workbook with its errors marked (see the module's docstring)."""
    table = refused.table
    if table.fmt == CSV:
        wb = Workbook()
        ws = wb.active
        ws.title = refused.kind.zh
        for r, row in enumerate(csv.reader(io.StringIO(decode_csv(content))), 1):
            for c, value in enumerate(row, 1):
                # Kept as text: a value beginning with "=" is what was typed, not a formula.
                ws.cell(r, c, value).data_type = "s"
    else:
        wb = load_workbook(io.BytesIO(content))
        ws = wb.worksheets[0]
    mark(ws, table.header_row, refused.errors, len(table.columns))
    listing = wb.create_sheet(_free_title(wb, ERROR_SHEET))
    listing.append(("行", "列", "原因", "reason"))
    for c in listing[1]:
        c.font, c.fill = BOLD, HEADER_FILL
    for e in refused.errors:
        listing.append(
            (e.row, _column_words(e), without_names(e.zh, "zh"), without_names(e.en, "en"))
        )
    listing.column_dimensions["B"].width = 18
    listing.column_dimensions["C"].width = 60
    listing.column_dimensions["D"].width = 60
    return _bytes(wb)


def mark(ws: Any, header_row: int, errors: Iterable[RowError], width: int) -> None:
    """The error column after the file's last column, and each bad cell filled and noted."""
    at = max(ws.max_column, width) + 1
    head = ws.cell(header_row, at, ERROR_HEADER)
    head.font, head.fill = ERROR_FONT, ERROR_FILL
    ws.column_dimensions[get_column_letter(at)].width = 60
    by_row: dict[int, list[RowError]] = {}
    for e in errors:
        by_row.setdefault(e.row, []).append(e)
    for row, found in by_row.items():
        text = "\n".join(
            f"第 {row} 行 {_column_words(e)}：{without_names(e.zh, 'zh')}" for e in found
        )
        cell = ws.cell(row, at, text)
        cell.data_type = "s"
        cell.font = ERROR_FONT
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        for e in found:
            if e.column is None:
                continue
            bad = ws.cell(row, e.column)
            bad.fill = ERROR_FILL
            note = f"{without_names(e.zh, 'zh')}\n{without_names(e.en, 'en')}"
            if bad.comment is not None:
                note = f"{bad.comment.text}\n{note}"
            bad.comment = Comment(note, AUTHOR, width=320, height=120)


def _column_words(e: RowError) -> str:
    if e.column is None:
        return "（整行）"
    return f"第 {get_column_letter(e.column)} 列" + (
        f"（{e.column_label}）" if e.column_label else ""
    )


def _free_title(wb: Any, title: str) -> str:
    n, name = 1, title
    while name in wb.sheetnames:
        n += 1
        name = f"{title}{n}"
    return name


def _bytes(wb: Any) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
