"""Every table a page shows, as ``.xlsx`` (ADR 038): one mechanism for all pages.

A page's table *is* its definition: the ``<table id=…>`` the template renders (its header
cells the columns, each body row a row), or a list marked ``data-export`` whose items are the
rows and whose elements marked ``data-col="label"`` are the cells. After a page is rendered,
each such table gets a link to the same address with ``export=xlsx&table=ID``; that request
runs the page's own route (so its login, jurisdiction, filters, as-of day and as-known-at
moment, language and paging are the page's) and, instead of the page, answers the workbook of
that table: the same columns, the same rows, in the page's language. Text cells are stored as
text, never as formulas (``app.workbook.text_cell``); figures of numeric columns are numbers,
days are dates. Every export is recorded as the other exports are (``DataAccess.Exported``:
who, what, which filters, how many rows). A table marked ``data-export="no"`` (a form's rows)
is left alone.
"""

from __future__ import annotations

import re
import tempfile
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from html import escape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from flask import Flask, Response, current_app, request
from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter

from app.audit.access import record_export
from app.workbook import DAY_FORMAT, header, text_cell
from domain.errors import InvalidInputError
from web.auth import principal
from web.deps import zhucun

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORT = "export"
TABLE = "table"
FORMATS = ("xlsx",)
# The start of a table that can be exported: a <table> with an id, or a list marked data-export.
_START = re.compile(
    r'<(table|ol|ul|div)\b(?=[^>]*\bid="([^"]+)")(?![^>]*\bdata-export="no")([^>]*)>', re.S
)
_ID = re.compile(r"^[A-Za-z][\w-]*$")
# Elements without an end tag.
_VOID = frozenset({"area", "br", "col", "hr", "img", "input", "link", "meta", "source", "wbr"})


def init_app(app: Flask) -> None:
    app.before_request(_check_asked)
    app.after_request(_after)


def _check_asked() -> None:
    """A refusal before the page is computed when the export asked for cannot be."""
    wanted = request.args.get(EXPORT)
    if wanted is None:
        return
    if wanted not in FORMATS:
        raise InvalidInputError(
            EXPORT,
            f"导出格式 {wanted!r} 无法提供，应为：{', '.join(FORMATS)}",
            f"export format {wanted!r} is not offered; one of: {', '.join(FORMATS)}",
        )
    table = request.args.get(TABLE, "")
    if not _ID.match(table):
        raise InvalidInputError(
            TABLE,
            "表格：请指明要导出的表格（页面上表格的 id）",
            "table: name the table to export (the id of a table on the page)",
        )


def _after(response: Response) -> Response:
    if (
        request.method != "GET"
        or response.status_code != 200
        or response.mimetype != "text/html"
        or response.direct_passthrough
    ):
        return response
    if request.args.get(EXPORT) in FORMATS:
        return _exported(response, request.args[TABLE])
    return _with_links(response)


def export_url(table: str) -> str:
    """The address of this page's table ``table`` as a workbook."""
    args = [(k, v) for k, v in request.args.items(multi=True) if k not in (EXPORT, TABLE)]
    return request.path + "?" + urlencode([*args, (EXPORT, "xlsx"), (TABLE, table)])


def _with_links(response: Response) -> Response:
    """The page with a download link after each table that can be exported."""
    page = response.get_data(as_text=True)
    if "<table" not in page and "data-export" not in page:
        return response
    label = escape(_("Download this table (.xlsx)"))
    out: list[str] = []
    at = 0
    for match in _START.finditer(page):
        tag, ident, attributes = match.group(1), match.group(2), match.group(3)
        if tag != "table" and "data-export" not in attributes:
            continue
        if match.start() < at:
            continue  # inside a table already linked
        end = _end_of(page, tag, match.end())
        if end < 0:
            continue
        href = escape(export_url(ident))
        out.append(page[at:end])
        out.append(
            f'\n<p class="export"><a class="export-link" id="export-{escape(ident)}" '
            f'href="{href}" download>{label}</a></p>'
        )
        at = end
    if not out:
        return response
    out.append(page[at:])
    response.set_data("".join(out))
    return response


def _end_of(page: str, tag: str, start: int) -> int:
    """Where the element of ``tag`` opened just before ``start`` ends (after its end tag),
    counting the same elements nested in it; -1 when it does not end."""
    tags = re.compile(rf"<(/?){tag}\b[^>]*>")
    depth = 1
    for m in tags.finditer(page, start):
        depth += -1 if m.group(1) else 1
        if depth == 0:
            return m.end()
    return -1


class _Table(HTMLParser):
    """The header and rows of the table (or marked list) of one id in a page."""

    def __init__(self, ident: str) -> None:
        super().__init__(convert_charrefs=True)
        self.ident = ident
        self.depth = 0  # > 0 inside the wanted table
        self.kind = ""
        self.found = False
        self.title = ""
        self._in_title = False
        self.headings: list[str] = []
        self.rows: list[list[tuple[str, bool]]] = []
        self.section = ""
        self.row: list[tuple[str, bool]] | None = None
        self.row_is_head = False
        self.row_all_th = False
        self.cell: list[str] | None = None
        self.cell_num = False
        self.cell_depth = 0
        self.list_row: dict[str, tuple[str, bool]] | None = None
        self.row_tag = ""
        self.row_nest = 0
        self.list_columns: list[str] = []
        self.list_rows: list[dict[str, tuple[str, bool]]] = []
        self.col: str | None = None
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "title":
            self._in_title = True
        if self.depth == 0:
            if a.get("id") == self.ident and tag in ("table", "ol", "ul", "div"):
                self.found = True
                self.kind = tag
                self.depth = 1
            return
        if tag == self.kind:
            self.depth += 1
        if self.hidden or "hidden" in a or "aria-hidden" in a:
            self.hidden += 1
            return
        if self.kind == "table":
            self._table_start(tag, a)
        else:
            self._list_start(tag, a)

    def _table_start(self, tag: str, a: dict[str, str | None]) -> None:
        if tag in ("thead", "tbody", "tfoot"):
            self.section = tag
        elif tag == "tr":
            self.row, self.row_is_head = [], self.section == "thead"
            self.row_all_th = True
        elif tag in ("td", "th") and self.row is not None:
            self.cell = []
            self.row_all_th = self.row_all_th and tag == "th"
            self.cell_num = "num" in (a.get("class") or "").split()
        elif tag == "br" and self.cell is not None:
            self.cell.append(" ")

    def _list_start(self, tag: str, a: dict[str, str | None]) -> None:
        if tag in _VOID:
            return
        if self.list_row is None:
            if "data-row" in a or (tag == "li" and self.depth == 1 and self.kind != "div"):
                self.list_row, self.row_tag, self.row_nest = {}, tag, 1
            return
        if tag == self.row_tag:
            self.row_nest += 1
        if a.get("data-col") and self.cell is None:
            self.col = a["data-col"] or ""
            self.cell, self.cell_depth = [], 1
            self.cell_num = "data-num" in a
        elif self.cell is not None:
            self.cell_depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        if self.depth == 0:
            return
        if self.hidden:
            self.hidden -= 1
            if tag == self.kind:
                self.depth -= 1
            return
        if self.kind == "table":
            self._table_end(tag)
        else:
            self._list_end(tag)
        if tag == self.kind:
            self.depth -= 1

    def _table_end(self, tag: str) -> None:
        if tag in ("td", "th") and self.cell is not None and self.row is not None:
            self.row.append((_words(self.cell), self.cell_num))
            self.cell = None
        elif tag == "tr" and self.row is not None:
            first = not self.rows and not self.headings and self.section != "tbody"
            if self.row_is_head or (first and self.row_all_th):
                self.headings = [text for text, _num in self.row]
            else:
                self.rows.append(self.row)
            self.row = None

    def _list_end(self, tag: str) -> None:
        if tag in _VOID or self.list_row is None:
            return
        if self.cell is not None:
            self.cell_depth -= 1
            if self.cell_depth == 0 and self.col is not None:
                if self.col not in self.list_columns:
                    self.list_columns.append(self.col)
                self.list_row[self.col] = (_words(self.cell), self.cell_num)
                self.cell, self.col = None, None
        if tag == self.row_tag:
            self.row_nest -= 1
            if self.row_nest == 0:
                self.list_rows.append(self.list_row)
                self.list_row = None

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
        if self.depth and not self.hidden and self.cell is not None:
            self.cell.append(data)

    def table(self) -> tuple[list[str], list[list[tuple[str, bool]]]]:
        """The headings and the rows, each cell its text and whether its column is numeric."""
        if self.kind == "table":
            return self.headings, self.rows
        return self.list_columns, [
            [r.get(c, ("", False)) for c in self.list_columns] for r in self.list_rows
        ]


def _words(parts: list[str]) -> str:
    return " ".join("".join(parts).split())


def read_table(page: str, ident: str) -> tuple[str, list[str], list[list[tuple[str, bool]]]] | None:
    """The page's title, and the headings and rows of its table ``ident`` (None: no such
    table on the page)."""
    parser = _Table(ident)
    parser.feed(page)
    parser.close()
    if not parser.found:
        return None
    return (" ".join(parser.title.split()), *parser.table())


_ZH_DAY = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$")
_NUMBER = re.compile(r"^[+-]?[\d,]*\.?\d+%?$")


def value_of(text: str, numeric: bool) -> tuple[Any, str | None]:
    """The value a cell's text stands for and its number format: a day as a date, a figure of a
    numeric column as a number (a percentage as a fraction), else the text itself."""
    m = _ZH_DAY.match(text)
    if m:
        return date(int(m[1]), int(m[2]), int(m[3])), DAY_FORMAT
    if re.match(r"^[A-Z][a-z]{2} \d{1,2}, \d{4}$", text):
        try:
            return datetime.strptime(text, "%b %d, %Y").date(), DAY_FORMAT
        except ValueError:
            pass
    if numeric and _NUMBER.match(text):
        try:
            number = Decimal(text.rstrip("%").replace(",", ""))
            if text.endswith("%"):
                return float(number / 100), "0.0%"
            return (int(number) if number == number.to_integral_value() else float(number)), None
        except InvalidOperation:
            pass
    return text, None


def workbook(title: str, headings: list[str], rows: list[list[tuple[str, bool]]]) -> bytes:
    """The table as a one-sheet workbook: the header row, then a row per row."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_sheet_name(title))
    columns = max([len(headings)] + [len(r) for r in rows])
    labels = headings + [""] * (columns - len(headings))
    widths = [
        max(8, min(40, max([len(h) * 2] + [len(r[i][0]) for r in rows if i < len(r)])))
        for i, h in enumerate(labels)
    ]
    if headings:
        header(ws, headings, widths)
    else:  # a table of label and value rows: no header row
        for i, width in enumerate(widths, 1):
            ws.column_dimensions[get_column_letter(i)].width = width
    for row in rows:
        cells = []
        for text, numeric in row:
            value, number_format = value_of(text, numeric)
            if isinstance(value, str):
                cells.append(text_cell(ws, value))
            else:
                cell = WriteOnlyCell(ws, value)
                if number_format:
                    cell.number_format = number_format
                cells.append(cell)
        ws.append(cells)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "table.xlsx"
        wb.save(path)
        return path.read_bytes()


def _sheet_name(title: str) -> str:
    name = re.sub(r"[\[\]:*?/\\]", " ", title.split(" · ")[0]).strip()
    return (name or "table")[:31]


def file_name(ident: str) -> str:
    """``<endpoint>-<the route's values>-<table>.xlsx``, ASCII only."""
    parts = [(request.endpoint or "page").replace(".", "-")]
    parts += [str(v) for v in (request.view_args or {}).values()]
    day = request.args.get("as_of")
    if day:
        parts.append(day)
    parts.append(ident)
    name = "-".join(re.sub(r"[^A-Za-z0-9_-]", "", p) for p in parts if p)
    return f"{name}.xlsx"


def _exported(response: Response, ident: str) -> Response:
    found = read_table(response.get_data(as_text=True), ident)
    if found is None:
        error = InvalidInputError(
            TABLE,
            f"表格：本页没有表格 {ident!r}",
            f"table: this page has no table {ident!r}",
        )
        return current_app.make_response(current_app.handle_user_exception(error))
    title, headings, rows = found
    body = workbook(title, headings, rows)
    name = file_name(ident)
    who = principal()
    if who is not None:
        given = {"path": request.path, "table": ident}
        given.update({k: v for k, v in request.args.items() if k not in (EXPORT, TABLE)})
        record_export(
            zhucun(),
            who.username,
            who.role.value,
            f"table {ident}",
            "xlsx",
            f"web:{name}",
            given,
            len(rows),
        )
    return Response(
        body, mimetype=XLSX, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )
