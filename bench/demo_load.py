"""Where the Benxi demo load spends its CPU: ``python -m bench.demo_load [--db sqlite:///PATH]
[--processes 2]``.

Loads the demo (``app.demo.load.load_demo``) into a new store, with ``time.process_time`` taken
around each step: the commands (use cases and aggregates), writing the log, reading and
decoding it for the read models, and each read model's ``process``. The planning, done before
the load and cached, is timed apart. ``zhucun demo --reset`` is the whole command as a user
runs it; this script says where its time goes. With ``--processes 2`` the read models follow
the log in a second process (``zhucun demo``'s default, ADR 051): the steps are this process's,
and the follower's CPU is given as a whole.
"""

from __future__ import annotations

import contextlib
import os
import resource
import time
from collections import defaultdict
from typing import Any

from app.bootstrap import Zhucun
from app.demo.follower import following
from app.demo.load import CHUNK_EVENTS, estimated_events, load_demo
from app.store.config import parse_database_url
from bench import harness
from bench.loader import peak_rss_mib


def measure(db: str, processes: int = 1) -> dict[str, Any]:
    config = parse_database_url(db)
    if config.sqlite_path is None:
        raise SystemExit("--db must be sqlite:///PATH (a new file is made there)")
    for suffix in ("", "-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            os.remove(f"{config.sqlite_path}{suffix}")
    z = Zhucun(config)
    try:
        start = time.process_time()
        estimated_events()
        planning = time.process_time() - start
        spent: dict[str, float] = defaultdict(float)

        def timed(obj: Any, name: str, key: str) -> None:
            harness.add_time_spent(obj, name, spent, key, clock=time.process_time)

        for model in z.projections.models:
            timed(model, "process", f"read model: {model.name}")
        timed(z.store, "read_log", "reading and decoding the log")
        timed(z.store, "write_bulk", "writing the log")
        timed(z, "run_in", "the commands")
        children = _children_cpu()
        wall, cpu = time.perf_counter(), time.process_time()
        if processes == 2:
            with following(z, CHUNK_EVENTS + 1000) as follower:
                report = load_demo(z, follower=follower)
        else:
            report = load_demo(z)
        cpu = time.process_time() - cpu
        wall = time.perf_counter() - wall
        follower_cpu = _children_cpu() - children
    finally:
        z.close()
    steps = dict(sorted(spent.items(), key=lambda kv: -kv[1]))
    steps["the rest"] = cpu - sum(spent.values())
    return {
        "processes": processes,
        "events": report.events,
        "planning_cpu_s": round(planning, 1),
        "load_wall_s": round(wall, 1),
        "load_cpu_s": round(cpu, 1),
        "steps_cpu_s": {k: round(v, 1) for k, v in steps.items()},
        "follower_cpu_s": round(follower_cpu, 1),
        "peak_rss_mib": round(peak_rss_mib()),
        "load_average": round(os.getloadavg()[0], 2),
    }


def _children_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def main(argv: list[str] | None = None) -> int:
    parser = harness.parser("bench.demo_load", __doc__)
    parser.add_argument("--db", default="sqlite:////tmp/zhucun-bench-demo.db")
    parser.add_argument("--processes", type=int, choices=(1, 2), default=1)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    r = measure(args.db, args.processes)
    if args.json:
        return harness.print_json(r)
    print(
        f"Benxi demo, {r['processes']} process(es): {r['events']:,} events, "
        f"load {r['load_wall_s']} s wall, "
        f"{r['load_cpu_s']} s CPU (planning before it: {r['planning_cpu_s']} s CPU), "
        f"peak RSS {r['peak_rss_mib']} MiB, load average {r['load_average']}"
    )
    for step, seconds in r["steps_cpu_s"].items():
        print(f"  {step:<34} {seconds:6.1f} s CPU")
    if r["processes"] == 2:
        print(f"  {'the follower (second process)':<34} {r['follower_cpu_s']:6.1f} s CPU")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
