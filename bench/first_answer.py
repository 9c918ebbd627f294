"""The first answer after a bulk load: ``python -m bench.first_answer [--db URL] [--villages N]
[--wait S]``.

Loads N planned villages (bench/scale.py, about 640 events each: 1,600 villages make a
million events) through the bulk path into a new store (a temporary SQLite file, or a new
PostgreSQL schema beside the one named), the read models left at the start of the log; then,
in one process as a web worker runs it:

* **first answer**: a unit's summary and its freshness read as one request reads them
  (``Projections.one_look``), the catch-up bounded by ``--wait`` seconds (2, the web's
  default): how long it took and how far behind it answered;
* **background**: from the load's end, how long until the read models reach the head, the
  catch-up carried on by the thread that the first answer started (``background``); this is
  what an unbounded first answer would have waited, near enough, and is the baseline beside
  the first answer's figure;
* the library's read of the raw log in the same run, and the load average before and after.
"""

from __future__ import annotations

import os
import sys
import time
from typing import Any

from app.bootstrap import Zhucun
from app.store.clock import SettableClock
from bench import harness, scale
from bench.loader import RECORDED_AT
from bench.stores import FreshStores


def first_answer(z: Zhucun, code: str) -> tuple[float, dict[str, Any]]:
    """Seconds to a unit's summary with its freshness, read as one request reads them."""
    start = time.perf_counter()
    with z.projections.one_look():
        summary = z.summary(code)
        fresh = z.freshness()
    if summary is None:
        raise SystemExit(f"no unit {code} in the store")
    return time.perf_counter() - start, fresh


def main(argv: list[str] | None = None) -> int:
    p = harness.parser("bench.first_answer", __doc__)
    p.add_argument("--db", help=harness.NEW_STORE_HELP)
    p.add_argument("--villages", type=int, default=1600)
    p.add_argument("--seed", type=int, default=2014)
    p.add_argument("--wait", type=float, default=2.0, help="the catch-up's bound (seconds)")
    args = p.parse_args(argv)
    load_before = os.getloadavg()
    stores = FreshStores(args.db)
    store = stores.open(f"first-answer-{args.villages}", main=True)
    try:
        loaded = harness.load_province(store, args.villages, args.seed)
        url = store.config.url
        store.close()
        z = Zhucun(store.config, SettableClock(RECORDED_AT))
        try:
            z.projections.wait, z.projections.background = args.wait, True
            loaded_at = time.perf_counter()
            first_s, fresh = first_answer(z, scale.PROVINCE_CODE)
            while z.projections.short:  # the thread the first answer started
                time.sleep(0.1)
            caught_up_s = time.perf_counter() - loaded_at
            last_s, last = first_answer(z, scale.PROVINCE_CODE)
            rows, raw_s = harness.raw_read(z)
        finally:
            z.close()
    finally:
        stores.drop(store)
        stores.cleanup()
    return harness.print_json(
        {
            "store": url.split("?")[0].split("@")[-1],
            "events": loaded.events,
            "load_s": round(loaded.wall_s, 1),
            "wait_s": args.wait,
            "first_answer_s": round(first_s, 2),
            "first_answer_behind": fresh["behind"],
            "caught_up_in_background_s": round(caught_up_s, 1),
            "answer_after_catch_up_s": round(last_s, 3),
            "answer_after_catch_up_behind": last["behind"],
            "raw_read_of_the_log_s": round(raw_s, 1),
            "raw_rows": rows,
            "load_average_before": [round(x, 2) for x in load_before],
            "load_average_after": [round(x, 2) for x in os.getloadavg()],
        }
    )


if __name__ == "__main__":
    sys.exit(main())
