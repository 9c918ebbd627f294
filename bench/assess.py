"""An assessment run and its replay: ``python -m bench.assess --db URL`` on a loaded store
(the demo), and ``python -m bench.assess --db NEW_URL --province 10000`` on a province.

On a store already loaded (``zhucun demo``: 72 teams, June 2014 – June 2017), adopts the Benxi
rule set if none is adopted, then times, in the same process: an assessment of every team
under the unit (``Assessments.run``: the read models read as known at the head, the result
computed and recorded), its replay (recomputed as known at the run's position, and its
inputs checked against the audit chain, docs/adr/033), the replay's two parts alone, and
``--known-now``. The baselines printed beside them, in the same run: reading and decoding
the whole log once (what a replay without read models would need at least: the run's
inputs are most of the log, their count is printed), and the log up to the run's position
hashed again whole (the chain check before ADR 033, what ``audit verify`` does). Medians of
``--runs``.

``--province N`` first loads, into a new store (a new SQLite file, or a PostgreSQL schema
given by ``?schema=``), N villages under one city and county (townships of 99), one team
of ``--team-size`` members per village dispatched on 2014-06-01, and ``--days`` days of
daily check-ins by every member from then (the default, 30 days and 3 members, is about
1 million events: what this two-core machine loads in minutes; a year would be twelve
times that). The assessment measured is then the half-year check 2014H1 of the city.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

from app.assessments.replay import check_chain, replay
from app.audit.chain import Verdict, check_runs, checkpoint
from app.bootstrap import bootstrap
from app.commands import parse_command_line
from bench import checkin
from bench.stores import FreshStores
from domain.assessments.periods import RunKind
from domain.base import Meta
from projections.assessments.facts import positions_read

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
    parser.add_argument("--kind", default="annual", choices=[k.value for k in RunKind])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--province", type=int, default=0, help="villages to load first")
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--team-size", type=int, default=3)
    args = parser.parse_args()
    if args.province:
        loaded = _load_province(args.db, args.province, args.days, args.team_size)
        print(loaded, flush=True)
        args.unit, args.kind, args.period = checkin.CITY, "half_year", "2014H1"
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
    kind = RunKind(args.kind)
    ran, done = timed(lambda: a.run(kind, args.period, args.unit, None, meta), args.runs)
    run_id = UUID(done["run_id"])
    replayed, out = timed(lambda: replay(a, run_id), args.runs)
    assert out["reproduced"], out
    inputs = out["chain"]["inputs_checked"]
    recorded = a.recorded(run_id)

    def recompute() -> Any:
        with a.reading() as (conn, _):
            rules = a.rules_at(conn, recorded.rules_ref, recorded.period, recorded.position)
            return a.compute(conn, recorded.unit, recorded.period, rules, recorded.position)

    def chain() -> Any:
        with a.reading() as (conn, _):
            rules = a.rules_at(conn, recorded.rules_ref, recorded.period, recorded.position)
            facts, _ = a.compute(conn, recorded.unit, recorded.period, rules, recorded.position)
            name, version = rules.ref.split("@")
            read = positions_read(conn, facts, name, int(version), recorded.position)
            t = time.perf_counter()
            check = check_chain(a, conn, recorded.position, recorded.chain_link, read)
            assert check["ok"], check
            return time.perf_counter() - t

    def whole_chain() -> Any:
        with a.reading() as (conn, _):
            check = check_chain(a, conn, recorded.position, recorded.chain_link)
            assert check["ok"], check

    computing, _ = timed(recompute, args.runs)
    chaining = statistics.median(chain() for _ in range(args.runs))
    whole, _ = timed(whole_chain, 1)
    known_now, _ = timed(lambda: replay(a, run_id, known_now=True), args.runs)
    teams = done["summary"]["teams"]
    print(
        f"store {args.db}: {events:,} events, {teams:,} teams, {kind.value} {args.period} "
        f"of {args.unit}; the run rests on {inputs:,} events up to P = {recorded.position:,}"
    )
    print(
        f"baseline: read and decode the whole log   {base:8.2f} s ({events / base:,.0f} events/s)"
    )
    print(f"baseline: the log up to P hashed again     {whole:8.2f} s (the whole-log check)")
    print(f"assess run (compute and record)            {ran:8.2f} s")
    print(f"assess replay (reproduce)                  {replayed:8.2f} s")
    print(f"  of which recompute as known at P         {computing:8.2f} s")
    print(f"  of which its inputs against the chain    {chaining:8.2f} s")
    print(f"assess replay --known-now                  {known_now:8.2f} s")
    sealed = _sealed(z, str(run_id), args.runs)
    print(f"audit verify: a published run's checks      {sealed:8.3f} s (beside the log's walk)")
    print("load average: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    z.close()


def _load_province(url: str, villages: int, days: int, team_size: int) -> str:
    """The province's units, cadres, teams and check-ins, through the command layer in bulk
    (bench/checkin.py's lines), into a new store kept at ``url``."""
    from app.bootstrap import Zhucun

    store = FreshStores(url, keep=True).open("assess-province", main=True)
    store.close()
    z = Zhucun(store.config)
    start = time.perf_counter()
    cadres = villages * team_size
    checkin.load_bulk(z, checkin.setup_lines(cadres, team_size))
    print(f"  … setup {time.perf_counter() - start:,.0f} s", file=sys.stderr, flush=True)
    for d in range(days):
        day = checkin.DISPATCHED + timedelta(days=d)
        checkin.load_bulk(z, [checkin.check_in(c, day) for c in range(cadres)])
        print(f"  … day {d + 1} {time.perf_counter() - start:,.0f} s", file=sys.stderr, flush=True)
    z.projections.catch_up()
    events = z.store.max_position()
    z.close()
    seconds = time.perf_counter() - start
    return (
        f"loaded {villages:,} villages, {villages:,} teams of {team_size}, {days} days of "
        f"check-ins: {events:,} events in {seconds:,.0f} s"
    )


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
