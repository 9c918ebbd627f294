"""What every workbook zhucun writes shares: a styled header row that stays in view, text
cells that are never formulas, days in the zh-CN form and money as yuan (openpyxl,
write-only mode: a workbook of tens of thousands of rows in a second or two)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

DAY_FORMAT = 'yyyy"年"m"月"d"日"'
YUAN_FORMAT = "#,##0.00"
BOLD = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def header(ws: Any, headings: list[str], widths: list[int], freeze: str = "A2") -> None:
    """The sheet's column widths and its header row, bold on a pale fill, kept in view."""
    for i, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = freeze
    cells = []
    for heading in headings:
        cell = WriteOnlyCell(ws, heading)
        cell.font, cell.fill = BOLD, HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        cells.append(cell)
    ws.append(cells)


def text_cell(ws: Any, value: Any) -> Any:
    """A cell that holds ``value`` as it is: openpyxl stores a text beginning with ``=`` as a
    formula, and a name or a note is whatever was typed (CSV/formula injection)."""
    cell = WriteOnlyCell(ws, value)
    if isinstance(value, str):
        cell.data_type = "s"
    return cell


def day_cell(ws: Any, iso: str | None) -> Any:
    """A day, shown as 2014年6月5日 and kept as a date Excel can sort and filter."""
    cell = WriteOnlyCell(ws, date.fromisoformat(iso) if iso else None)
    cell.number_format = DAY_FORMAT
    return cell


def yuan_cell(ws: Any, fen: int) -> Any:
    """Money kept in fen, shown as yuan with two decimals (exact: a Decimal)."""
    cell = WriteOnlyCell(ws, Decimal(fen) / 100)
    cell.number_format = YUAN_FORMAT
    return cell
