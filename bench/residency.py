"""The city's residency month report at demo scale: ``python -m bench.residency [--db URL]``.

Times the facade call behind ``zhucun residency --unit 210500 --month YYYY-MM`` (which first
checks that the read models are at the head of the log, as every query does) over
``--runs`` calls, the month changing from call to call, and prints p50 and p95.

The data, by ``--source``:

* ``generated`` (default): 72 teams of 3 cadres (216) in 72 villages of the city, dispatched
  in June 2014, and 36 months of daily check-ins for every member with some days missed,
  every line through the command layer (``Zhucun.apply_text``, in bulk transactions);
* ``demo``: the Benxi demo, ``app.demo.load.load_demo``, with its teams and their days;
* ``--loaded``: the store named by ``--db`` as it is, already loaded (``zhucun demo``).
"""

from __future__ import annotations

import argparse
import itertools
import time
from datetime import date, timedelta
from typing import Any

from app.bootstrap import Zhucun
from app.store.config import parse_database_url
from bench import harness
from bench.checkin import DISPATCHED, check_in, load_bulk, setup_lines
from bench.stores import FreshStores

CITY = "210500"


def generated_lines(cadres: int, months: int) -> list[str]:
    """Daily check-ins from the dispatch day on; every cadre misses some days, and one in
    five misses enough to fall below the threshold of days in the village."""
    last = _month_start(DISPATCHED, months)
    out = []
    for d in range((last - DISPATCHED).days):
        day = DISPATCHED + timedelta(days=d)
        for c in range(cadres):
            missed = (d + c) % 7 == 0 or (c % 5 == 0 and (d + c) % 3 == 0)
            if not missed:
                out.append(check_in(c, day))
    return out


def _month_start(day: date, months: int) -> date:
    y, m = divmod(day.month - 1 + months, 12)
    return date(day.year + y, m + 1, 1)


def load(z: Zhucun, source: str, cadres: int, months: int, seed: int) -> dict[str, Any]:
    t = time.perf_counter()
    if source == "demo":
        from app.demo.load import load_demo

        load_demo(z, seed=seed)
    else:
        load_bulk(z, setup_lines(cadres))
        load_bulk(z, generated_lines(cadres, months))
    z.projections.catch_up()
    return {"source": source, "events": z.store.max_position(), "load_s": time.perf_counter() - t}


def report_months(z: Zhucun) -> list[str]:
    """The months in which some team served under the city."""
    from sqlalchemy import func, select

    from projections.teams.tables import teams

    with z.engine.connect() as conn:
        first, last = conn.execute(
            select(
                func.min(teams.c.dispatched_on),
                func.max(func.coalesce(teams.c.ended_on, teams.c.term_ends_on)),
            )
        ).one()
    last = min(last, z.today())
    out, day = [], first.replace(day=1)
    while day <= last:
        out.append(f"{day:%Y-%m}")
        day = _month_start(day, 1)
    return out


def measure(args: argparse.Namespace) -> dict[str, Any]:
    stores = FreshStores(None if args.loaded else args.db)
    if args.loaded:
        z = Zhucun(parse_database_url(args.db))
        z.projections.catch_up()
        loaded = {"source": "loaded", "events": z.store.max_position(), "load_s": 0.0}
    else:
        store = stores.open(f"residency-{args.source}")
        store.close()
        z = Zhucun(store.config)
    try:
        if not args.loaded:
            loaded = load(z, args.source, args.cadres, args.months, args.seed)
        months = report_months(z)
        first = z.residency(months[len(months) // 2], code=CITY) or []  # warm
        month = itertools.cycle(months)
        times = harness.times_ms(lambda: z.residency(next(month), code=CITY), args.runs)
    finally:
        z.close()
        stores.cleanup()
    return {
        "engine": z.config.engine,
        **loaded,
        "load_s": round(loaded["load_s"], 1),
        "teams_in_a_month": len(first),
        "members_in_a_month": sum(len(t["members"]) for t in first),
        "months": len(months),
        "runs": args.runs,
        **harness.percentiles(times),
        "max_ms": round(times[-1], 2),
    }


def main(argv: list[str] | None = None) -> int:
    parser = harness.parser("bench.residency", __doc__)
    parser.add_argument("--db", default=None, help=harness.NEW_STORE_HELP)
    parser.add_argument("--source", choices=["generated", "demo"], default="generated")
    parser.add_argument("--cadres", type=int, default=216, help="generated: 3 per team")
    parser.add_argument("--months", type=int, default=36, help="generated: months of check-ins")
    parser.add_argument("--seed", type=int, default=2014, help="demo: its seed")
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument(
        "--loaded",
        action="store_true",
        help="time the store named by --db as it is (e.g. one loaded with zhucun demo)",
    )
    return harness.measured(parser, argv, measure, report)


def report(r: dict[str, Any], args: argparse.Namespace) -> None:
    """The figures in words."""
    print(
        f"{r['engine']}: {r['source']} data, {r['events']:,} events (loaded in {r['load_s']} s); "
        f"{r['teams_in_a_month']} teams, {r['members_in_a_month']} members in a month"
    )
    print(
        f"  residency --unit {CITY} --month (one of {r['months']})   p50 {r['p50_ms']} ms   "
        f"p95 {r['p95_ms']} ms   max {r['max_ms']} ms   ({r['runs']} runs; target p95 ≤ 100 ms)"
    )


if __name__ == "__main__":
    raise SystemExit(main())
