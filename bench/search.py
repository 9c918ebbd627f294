"""The search box's speed on the Benxi demo: ``python -m bench.search --db URL [--runs N]``.

The store given must hold the demo (``zhucun --db URL demo``). Times ``Zhucun.search`` — the
use case behind ``/search?q=`` — for a city-wide account and a county's, over a mix of texts
a clerk types: a surname (thousands of matches), a full name, a name's initials ("wgl"), its
pinyin's start, a unit's code and a unit's name. Beside it, in the same run: the network
summary of the same unit (``Zhucun.summary``), the cheapest page read the application has.
Target: p95 ≤ 50 ms on the demo.

Prints the load average before and after: on a shared machine a figure is worth what the
machine's quiet was.
"""

from __future__ import annotations

import os
import sys
from typing import Any

from sqlalchemy import select

from bench import harness

TEXTS = ("王", "王桂兰", "wgl", "wang", "210521", "草河", "zdz", "刘芳")


def main(argv: list[str] | None = None) -> int:
    p = harness.parser("bench.search", __doc__)
    p.add_argument("--db", required=True, help="a store holding the demo")
    p.add_argument("--runs", type=int, default=200, help="timed calls of each query")
    p.add_argument("--json", action="store_true")
    args = p.parse_args(argv)

    from app.bootstrap import bootstrap
    from projections.tables import units

    z = bootstrap(args.db)
    z.projections.catch_up()
    with z.engine.connect() as conn:
        paths = dict(conn.execute(select(units.c.code, units.c.path)).all())
    load_before = os.getloadavg()
    figures: dict[str, Any] = {"load_before": [round(x, 2) for x in load_before]}
    for who, code, everywhere in (("city", "210500", True), ("county", "210521", False)):
        within = paths[code]
        found = {t: len(z.search(t, within, everywhere)) for t in TEXTS}
        searches: list[float] = []
        for _ in range(max(1, args.runs // len(TEXTS))):
            for t in TEXTS:
                searches += harness.times_ms(
                    lambda t=t, w=within, e=everywhere: z.search(t, w, e), 1
                )
        searches.sort()
        summary = harness.times_ms(lambda code=code: z.summary(code), args.runs)
        figures[who] = {
            "search": harness.percentiles(searches),
            "baseline_summary": harness.percentiles(summary),
            "results": found,
        }
        if not args.json:
            s, b = figures[who]["search"], figures[who]["baseline_summary"]
            print(
                f"{who:7} search p50 {s['p50_ms']:7.2f} ms  p95 {s['p95_ms']:7.2f} ms   "
                f"summary (baseline) p50 {b['p50_ms']:7.2f} ms  p95 {b['p95_ms']:7.2f} ms   "
                f"ratio p95 {s['p95_ms'] / max(b['p95_ms'], 1e-9):5.2f}"
            )
            print(f"         results per text: {found}")
    figures["load_after"] = [round(x, 2) for x in os.getloadavg()]
    if args.json:
        return harness.print_json(figures)
    print(f"load average before {figures['load_before']}, after {figures['load_after']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
