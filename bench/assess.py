"""An assessment run and its replay at demo scale: ``python -m bench.assess --db URL``.

On a store already loaded (``zhucun demo``: 72 teams, June 2014 – June 2017), adopts the Benxi
rule set if none is adopted, then times, in the same process: an annual assessment of every
team under the city (``Assessments.run``: the read models read as known at the head, the
result computed and recorded), its replay (recomputed as known at the run's position, and
the log up to it hashed again against the audit chain), the replay's two parts alone, and
``--known-now``. The baseline printed beside them: reading and decoding the whole log once
(what a replay without read models would need at least). Medians of ``--runs``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

from app.assessments.replay import check_chain, replay
from app.audit.chain import Verdict, check_runs, checkpoint
from app.bootstrap import bootstrap
from app.commands import parse_command_line
from domain.assessments.periods import RunKind
from domain.base import Meta

RULES = (
    Path(__file__).resolve().parent.parent
    / "rules"
    / "assessment"
    / "benxi-2014-assessment.v1.json"
)


def timed(fn: Callable[[], Any], runs: int) -> tuple[float, Any]:
    seconds, out = [], None
    for _ in range(runs):
        t = time.perf_counter()
        out = fn()
        seconds.append(time.perf_counter() - t)
    return statistics.median(seconds), out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", required=True)
    parser.add_argument("--unit", default="210500")
    parser.add_argument("--period", default="2015")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    z = bootstrap(args.db)
    a = z.assessments
    if not a.rule_sets():
        line = {
            "command": "adopt_assessment_rules",
            "args": {
                "rules": json.loads(RULES.read_text(encoding="utf-8")),
                "effective_from": "2014-01-01",
            },
            "actor": "bench",
            "role": "city_admin",
            "occurred_on": "2014-06-20",
            "reason": "bench",
        }
        z.apply_text(json.dumps(line, ensure_ascii=False))
    z.projections.catch_up()
    events = z.store.max_position()
    meta = Meta("bench", "city_admin", z.today(), "bench", datetime.now(UTC))

    def decode_all() -> int:
        return sum(len(page) for page in z.store.iter_log(0, 10_000))

    base, _ = timed(decode_all, 1)
    ran, done = timed(lambda: a.run(RunKind.ANNUAL, args.period, args.unit, None, meta), args.runs)
    run_id = UUID(done["run_id"])
    replayed, out = timed(lambda: replay(a, run_id), args.runs)
    assert out["reproduced"], out
    recorded = a.recorded(run_id)

    def recompute() -> Any:
        with a.reading() as (conn, _):
            rules = a.rules_at(conn, recorded.rules_ref, recorded.period, recorded.position)
            return a.compute(conn, recorded.unit, recorded.period, rules, recorded.position)

    def chain() -> Any:
        with a.reading() as (conn, _):
            return check_chain(a, conn, recorded.position, recorded.chain_link)

    computing, _ = timed(recompute, args.runs)
    chaining, _ = timed(chain, args.runs)
    known_now, _ = timed(lambda: replay(a, run_id, known_now=True), args.runs)
    teams = done["summary"]["teams"]
    print(f"store {args.db}: {events:,} events, {teams} teams, annual {args.period} of {args.unit}")
    print(
        f"baseline: read and decode the whole log   {base:8.2f} s ({events / base:,.0f} events/s)"
    )
    print(f"assess run (compute and record)            {ran:8.2f} s")
    print(f"assess replay (reproduce)                  {replayed:8.2f} s")
    print(f"  of which recompute as known at P         {computing:8.2f} s")
    print(f"  of which the audit chain up to P         {chaining:8.2f} s")
    print(f"assess replay --known-now                  {known_now:8.2f} s")
    sealed = _sealed(z, str(run_id), args.runs)
    print(f"audit verify: a published run's checks      {sealed:8.3f} s (beside the log's walk)")
    print("load average: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    z.close()


def _sealed(z: Any, run_id: str, runs: int) -> float:
    """The run published, sealed in a checkpoint, and the checks ``audit verify`` makes of
    it beyond walking the log (ADR 031): its event read, its digest compared, its result
    hashed again, its link compared."""
    if not any(r["published"] for r in z.assessments.runs() if r["run_id"] == run_id):
        line = {
            "command": "publish_assessment_run",
            "args": {"run": run_id},
            "actor": "bench",
            "role": "city_admin",
            "occurred_on": z.today().isoformat(),
            "reason": "bench",
        }
        z.execute([parse_command_line(line)])
    z.projections.catch_up()
    seals = [s for s in checkpoint(z.engine).runs if s.run_id == run_id]
    verdict = Verdict(_links_at={s.position: bytes.fromhex(s.chain_link) for s in seals})
    seconds, problems = timed(lambda: check_runs(z.store, seals, verdict), runs)
    assert seals and problems == [], problems
    return seconds


if __name__ == "__main__":
    main()
