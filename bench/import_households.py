"""Importing households from a workbook: ``zhucun import`` of N household rows into a new
SQLite store, beside the raw read of the same workbook.

``python -m bench.import_households [--rows N] [--db URL] [--json]``

The workbook is N rows (100,000 by default) in the households template's columns (villager
group, head's name, members, identity number; Chinese headers), written by openpyxl, spread
over the groups of 50 villages (10 groups each), which are opened in the store first.
Then, in this run:

* *raw read, openpyxl*: the workbook's rows read with openpyxl in read-only mode, values
  only, nothing done with them: the floor under any import that reads with openpyxl;
* *raw read, calamine*: the same with python-calamine (when installed), the reader the
  import would use if it earned its place (ADR 044);
* *import*: ``app.imports.run.import_file`` as ``zhucun import`` calls it: the file read,
  every row checked by the command's schema, keyed, then applied as one batch (one receipt
  and one household per row, written by the bulk path);
* *re-import*: the same file again: every row found applied and skipped.

Prints each figure with the rows per second and the load average before and after.
"""

from __future__ import annotations

import io
import os
import sys
import tempfile
import time
from datetime import date
from typing import Any

from bench import harness

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "秀英桂兰玉珍凤兰淑珍建国建华国庆志强春梅海燕"
COUNTY, TOWNSHIP = "210521", "210521100"
VILLAGES, GROUPS = 50, 10


def groups() -> list[str]:
    return [
        f"{TOWNSHIP}{v:03d}{g:03d}"
        for v in range(201, 201 + VILLAGES)
        for g in range(1, GROUPS + 1)
    ]


def workbook(rows: int) -> bytes:
    from openpyxl import Workbook

    from domain.identity import check_digit

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("户")
    ws.append(["村民小组*", "户主姓名*", "家庭人口*", "户主身份证号*", "发生日期", "事由"])
    codes = groups()
    for i in range(rows):
        first17 = f"2105211960{i:07d}"
        name = (
            SURNAMES[i % len(SURNAMES)] + GIVEN[(i * 7) % len(GIVEN)] + GIVEN[(i * 3) % len(GIVEN)]
        )
        ws.append(
            [codes[i % len(codes)], name, 1 + i % 7, first17 + check_digit(first17), None, None]
        )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def units(z: Any) -> None:
    import json

    def line(code: str, name: str, level: str, parent: str | None) -> str:
        args = {"code": code, "name": name, "level": level} | ({"parent": parent} if parent else {})
        return json.dumps(
            {
                "command": "open_unit",
                "args": args,
                "actor": "bench",
                "occurred_on": "2014-01-01",
                "reason": "bench",
            },
            ensure_ascii=False,
        )

    lines = [
        line("210500", "本溪市", "city", None),
        line(COUNTY, "本溪满族自治县", "county", "210500"),
    ]
    lines.append(line(TOWNSHIP, "小市镇", "township", COUNTY))
    for v in range(201, 201 + VILLAGES):
        village = f"{TOWNSHIP}{v:03d}"
        lines.append(line(village, f"{v}村", "village", TOWNSHIP))
        for g in range(1, GROUPS + 1):
            lines.append(line(f"{village}{g:03d}", f"{v}村{g}组", "group", village))
    z.apply_text("\n".join(lines))


def read_openpyxl(content: bytes) -> int:
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    return sum(1 for _ in wb.worksheets[0].iter_rows(values_only=True))


def read_calamine(content: bytes) -> int | None:
    try:
        from python_calamine import CalamineWorkbook
    except ImportError:
        return None
    wb = CalamineWorkbook.from_filelike(io.BytesIO(content))
    return sum(1 for _ in wb.get_sheet_by_index(0).iter_rows())


CPU: dict[str, float] = {}  # the CPU time of this process in each timed call, by name


def timed(fn: Any, *args: Any) -> tuple[Any, float]:
    """The call's answer and its wall-clock seconds; its CPU seconds go to ``CPU``."""
    cpu, started = time.process_time(), time.perf_counter()
    out = fn(*args)
    CPU[getattr(fn, "__name__", "call")] = time.process_time() - cpu
    return out, time.perf_counter() - started


def main() -> int:
    ap = harness.parser("bench.import_households", __doc__)
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--db", help="a new store (default: a new SQLite file)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()

    from app.bootstrap import bootstrap
    from app.imports.run import Envelope, import_file

    load_before = os.getloadavg()
    content, made = timed(workbook, args.rows)
    figures: dict[str, Any] = {"rows": args.rows, "workbook_mib": round(len(content) / 2**20, 1)}
    figures["write_workbook_s"] = round(made, 2)
    _, s = timed(read_openpyxl, content)
    figures["raw_read_openpyxl_s"] = round(s, 2)
    figures["raw_read_openpyxl_cpu_s"] = round(CPU["read_openpyxl"], 2)
    n2, s2 = timed(read_calamine, content)
    figures["raw_read_calamine_s"] = round(s2, 2) if n2 is not None else None
    figures["raw_read_calamine_cpu_s"] = round(CPU["read_calamine"], 2)
    with tempfile.TemporaryDirectory() as d:
        z = bootstrap(args.db or f"sqlite:///{d}/import.db")
        try:
            units(z)
            envelope = Envelope("bench", "operator", date(2014, 6, 1), "bench")
            result, s3 = timed(import_file, z, "households", "households.xlsx", content, envelope)
            assert result.applied == args.rows, result.as_dict() | {"results": None}
            figures["import_s"] = round(s3, 2)
            figures["import_cpu_s"] = round(CPU["import_file"], 2)
            figures["import_rows_per_s"] = round(args.rows / s3)
            figures["events"] = result.events
            again, s4 = timed(import_file, z, "households", "households.xlsx", content, envelope)
            assert again.skipped == args.rows
            figures["reimport_s"] = round(s4, 2)
        finally:
            z.close()
    figures["load_before"] = [round(x, 2) for x in load_before]
    figures["load_after"] = [round(x, 2) for x in os.getloadavg()]
    if args.json:
        return harness.print_json(figures)
    size = figures["workbook_mib"]
    print(f"{args.rows} household rows, workbook {size} MiB (written in {made:.2f} s)")
    print(
        f"  raw read, openpyxl read-only : {s:7.2f} s  ({args.rows / s:,.0f} rows/s), "
        f"CPU {CPU['read_openpyxl']:.2f} s"
    )
    if n2 is not None:
        print(
            f"  raw read, python-calamine    : {s2:7.2f} s  ({args.rows / s2:,.0f} rows/s), "
            f"CPU {CPU['read_calamine']:.2f} s"
        )
    print(
        f"  import (read, check, apply)  : {s3:7.2f} s  ({args.rows / s3:,.0f} rows/s), "
        f"CPU {CPU['import_file']:.2f} s, {result.events} events"
    )
    print(f"  re-import (all skipped)      : {s4:7.2f} s")
    print(f"  load average before {figures['load_before']}, after {figures['load_after']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
