"""Rebuild on a kept store: ``python -m bench.rebuild --db URL [--model M] [--pragma P]``.

Times ``Projections.rebuild`` (wall and CPU seconds) of every read model, or of the ones
named, on a store loaded earlier (for instance by ``python -m bench.coverage --db
sqlite:///PATH``), beside the library's read-and-decode loop over the same log in the same
run. ``--pragma`` runs SQLite pragmas on every connection first (``cache_size=-131072``), to
try settings without changing the code; ``--repeat N`` prints the median of N rebuilds.
Run it under ``py-spy record`` to see where a rebuild's time goes.
"""

from __future__ import annotations

import argparse
import os
import statistics
from typing import Any

from sqlalchemy import event

from app.bootstrap import Zhucun
from app.store.clock import SettableClock
from app.store.config import parse_database_url
from bench import harness
from bench.coverage import decode_loop_timed
from bench.loader import RECORDED_AT, peak_rss_mib


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.rebuild", description=__doc__)
    parser.add_argument("--db", required=True, help="a kept store: sqlite:///PATH or postgresql")
    parser.add_argument("--model", action="append", default=[], help="only this read model")
    parser.add_argument("--pragma", action="append", default=[], help="SQLite: PRAGMA to run")
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args(argv)
    z = Zhucun(parse_database_url(args.db), SettableClock(RECORDED_AT))
    try:
        if args.pragma:
            if z.engine.dialect.name != "sqlite":
                raise SystemExit("--pragma is for SQLite stores")

            @event.listens_for(z.engine, "connect")
            def _pragmas(dbapi_conn: Any, _: Any) -> None:
                cur = dbapi_conn.cursor()
                for pragma in args.pragma:
                    cur.execute(f"PRAGMA {pragma}")
                cur.close()

            z.engine.dispose()  # connections opened from now on run them
        if args.model:
            known = {m.name for m in z.projections.models}
            unknown = set(args.model) - known
            if unknown:
                raise SystemExit(f"unknown read model(s) {sorted(unknown)}; one of {sorted(known)}")
            z.projections.models = [m for m in z.projections.models if m.name in args.model]
        events = z.store.max_position()
        count, base_s, base_cpu = decode_loop_timed(z)
        walls, cpus = harness.timed_rebuilds(z, args.repeat)
    finally:
        z.close()
    wall_s, cpu_s = statistics.median(walls), statistics.median(cpus)
    names = ", ".join(args.model) or "all read models"
    print(f"{events:,} events; {names}; pragmas: {', '.join(args.pragma) or 'none'}")
    print(
        f"  rebuild {wall_s:.1f} s wall, {cpu_s:.1f} s CPU, {events / wall_s:,.0f} events/s   "
        f"baseline (library read+decode, no writes) {count / base_s:,.0f} events/s   "
        f"ratio {base_s / wall_s:.3f}"
    )
    print(
        f"  CPU: baseline {base_cpu:.1f} s, rebuild {cpu_s:.1f} s, ratio {base_cpu / cpu_s:.3f}   "
        f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )
    # Nothing else in this process holds much: the peak is the rebuild's (or the baseline's
    # pages, far smaller), which is what sizes a rebuild of a larger store.
    print(f"  peak RSS {peak_rss_mib():,.0f} MiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
