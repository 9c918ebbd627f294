"""The four-source funding's totals at province scale: ``python -m bench.funds [--db URL]
[--villages 10000] [--entries 6] [--runs 30]``.

Fills the ``ledger`` read model's funding tables directly (the units of a province and, per
village and source, ``--entries`` allocations, expenditures and reversals): the query is
measured, not the load, which goes through the log like any other (bench/coverage.py). Then,
in the same run:

* the baseline: one plain scan summing every row of the three tables, no grouping, no
  filter (what any answer over all of them must at least read);
* ``fund_totals`` (projections/ledger/funds.py) for the province, a city, a county and a
  village, now and on both clocks (as of a day, as known at a position): p50 and p95.

Province scale is ``--villages 10000`` (bench/scale.py's shape: 8 villages a township, 13
townships a county, 7 counties a city).
"""

from __future__ import annotations

import sys
from datetime import date
from typing import Any

from sqlalchemy import Connection, insert, text

from app.bootstrap import Zhucun
from bench import harness, scale
from bench.stores import FreshStores
from domain.ledger.measures import FundingSource
from projections.ledger import funds
from projections.ledger.tables import (
    fund_allocations,
    fund_expenditures,
    fund_reversals,
    fund_totals,
)
from projections.tables import units

ROOT = scale.PROVINCE_CODE
DAYS = [date(2014, 7, 1 + n) for n in range(28)]


def _unit(code: str, level: str, path: str) -> dict[str, Any]:
    return {
        "code": code,
        "id": f"{int(code):032x}",
        "name": code,
        "level": level,
        "parent_code": None,
        "path": path,
        "opened_on": date(2014, 1, 1),
    }


def _tree(villages: int) -> list[dict[str, Any]]:
    """The province, its cities, counties, townships and villages, with their paths."""
    rows = {ROOT: _unit(ROOT, "province", f"/{ROOT}/")}
    per_county = scale.TOWNSHIPS_PER_COUNTY * scale.VILLAGES_PER_TOWNSHIP
    for v in range(villages):
        c, rest = divmod(v, scale.COUNTIES_PER_CITY * per_county)
        k, rest = divmod(rest, per_county)
        t, n = divmod(rest, scale.VILLAGES_PER_TOWNSHIP)
        city, county = f"21{c + 1:02d}00", f"21{c + 1:02d}{k + 1:02d}"
        township, village = f"{county}{t + 1:03d}", f"{county}{t + 1:03d}{n + 1:03d}"
        path = f"/{ROOT}/"
        for code, level in ((city, "city"), (county, "county"), (township, "township")):
            path += f"{code}/"
            rows.setdefault(code, _unit(code, level, path))
        rows[village] = _unit(village, "village", f"{path}{village}/")
    return list(rows.values())


def _fill(conn: Connection, villages: list[str], entries: int) -> int:
    """Per village and source, ``entries`` rows of each table; the log positions they would
    have had. Returns the rows written."""
    position, written = 0, 0
    for chunk in range(0, len(villages), 500):
        rows: dict[str, list[dict[str, Any]]] = {"a": [], "e": [], "r": []}
        for village in villages[chunk : chunk + 500]:
            for source in FundingSource:
                for n in range(entries):
                    position += 1
                    common = {
                        "account_id": f"{position:032x}",
                        "village_code": village,
                        "source": source.value,
                        "voucher": f"V-{n}",
                        "plan_id": "0" * 32,
                        "measure_id": f"{n % 3:032x}" if n % 3 else "",
                        "day": DAYS[(position * 7) % len(DAYS)],
                        "position": position,
                    }
                    rows["a"].append(
                        common | {"amount_fen": 100_000, "allocated_by": "财政局", "document": ""}
                    )
                    rows["e"].append(
                        common | {"amount_fen": 30_000, "payee": "施工队", "purpose": "工程款"}
                    )
                    rows["r"].append(
                        common | {"amount_fen": 30_000, "entry": "expenditure", "because": "错"}
                    )
        totals: dict[tuple[str, str], dict[str, Any]] = {}
        for key, table in (
            ("a", fund_allocations),
            ("e", fund_expenditures),
            ("r", fund_reversals),
        ):
            conn.execute(insert(table), rows[key])
            written += len(rows[key])
            for r in rows[key]:
                t = totals.setdefault(
                    (r["village_code"], r["source"]),
                    {"allocated_fen": 0, "spent_fen": 0, "last_day": r["day"], "last_position": 0},
                )
                amount = r["amount_fen"] if key != "r" else -r["amount_fen"]
                t["allocated_fen" if key == "a" else "spent_fen"] += amount
                t["last_day"] = max(t["last_day"], r["day"])
                t["last_position"] = max(t["last_position"], r["position"])
        conn.execute(
            insert(fund_totals),
            [{"village_code": v, "source": s, **t} for (v, s), t in totals.items()],
        )
    return written


def _scan(conn: Connection) -> None:
    for table in ("lg_fund_allocations", "lg_fund_expenditures", "lg_fund_reversals"):
        conn.execute(text(f"SELECT count(*), sum(amount_fen) FROM {table}")).one()


def main(argv: list[str] | None = None) -> int:
    p = harness.parser("bench.funds", __doc__)
    p.add_argument("--db", help=harness.NEW_STORE_HELP)
    p.add_argument("--villages", type=int, default=10_000)
    p.add_argument("--entries", type=int, default=6, help="of each kind, per village and source")
    p.add_argument("--runs", type=int, default=30)
    args = p.parse_args(argv)
    stores = FreshStores(args.db)
    store = stores.open("funds")
    z = Zhucun(store.config)
    try:
        tree = _tree(args.villages)
        villages = [u["code"] for u in tree if u["level"] == "village"]
        with z.engine.begin() as conn:
            conn.execute(insert(units), tree)
            rows = _fill(conn, villages, args.entries)
        print(
            f"bench.funds on {stores.engine}: {len(villages):,} villages, {rows:,} rows "
            f"({args.entries} of each kind per village and source), {args.runs} runs",
            flush=True,
        )
        with z.engine.connect() as conn:
            base = harness.percentiles(harness.times_ms(lambda: _scan(conn), args.runs))
            print(f"  baseline: a plain scan summing every row            {_ms(base)}")
            paths = {u["code"]: u["path"] for u in tree}
            city, county = villages[0][:4] + "00", villages[0][:6]
            for label, code in (
                ("the province", ROOT),
                ("a city", city),
                ("a county", county),
            ):
                under = funds.villages_under(paths[code])
                for clock, as_of, upto in (
                    ("now", date(2016, 12, 31), None),
                    ("as of a day", DAYS[14], None),
                    ("as known at", date(2016, 12, 31), rows // 6),
                ):
                    ours = harness.percentiles(
                        harness.times_ms(
                            lambda u=under, d=as_of, p=upto: funds.fund_totals(conn, u, d, p),
                            args.runs,
                        )
                    )
                    print(f"  {label:<13} {clock:<12} fund_totals          {_ms(ours)}")
            one = harness.percentiles(
                harness.times_ms(
                    lambda: funds.funds(conn, villages[0], date(2016, 12, 31), None), args.runs
                )
            )
            print(f"  a village     now          funds (entries too)  {_ms(one)}")
    finally:
        z.close()
        stores.drop(store)
        stores.cleanup()
    return 0


def _ms(p: dict[str, float]) -> str:
    return f"p50 {p['p50_ms']:>8.1f} ms   p95 {p['p95_ms']:>8.1f} ms"


if __name__ == "__main__":
    sys.exit(main())
