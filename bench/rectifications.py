"""Rectifications' speed on the Benxi demo: ``python -m bench.rectifications --db URL
[--assign N] [--runs R]``.

The store given must hold the demo (``zhucun --db URL demo``), and is written to: a copy.
Assigns ``N`` of a county's unlinked households for rectification (``assign_rectification``,
dated today), then closes half of them (``household_left``: the household moved out), and
times, for the county: the rectifications on today's list (``app.rectifications``, each
closed one credited with its closing event by bisection, docs/adr/035) and the unit page's
counts; beside them, in the same run, the county's gap list (``Zhucun.gaps``), which the work
list reads anyway. Prints the load average before and after.
"""

from __future__ import annotations

import json
import os
import sys
from datetime import timedelta
from typing import Any

from bench import harness

COUNTY = "210521"


def _line(command: str, day: str, args: dict[str, Any]) -> str:
    return json.dumps(
        {
            "command": command,
            "args": args,
            "actor": "bench",
            "role": "county_admin",
            "occurred_on": day,
            "reason": "bench",
        },
        ensure_ascii=False,
    )


def main(argv: list[str] | None = None) -> int:
    p = harness.parser("bench.rectifications", __doc__)
    p.add_argument("--db", required=True, help="a copy of a store holding the demo")
    p.add_argument("--assign", type=int, default=40, help="gaps assigned, half then closed")
    p.add_argument("--runs", type=int, default=30, help="timed calls of each query")
    p.add_argument("--json", action="store_true")
    args = p.parse_args(argv)

    from app.bootstrap import bootstrap
    from app.rectifications import counts, rectifications

    z = bootstrap(args.db)
    z.projections.catch_up()
    today = z.today()
    gaps = z.gaps(COUNTY, "unlinked_household") or []
    chosen = [g for g in gaps if g["subject"]["id"]][: args.assign]
    due = (today + timedelta(days=30)).isoformat()
    z.apply_text(
        "\n".join(
            _line(
                "assign_rectification",
                today.isoformat(),
                {
                    "type": "unlinked_household",
                    "subject": g["subject"]["id"],
                    "unit": COUNTY,
                    "assignee": f"王{i}",
                    "due_on": due,
                },
            )
            for i, g in enumerate(chosen)
        )
    )
    for g in chosen[::2]:  # one batch each: each closes at its own recording moment
        z.apply_text(
            _line(
                "household_left",
                today.isoformat(),
                {"household": g["subject"]["id"], "how": "moved_out"},
            )
        )
    z.projections.catch_up()
    found = rectifications(z, COUNTY) or []
    states = {s: sum(r["state"] == s for r in found) for s in ("open", "overdue", "closed")}
    credited = sum(
        1 for r in found if r["closed_by"] and r["closed_by"]["event"] == "Household.Left"
    )
    load_before = os.getloadavg()
    figures: dict[str, Any] = {
        "load_before": [round(x, 2) for x in load_before],
        "events": z.store.max_position(),
        "assigned": len(chosen),
        "states": states,
        "credited_with_the_departure": credited,
        "rectifications": harness.percentiles(
            harness.times_ms(lambda: rectifications(z, COUNTY), args.runs)
        ),
        "unit_page_counts": harness.percentiles(
            harness.times_ms(lambda: counts(z, COUNTY), args.runs)
        ),
        "baseline_gap_list": harness.percentiles(
            harness.times_ms(lambda: z.gaps(COUNTY), args.runs)
        ),
    }
    figures["load_after"] = [round(x, 2) for x in os.getloadavg()]
    if args.json:
        return harness.print_json(figures)
    print(
        f"{figures['events']:,} events; {len(chosen)} assigned under {COUNTY}: {states}, "
        f"{credited} credited with the household's departure"
    )
    for key in ("rectifications", "unit_page_counts", "baseline_gap_list"):
        f = figures[key]
        print(f"{key:22} p50 {f['p50_ms']:8.2f} ms  p95 {f['p95_ms']:8.2f} ms")
    print(f"load average before {figures['load_before']}, after {figures['load_after']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
