"""The audit log as an Excel workbook an auditor can file: one sheet of entries (header row,
frozen panes, column widths, a filter on the header), one of the filters used and the head
of the hash chain at export time."""

from __future__ import annotations

import json
import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any
from xml.sax.saxutils import escape

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from app.audit import Checkpoint
from app.audit_log import COLUMNS, HEADINGS
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
    as the sheet's XML rows directly: openpyxl's per-cell objects would take most of an
    export's time. The rows are streamed to a temporary file, then put in place.
    """
    with tempfile.TemporaryDirectory() as tmp:
        body = Path(tmp) / "rows.xml"
        with body.open("w", encoding="utf-8") as out:
            count = _write_rows(out, rows)
        frame = Path(tmp) / "frame.xlsx"
        _frame(frame, count, filters, head, exported_by, exported_at)
        _splice(frame, body, path)
    return count


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
    for i, column in enumerate(COLUMNS, 1):
        ws.column_dimensions[get_column_letter(i)].width = WIDTHS[column]
    ws.freeze_panes = "B2"  # the header row and the position column stay in view
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    header = []
    for column in COLUMNS:
        cell = WriteOnlyCell(ws, HEADINGS[column])
        cell.font, cell.fill = bold, fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        header.append(cell)
    ws.append(header)
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
        about.append([label, value])
    heading = WriteOnlyCell(about, "筛选条件 filters used")
    heading.font = bold
    about.append([heading])
    for name, value in filters.items():
        about.append([name, value])
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
# A text beginning or ending with white space (kept with xml:space="preserve"); the texts of
# a row are searched together, joined by NUL.
_EDGE = re.compile("(?:^|\x00)\\s|\\s(?:\x00|$)")


def _write_rows(out: IO[str], rows: Iterable[dict[str, Any]]) -> int:
    """One ``<row>`` per entry. Costs are per row, not per cell where it can be helped: the
    texts of a row are checked for anything needing escaping in one search."""
    count = 0
    dumps = json.dumps
    write = out.write
    text_letters = LETTERS[1:5] + LETTERS[6:]  # every column but the two numbers
    care, edge = _CARE.search, _EDGE.search
    nuls = len(text_letters) - 1  # a NUL in a text itself shows as one too many
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
            dumps(details, ensure_ascii=False) if details else "",
            r["reason"],
        )
        blob = "\x00".join(texts)
        odd = care(blob) or edge(blob) or blob.count("\x00") != nuls or len(blob) > MAX_TEXT
        # Cells in column order, as Excel requires: A, B–E, F, G–R.
        cells = [f'<row r="{n}"><c r="A{n}"><v>{r["position"]}</v></c>']
        for i, (letter, text) in enumerate(zip(text_letters, texts, strict=True)):
            if i == 4 and r["corrects"] is not None:
                cells.append(f'<c r="F{n}"><v>{r["corrects"]}</v></c>')
            if not text:
                continue
            if odd:
                if len(text) > MAX_TEXT:  # a cell holds no more; the rest is in the log
                    text = text[: MAX_TEXT - 1] + "…"
                text, space = _text(text), _space(text)
            else:
                space = ""
            cells.append(f'<c r="{letter}{n}" t="inlineStr"><is><t{space}>{text}</t></is></c>')
        cells.append("</row>")
        write("".join(cells))
        count += 1
    return count


def _space(text: str) -> str:
    return ' xml:space="preserve"' if text[0].isspace() or text[-1].isspace() else ""


def _text(value: str) -> str:
    value = escape(value)
    return _ILLEGAL.sub("\ufffd", value) if _ILLEGAL.search(value) else value


def _splice(frame: Path, body: Path, path: Path) -> None:
    """Copy the frame workbook to ``path``, the rows put at the end of the first sheet's data."""
    sheet = "xl/worksheets/sheet1.xml"
    # The lowest compression level: several times faster than the default on this much
    # XML, for a file about a third larger.
    with (
        zipfile.ZipFile(frame) as src,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as dst,
    ):
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename != sheet:
                dst.writestr(item, data, compress_type=zipfile.ZIP_DEFLATED)
                continue
            xml = data.decode("utf-8")
            cut = xml.index("</sheetData>")
            with dst.open(sheet, "w") as w, body.open("rb") as rows:
                w.write(xml[:cut].encode("utf-8"))
                shutil.copyfileobj(rows, w, 1 << 20)
                w.write(xml[cut:].encode("utf-8"))
