"""What the SQLite switch of a rebuild beside held the writers for: ``python -m bench.switch_parts
--db sqlite:///PATH``.

Until ADR 055 the switch on SQLite (projections/beside.py, ADR 048) copied the tables built beside
into the store within one transaction that held the store's write lock: it dropped the live
tables, created each built one, filled it with ``INSERT … SELECT`` and built its indexes. Now the
copy is made before the switch in short writes and the old tables are cleared after it
(projections/staged.py); these parts are what that copy and that clearing cost. This repeats
those three steps on a kept store (the demo's: ``zhucun --db sqlite:///PATH demo``), each read
model table copied within the store to a scratch table, its indexes built on the copy, and the
copy dropped, each step timed in a transaction of its own; the scratch tables are gone at the
end. The log and the read models are read, never changed; the store's file keeps
the scratch tables' pages, free for its next writes.
"""

from __future__ import annotations

import os
import re
import sqlite3
import time

from app.bootstrap import Zhucun
from app.store.config import parse_database_url
from bench import harness

SCRATCH = "__switch_parts"


def main(argv: list[str] | None = None) -> int:
    parser = harness.parser("bench.switch_parts", __doc__)
    parser.add_argument("--db", required=True, help="a kept SQLite store: sqlite:///PATH")
    args = parser.parse_args(argv)
    config = parse_database_url(args.db)
    if config.is_postgres:
        raise SystemExit("the switch copies tables on SQLite only; PostgreSQL moves them")
    z = Zhucun(config)
    try:
        z.projections.catch_up()
        names = [t.name for m in z.projections.models for t in m.metadata.sorted_tables]
    finally:
        z.close()
    conn = sqlite3.connect(str(config.sqlite_path), isolation_level=None)
    totals = {"copy": 0.0, "indexes": 0.0, "drop": 0.0}
    rows_in_all = tables = 0
    print(f"{'table':32} {'rows':>11} {'copy s':>8} {'indexes s':>10} {'drop s':>8}")
    for name in names:
        timed = _parts(conn, name)
        if timed is None:
            continue
        rows, parts = timed
        rows_in_all += rows
        tables += 1
        for part, seconds in parts.items():
            totals[part] += seconds
        if sum(parts.values()) >= 0.5:
            print(f"{name:32} {rows:>11,} " + " ".join(f"{s:>8.2f}" for s in parts.values()))
    whole = sum(totals.values())
    print(
        f"all {tables} tables, {rows_in_all:,} rows: copy {totals['copy']:.1f} s, "
        f"indexes {totals['indexes']:.1f} s, drop {totals['drop']:.1f} s "
        f"(of {whole:.1f} s: {', '.join(f'{k} {v / whole:.0%}' for k, v in totals.items())}); "
        f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )
    return 0


def _parts(conn: sqlite3.Connection, name: str) -> tuple[int, dict[str, float]] | None:
    """The table copied to a scratch table, its indexes built, the copy dropped: seconds each."""
    found = conn.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)
    ).fetchone()
    if found is None:
        return None
    scratch = f"{name}{SCRATCH}"
    ddl = re.sub(rf'^CREATE TABLE\s+("?){re.escape(name)}\1', f'CREATE TABLE "{scratch}"', found[0])
    indexes = [
        re.sub(
            rf'INDEX\s+("?)(\w+)\1\s+ON\s+("?){re.escape(name)}\3',
            lambda m: f'INDEX "{m.group(2)}{SCRATCH}" ON "{scratch}"',
            sql,
        )
        for (sql,) in conn.execute(
            "SELECT sql FROM sqlite_master "
            "WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL",
            (name,),
        )
    ]
    parts: dict[str, float] = {}
    started = time.perf_counter()
    conn.execute("BEGIN IMMEDIATE")
    conn.execute(ddl)
    conn.execute(f'INSERT INTO "{scratch}" SELECT * FROM "{name}"')
    conn.execute("COMMIT")
    parts["copy"] = time.perf_counter() - started
    started = time.perf_counter()
    conn.execute("BEGIN IMMEDIATE")
    for sql in indexes:
        conn.execute(sql)
    conn.execute("COMMIT")
    parts["indexes"] = time.perf_counter() - started
    rows = int(conn.execute(f'SELECT count(*) FROM "{scratch}"').fetchone()[0])
    started = time.perf_counter()
    conn.execute("BEGIN IMMEDIATE")
    conn.execute(f'DROP TABLE "{scratch}"')
    conn.execute("COMMIT")
    parts["drop"] = time.perf_counter() - started
    return rows, parts


if __name__ == "__main__":
    raise SystemExit(main())
