"""The audit log as an Excel workbook an auditor can file: one sheet of entries (header row,
frozen panes, column widths, a filter on the header), one of the filters used and the head
of the hash chain at export time."""

from __future__ import annotations

import gc
import json
import os
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from app.audit.chain import Checkpoint
from app.audit.log import COLUMNS, HEADINGS
from app.workbook import BOLD, header, text_cell
from domain.errors import InvalidInputError

WIDTHS = {
    "position": 10,
    "recorded_at": 26,
    "occurred_on": 12,
    "backdated": 9,
    "correction": 9,
    "corrects": 10,
    "corrected_by": 12,
    "actor": 20,
    "actor_name": 12,
    "role": 16,
    "actor_unit": 24,
    "event": 28,
    "what_zh": 18,
    "what_en": 30,
    "subject": 36,
    "subject_name": 24,
    "details": 60,
    "reason": 40,
}
FLAG = {True: "是 yes", False: ""}


def write_xlsx(
    path: Path,
    rows: Iterable[dict[str, Any]],
    filters: dict[str, str],
    head: Checkpoint,
    exported_by: str,
    exported_at: str,
) -> int:
    """Write the workbook; return the number of entries written.

    openpyxl lays out the workbook (styles, header row, frozen panes, widths, filter, the
    second sheet). The entries themselves, up to hundreds of thousands of rows, are written
    as the sheet's XML rows directly (every text an inline string, never a formula, whatever
    it begins with): openpyxl's per-cell objects would take most of an
    export's time. The rows go straight into the zip as they come, compressed by a second
    thread (zlib lets go of the interpreter while it works), to a file beside ``path``
    that is put in place when the workbook is complete: a refused export leaves nothing.
    """
    with tempfile.TemporaryDirectory() as tmp, _without_cycle_collection():
        frame = Path(tmp) / "frame.xlsx"
        _frame(frame, 0, filters, head, exported_by, exported_at)
        top, _ = _sheet_parts(frame)
        fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
        os.close(fd)
        part = Path(name)
        try:
            with zipfile.ZipFile(part, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as dst:
                with dst.open(SHEET, "w") as sheet, ThreadPoolExecutor(1) as writer:
                    pending: list[Future[int]] = [writer.submit(sheet.write, top)]

                    def write(chunk: str) -> None:
                        # At most two chunks in flight: the rows need not wait for the zip.
                        while len(pending) > 1:
                            pending.pop(0).result()
                        pending.append(writer.submit(sheet.write, chunk.encode("utf-8")))

                    try:
                        count = _write_rows(write, rows)
                    finally:
                        for done in pending:
                            done.result()
                    _frame(frame, count, filters, head, exported_by, exported_at)
                    again, bottom = _sheet_parts(frame)
                    # The sheet's top (before the rows) does not depend on the count.
                    assert again == top, "the frame's sheet changed with the row count"
                    sheet.write(bottom)
                with zipfile.ZipFile(frame) as src:
                    for item in src.infolist():
                        if item.filename != SHEET:
                            data = src.read(item.filename)
                            dst.writestr(item, data, compress_type=zipfile.ZIP_DEFLATED)
            os.replace(part, path)
        finally:
            part.unlink(missing_ok=True)
    return count


SHEET = "xl/worksheets/sheet1.xml"


@contextmanager
def _without_cycle_collection() -> Iterator[None]:
    """The export makes and drops a few objects per field of every event (decoded events,
    rows, texts), none in a reference cycle: reference counting frees them all, and the
    cycle collector, run every few hundred allocations over a growing heap, only cost a
    sixth of the export's time. It is switched back on at the end."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def _sheet_parts(frame: Path) -> tuple[bytes, bytes]:
    """The frame's entries sheet, cut where the rows go: after the header row."""
    with zipfile.ZipFile(frame) as src:
        xml = src.read(SHEET)
    cut = xml.index(b"</sheetData>")
    return xml[:cut], xml[cut:]


def _frame(
    path: Path,
    count: int,
    filters: dict[str, str],
    head: Checkpoint,
    exported_by: str,
    exported_at: str,
) -> None:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("审计日志 Audit log")
    # the header row and the position column stay in view
    header(ws, [HEADINGS[c] for c in COLUMNS], [WIDTHS[c] for c in COLUMNS], freeze="B2")
    ws.auto_filter.ref = f"A1:{LAST}{count + 1}"
    about = wb.create_sheet("筛选与校验 Filters")
    about.column_dimensions["A"].width = 34
    about.column_dimensions["B"].width = 70
    title = WriteOnlyCell(about, "审计日志导出 Audit log export")
    title.font = Font(bold=True, size=13)
    about.append([title])
    for label, value in [
        ("导出时间 exported at", exported_at),
        ("导出人 exported by", exported_by),
        ("条数 entries", count),
        ("", ""),
        ("链头位置 chain head position", head.position),
        ("链头哈希 chain head link", head.link),
        ("链头时间 chain head time", head.time),
        ("算法 algorithm", head.algorithm),
        (
            "校验 how to check",
            "zhucun audit verify --checkpoint FILE (a checkpoint with the position and link above)",
        ),
        ("", ""),
    ]:
        about.append([text_cell(about, label), text_cell(about, value)])
    heading = WriteOnlyCell(about, "筛选条件 filters used")
    heading.font = BOLD
    about.append([heading])
    for name, value in filters.items():
        about.append([text_cell(about, name), text_cell(about, value)])
    wb.save(path)


MAX_ROWS = 1_048_576  # a worksheet's last row, the header included
MAX_TEXT = 32_767  # characters a cell holds


class TooManyRowsError(InvalidInputError):
    code = "too_many_rows"

    def __init__(self) -> None:
        super().__init__(
            "xlsx",
            f"超过 Excel 工作表的 {MAX_ROWS - 1:,} 行上限；请用 --limit 和 --after 分批导出",
            f"more than the {MAX_ROWS - 1:,} rows an Excel sheet holds; "
            "export in parts with --limit and --after",
        )


LETTERS = [get_column_letter(i) for i in range(1, len(COLUMNS) + 1)]
LAST = LETTERS[-1]
# Characters XML 1.0 does not allow, and which a free-text reason might still contain.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# Most texts need neither escaping nor cleaning: one search tells.
_CARE = re.compile("[&<>\x01-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
TEXT_LETTERS = LETTERS[1:5] + LETTERS[6:]  # every column but the two numbers
_DETAILS = json.JSONEncoder(ensure_ascii=False).encode
# A text beginning or ending with white space, kept with xml:space="preserve": the texts of
# a row are searched together, joined by NUL; the search looks for the NULs first.
_EDGE = re.compile("\x00(?:(?=\\s)|(?<=\\s\x00))")


def _write_rows(write: Callable[[str], None], rows: Iterable[dict[str, Any]]) -> int:
    """One ``<row>`` per entry, handed to ``write`` a few thousand rows at a time. Costs are
    per row, not per cell where it can be helped: the texts of a row are checked for
    anything needing escaping in one search, and a row's cells are made in one go."""
    count = 0
    dumps = _DETAILS
    care, edge = _CARE.search, _EDGE.search
    templates: dict[tuple[tuple[bool, ...], bool], str] = {}
    nuls = len(TEXT_LETTERS) - 1  # a NUL in a text itself shows as one too many
    buffer: list[str] = []
    for n, r in enumerate(rows, 2):
        if n > MAX_ROWS:
            raise TooManyRowsError()
        details = r["details"]
        corrected_by = r["corrected_by"]
        texts = (
            r["recorded_at"][:19].replace("T", " "),
            r["occurred_on"],
            FLAG[r["backdated"]],
            FLAG[r["correction"]],
            " ".join(str(p) for p in corrected_by) if corrected_by else "",
            r["actor"],
            r["actor_name"],
            r["role"],
            r["actor_unit"],
            r["event"],
            r["what_zh"],
            r["what_en"],
            r["subject"],
            r["subject_name"],
            dumps(details) if details else "",
            r["reason"],
        )
        blob = "\x00".join(texts)
        if (
            care(blob)
            or blob.count("\x00") != nuls
            or len(blob) > MAX_TEXT
            or edge(blob)
            or blob[:1].isspace()
            or blob[-1:].isspace()
        ):
            buffer.append(_odd_row(n, r, texts))
        else:
            corrects = r["corrects"]
            shape = (tuple(map(bool, texts)), corrects is not None)
            template = templates.get(shape)
            if template is None:
                template = templates[shape] = _template(*shape)
            buffer.append(template.format(n, r["position"], corrects, *texts))
        if len(buffer) >= 2000:
            write("".join(buffer))
            buffer.clear()
        count += 1
    if buffer:
        write("".join(buffer))
    return count


def _template(filled: tuple[bool, ...], corrects: bool) -> str:
    """A row's XML with the cells of its non-empty texts, for ``str.format(n, position,
    corrects, *texts)``: rows of the same shape share one."""
    cells = ['<row r="{0}"><c r="A{0}"><v>{1}</v></c>']
    for i, (letter, there) in enumerate(zip(TEXT_LETTERS, filled, strict=True)):
        if i == 4 and corrects:
            cells.append('<c r="F{0}"><v>{2}</v></c>')
        if there:
            cells.append(f'<c r="{letter}{{0}}" t="inlineStr"><is><t>{{{i + 3}}}</t></is></c>')
    cells.append("</row>")
    return "".join(cells)


def _odd_row(n: int, r: dict[str, Any], texts: tuple[str, ...]) -> str:
    """A row with a text to escape, clean, cut or keep the white space of."""
    cells = [f'<row r="{n}"><c r="A{n}"><v>{r["position"]}</v></c>']
    for i, (letter, text) in enumerate(zip(TEXT_LETTERS, texts, strict=True)):
        if i == 4 and r["corrects"] is not None:
            cells.append(f'<c r="F{n}"><v>{r["corrects"]}</v></c>')
        if not text:
            continue
        if len(text) > MAX_TEXT:  # a cell holds no more; the rest is in the log
            text = text[: MAX_TEXT - 1] + "…"
        cells.append(
            f'<c r="{letter}{n}" t="inlineStr"><is><t{_space(text)}>{_text(text)}</t></is></c>'
        )
    cells.append("</row>")
    return "".join(cells)


def _space(text: str) -> str:
    return ' xml:space="preserve"' if text[0].isspace() or text[-1].isspace() else ""


def _text(value: str) -> str:
    value = escape(value)
    return _ILLEGAL.sub("\ufffd", value) if _ILLEGAL.search(value) else value
