"""Command line start benchmark: ``python -m bench.cli_start --db sqlite:///PATH [--runs N]``.

Times, each in a fresh process and in the same run, interleaved so that the machine's load
falls on all alike:

* ``python -c pass``: the interpreter's own start, the floor of any command;
* ``zhucun --help`` and ``zhucun gaps --help``: the command line with no store opened
  (target 0.15 s);
* ``zhucun summary --unit 210500 --json`` on the store given (the demo store: ``zhucun init``
  and ``zhucun demo`` on it first), the read models already at the head of the log
  (target 0.5 s);
* ``python -X importtime``'s figure for ``app.cli.main`` and ``app.bootstrap``;
* with ``--before PROGRAM``, the same three commands by that program (an earlier commit's
  ``zhucun``), interleaved with the others: the figure before a change beside the figure after.

Prints the median and the range of N runs of each (wall clock), the median CPU time (user +
system) of each, and the load average before and after: a wall-clock figure is only worth as
much as the machine was quiet.

Every process runs with its compiled modules cached in a directory of the run's own
(``PYTHONPYCACHEPREFIX``), ``PYTHONDONTWRITEBYTECODE`` lifted: as on any installation, where
the first run writes them, rather than compiling the project's modules again on each run
(0.2 s and more of a query's start) when the environment forbids writing them.
"""

from __future__ import annotations

import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import harness


def _zhucun() -> list[str]:
    script = Path(sys.executable).with_name("zhucun")
    return [str(script)] if script.exists() else [shutil.which("zhucun") or "zhucun"]


def _cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def _environment(cache: str) -> dict[str, str]:
    """This environment, the compiled modules cached in ``cache``."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return {**env, "PYTHONPYCACHEPREFIX": cache}


ENV: dict[str, str] | None = None  # the children's environment (``_environment``)


def _time(argv: list[str]) -> tuple[float, float]:
    """Wall-clock seconds of one run, and the CPU seconds (user + system) it used: on a busy
    machine the second is what the first would be on a quiet one, near enough."""
    start, cpu = time.perf_counter(), _cpu()
    done = subprocess.run(
        argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=ENV
    )
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed: {done.stderr}")
    return elapsed, _cpu() - cpu


def _import_ms(module: str) -> float:
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", f"import {module}"],
        capture_output=True,
        text=True,
        check=True,
        env=ENV,
    )
    last = [line for line in done.stderr.splitlines() if re.search(rf"\|\s*{module}$", line)]
    return int(last[-1].split("|")[1]) / 1000


def main() -> int:
    p = harness.parser("bench.cli_start", __doc__)
    p.add_argument("--db", required=True, help="the demo store: sqlite:///PATH or postgresql://…")
    p.add_argument("--runs", type=int, default=15, help="runs of each command (default 15)")
    p.add_argument("--unit", default="210500")
    p.add_argument(
        "--before",
        metavar="PROGRAM",
        help="another zhucun program (say an earlier commit's), timed in the same run as "
        "'before: ...' beside this one",
    )
    args = p.parse_args()
    global ENV
    cache = tempfile.mkdtemp(prefix="zhucun-pycache-")
    ENV = _environment(cache)
    try:
        return _run(args)
    finally:
        shutil.rmtree(cache, ignore_errors=True)


def _run(args: Any) -> int:
    zhucun = _zhucun()
    commands = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "zhucun --help": [*zhucun, "--help"],
        "zhucun gaps --help": [*zhucun, "gaps", "--help"],
        f"zhucun summary --unit {args.unit} --json": [
            *zhucun,
            "--db",
            args.db,
            "summary",
            "--unit",
            args.unit,
            "--json",
        ],
    }
    if args.before:
        for name, argv in list(commands.items())[1:]:
            commands[f"before: {name}"] = [args.before, *argv[len(zhucun) :]]
    load_before = os.getloadavg()
    for argv in commands.values():  # once each first: the read models at the head, files cached
        _time(argv)
    runs: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    for _ in range(args.runs):
        for name, argv in commands.items():
            runs[name].append(_time(argv))
    load_after = os.getloadavg()
    figures: dict[str, Any] = {
        "runs": args.runs,
        "cpus": os.cpu_count(),
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in load_after],
        "seconds": {
            name: {
                "median": round(statistics.median(w for w, _ in t), 3),
                "min": round(min(w for w, _ in t), 3),
                "max": round(max(w for w, _ in t), 3),
                "cpu_median": round(statistics.median(c for _, c in t), 3),
            }
            for name, t in runs.items()
        },
        "import_ms": {m: _import_ms(m) for m in ("app.cli.main", "app.bootstrap")},
    }
    return harness.print_json(figures)


if __name__ == "__main__":
    sys.exit(main())
