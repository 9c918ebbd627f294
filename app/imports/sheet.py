"""Reading an import file into rows: a workbook's first sheet (openpyxl, read-only) or a CSV
file (UTF-8 with or without a byte order mark, or GB18030 as Excel in China saves it), its
first non-empty row the headers, each later row's cells by column as the command's
arguments would have them.

Anything that is not such a file is refused by name: not a workbook, not text in either
encoding, headers that name no column or one twice, a required column missing, too many rows.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from python_calamine import CalamineError, CalamineWorkbook

from app.args import FULL_WIDTH_DIGITS
from app.imports.kinds import Column, ImportKind, column_by_header, header_key
from app.schemas import Choice, Choices, Code, Day, Flag, Integer, Text
from domain.errors import InvalidInputError

MAX_ROWS = 200_000  # a county's households, twice over
MAX_COLUMNS = 100
MAX_BYTES = 100 * 1024 * 1024
XLSX, CSV = "xlsx", "csv"


@dataclass
class Table:
    """A file's rows: each row's number in the file (1-based, as a spreadsheet shows it) and
    its values by column name; the headers' columns by position."""

    fmt: str
    header_row: int
    columns: list[Column | None]  # by position; None: a column the import ignores (blank)
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    sheet: str = ""

    def position(self, name: str) -> int | None:
        """The 1-based position of column ``name``, if the file has it."""
        for i, c in enumerate(self.columns, 1):
            if c is not None and c.name == name:
                return i
        return None


def file_refused(zh: str, en: str) -> InvalidInputError:
    return InvalidInputError("file", zh, en)


def format_of(filename: str, content: bytes) -> str:
    """``xlsx`` or ``csv``, from the file's name, checked against its first bytes."""
    name = filename.lower().strip()
    if len(content) > MAX_BYTES:
        raise file_refused(
            f"文件过大：至多 {MAX_BYTES // 1024 // 1024} MB",
            f"the file is too large: at most {MAX_BYTES // 1024 // 1024} MB",
        )
    if name.endswith(".xlsx"):
        if not content.startswith(b"PK\x03\x04"):
            raise file_refused(
                "不是有效的 Excel 工作簿（.xlsx）", "not a valid Excel workbook (.xlsx)"
            )
        return XLSX
    if name.endswith(".csv") or name.endswith(".txt"):
        return CSV
    raise file_refused(
        "只接受 .xlsx 工作簿或 .csv 文件（旧版 .xls 请另存为 .xlsx）",
        "only .xlsx workbooks or .csv files are taken (save an old .xls as .xlsx)",
    )


def decode_csv(content: bytes) -> str:
    """The text of a CSV file: UTF-8 (a byte order mark dropped), else GB18030; anything
    that is neither, or holds control characters, is refused."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            continue
        bad = next(
            (ch for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\t\r\n"), None
        )
        if bad is None:
            return text
        break
    raise file_refused(
        "无法识别的文件编码：CSV 文件应为 UTF-8 或 GB18030（GBK）编码的文字",
        "unreadable encoding: a CSV file must be text in UTF-8 or GB18030 (GBK)",
    )


def raw_rows(fmt: str, content: bytes) -> tuple[str, Iterator[Sequence[Any]]]:
    """The first sheet's name and its rows of cell values, as stored (a formula's value as
    last computed). Workbooks are read by python-calamine: ten times as fast as openpyxl's
    read-only mode on the same file (bench/import_households.py, ADR 044)."""
    if fmt == CSV:
        return "", _csv_rows(decode_csv(content))
    try:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(content))
        sheet = wb.get_sheet_by_index(0)
        return wb.sheet_names[0], sheet.iter_rows()
    except (CalamineError, ValueError, IndexError):
        raise file_refused(
            "不是有效的 Excel 工作簿（.xlsx）", "not a valid Excel workbook (.xlsx)"
        ) from None


def _csv_rows(text: str) -> Iterator[Sequence[Any]]:
    try:
        yield from csv.reader(io.StringIO(text))
    except csv.Error as e:  # a field past the module's limit (128 KiB), a stray quote
        raise file_refused(
            f"CSV 文件格式有误：{str(e)[:80]}", f"the CSV file is malformed: {str(e)[:80]}"
        ) from None


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def read_table(kind: ImportKind, filename: str, content: bytes) -> Table:
    """The file's rows as values by column, each cell as its argument reads it."""
    fmt = format_of(filename, content)
    sheet, rows = raw_rows(fmt, content)
    by_header = column_by_header(kind)
    table: Table | None = None
    for number, row in enumerate(rows, 1):
        if all(_blank(v) for v in row):
            continue
        if table is None:
            table = Table(fmt, number, _headers(kind, by_header, row), sheet=sheet)
            continue
        if len(table.rows) >= MAX_ROWS:
            raise file_refused(
                f"行数过多：一个文件至多 {MAX_ROWS} 行", f"too many rows: at most {MAX_ROWS}"
            )
        values: dict[str, Any] = {}
        for column, value in zip(table.columns, row, strict=False):
            if column is not None and not _blank(value):
                values[column.name] = cell_value(column, value)
        table.rows.append((number, values))
    if table is None:
        raise file_refused("文件中没有表头，也没有数据", "the file has no header row and no rows")
    return table


def _headers(
    kind: ImportKind, by_header: dict[str, Column], row: Sequence[Any]
) -> list[Column | None]:
    if len(row) > MAX_COLUMNS:
        raise file_refused(
            f"列数过多：至多 {MAX_COLUMNS} 列", f"too many columns: at most {MAX_COLUMNS}"
        )
    columns: list[Column | None] = []
    for value in row:
        if _blank(value):
            columns.append(None)
            continue
        text = str(value)
        column = by_header.get(header_key(text))
        if column is None:
            expected = "、".join(c.zh for c in kind.columns)
            raise file_refused(
                f"表头“{text[:40]}”不是{kind.zh}导入的列；可用的列：{expected}",
                f"header {text[:40]!r} is not a column of the {kind.en} import; the columns: "
                + ", ".join(c.en for c in kind.columns),
            )
        if column in columns:
            raise file_refused(f"列“{column.zh}”出现了两次", f"column {column.en!r} appears twice")
        columns.append(column)
    missing = [c for c in kind.columns if c.required and c not in columns]
    if missing:
        raise file_refused(
            "缺少必填的列：" + "、".join(c.zh for c in missing),
            "required column(s) missing: " + ", ".join(c.en for c in missing),
        )
    return columns


def cell_value(column: Column, value: Any) -> Any:
    """A cell's value as the column's argument takes it (a JSON value): a whole number
    typed as text or kept as a float by Excel, a yes/no, a choice by its label, a day. What
    does not read is passed on as written, for the argument to refuse by its label."""
    arg = column.arg
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if column.name == "occurred_on" or isinstance(arg, Day):
        return str(value) if not isinstance(value, str) else value
    if isinstance(arg, Integer):
        if isinstance(value, str):
            digits = value.strip().translate(FULL_WIDTH_DIGITS)
            if digits.lstrip("-").isascii() and digits.lstrip("-").isdigit() and len(digits) < 12:
                return int(digits)
        return value
    if isinstance(arg, Flag):
        if isinstance(value, bool):
            return value
        word = unicodedata.normalize("NFKC", str(value)).strip().lower()
        if word in YES:
            return True
        if word in NO:
            return False
        return str(value)
    if isinstance(arg, Choice) and not isinstance(arg, Choices):
        word = unicodedata.normalize("NFKC", str(value)).strip().lower()
        for v, zh, en in column.choices:
            if word in (v, unicodedata.normalize("NFKC", zh).lower(), en.lower()):
                return v
        return str(value)
    if isinstance(value, bool):
        return value
    if isinstance(value, int) or isinstance(arg, Code | Text):
        return str(value)
    return value


YES = frozenset(("是", "yes", "y", "true", "1", "√", "✓"))
NO = frozenset(("否", "no", "n", "false", "0", "×", "✗"))
