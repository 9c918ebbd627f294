"""What the switch's gate costs a query on PostgreSQL: ``python -m bench.gate --db URL``.

Every transaction on the read models passes the gate as it begins: one more statement, an
advisory lock taken shared (projections/gate.py, ADR 052). On a kept PostgreSQL store (the
demo's: ``zhucun --db 'postgresql://…?schema=NAME' demo``), this asks the same unit's summary
``--runs`` times, and the read models' positions (the smallest transaction there is), through a
store whose transactions pass the gate, and as many times through one whose engine is marked
not to (the baseline: the query as it was before the gate), alternating the two, ``--rounds``
times; prints each one's median and 95th percentile and the ratio of the medians.
"""

from __future__ import annotations

import os
from typing import Any

from app.bootstrap import Zhucun
from app.store.config import parse_database_url
from bench import harness
from projections import gate


def _opened(url: str, unit: str, gated: bool) -> Zhucun:
    z = Zhucun(parse_database_url(url))
    if not gated:  # the store's engine, and every connection it gives, skip the gate
        z.engine.update_execution_options(**{gate.UNGATED: True})
    z.summary(unit)  # connections made, read models at the head of the log
    return z


# The questions asked: a page's worth (the unit's summary) and the smallest there is (the
# read models' positions, one short transaction), where one more statement shows most.
QUESTIONS = {
    "summary": lambda z, unit: z.summary(unit),
    "positions": lambda z, unit: z.projections.positions(),
}
WITH, WITHOUT = "with the gate", "without (baseline)"


def measure(args: Any) -> dict[str, Any]:
    load = os.getloadavg()
    stores = {WITH: _opened(args.db, args.unit, True), WITHOUT: _opened(args.db, args.unit, False)}
    times: dict[tuple[str, str], list[float]] = {}
    for _ in range(args.rounds):
        for question, ask in QUESTIONS.items():
            for name, z in stores.items():
                times.setdefault((question, name), []).extend(
                    harness.times_ms(lambda z=z, ask=ask: ask(z, args.unit), args.runs)
                )
    for z in stores.values():
        z.close()
    figures: dict[str, Any] = {}
    for question in QUESTIONS:
        each = {name: harness.percentiles(sorted(times[question, name])) for name in stores}
        gated, bare = each[WITH]["p50_ms"], each[WITHOUT]["p50_ms"]
        figures[question] = {**each, "ratio_p50": round(gated / bare, 3) if bare else None}
    return {
        "unit": args.unit,
        "queries_each": args.runs * args.rounds,
        "figures_ms": figures,
        "load_average": [round(x, 2) for x in load] + [round(os.getloadavg()[0], 2)],
    }


def report(f: dict[str, Any], args: Any) -> None:
    print(f"{args.db}: {f['queries_each']} of each question through each store, alternating")
    for question, each in f["figures_ms"].items():
        print(f"  {question} ({f['unit']})" if question == "summary" else f"  {question}")
        for name in (WITH, WITHOUT):
            p = each[name]
            print(f"    {name:<20} p50 {p['p50_ms']:7.2f} ms   p95 {p['p95_ms']:7.2f} ms")
        print(f"    ratio (with / without, p50) {each['ratio_p50']}")
    print(f"  load average before and after: {f['load_average']}")


def main(argv: list[str] | None = None) -> int:
    parser = harness.parser("bench.gate", __doc__)
    parser.add_argument(
        "--db", required=True, help="a kept store (PostgreSQL; on SQLite there is no gate)"
    )
    parser.add_argument("--unit", default="210500", help="the unit asked for (the demo's city)")
    parser.add_argument("--runs", type=int, default=100, help="queries per round and store")
    parser.add_argument("--rounds", type=int, default=5)
    return harness.measured(parser, argv, measure, report)


if __name__ == "__main__":
    raise SystemExit(main())
