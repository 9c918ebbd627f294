"""Helpers of the import tests: workbooks and CSV files of rows, as officials fill them."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook, load_workbook

from app.imports.kinds import KINDS
from app.imports.marked import template

HOUSEHOLD_HEADERS = ["村民小组", "户主姓名", "家庭人口", "户主身份证号", "发生日期", "事由"]


def filled_template(kind: str, rows: list[list[Any]]) -> bytes:
    """The kind's own template with ``rows`` typed under its headers."""
    wb = load_workbook(io.BytesIO(template(KINDS[kind])))
    ws = wb.worksheets[0]
    for r, row in enumerate(rows, 2):
        for c, value in enumerate(row, 1):
            ws.cell(r, c, value)
    return saved(wb)


def workbook(headers: list[str], rows: list[list[Any]], title: str = "户") -> Workbook:
    wb = Workbook()
    ws = wb.active
    ws.title = title
    ws.append(headers)
    for row in rows:
        ws.append(row)
    return wb


def saved(wb: Workbook) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def csv_text(headers: list[str], rows: list[list[Any]]) -> str:
    lines = [",".join(headers)] + [",".join("" if v is None else str(v) for v in r) for r in rows]
    return "\r\n".join(lines) + "\r\n"


def opened(content: bytes) -> Workbook:
    return load_workbook(io.BytesIO(content))
