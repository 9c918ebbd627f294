"""Daily check-ins through the ordinary command path: ``python -m bench.checkin [--db URL]``.

Each check-in is one command through the facade, as ``zhucun apply`` sends it
(``Zhucun.apply_text``): parsed, checked against the cadre, the team and the member's month,
committed in its own transaction. The read models are left to the next query, as after every
command (docs/projections.md, section 3).

In the same run, the baseline: the eventsourcing library's plain get + save per command, one
stream per cadre that grows by one event per check-in (an ``Application`` with a one-event
aggregate: ``repository.get(id)``, then ``save(agg)``), on a fresh stream and on a stream
grown to ``--grown`` events.

Ours is measured twice: in the first month of the teams' term, and again after ``--age-months``
months of daily check-ins for every cadre (loaded before through the same command layer, in
bulk), to show that a member's years of history do not make a check-in slower (ADR 006).
The machine is shared: figures are medians of ``--rounds`` rounds of ``--per-round``
commands, and ours and the baseline alternate round by round.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event

from app.bootstrap import Zhucun
from app.store.config import parse_database_url
from app.store.event_store import ensure_schema
from bench import harness
from bench.stores import FreshStores

DISPATCHED = date(2014, 6, 1)  # the teams' first day; their term runs three years
TERM_LAST = date(2017, 5, 31)
CITY, COUNTY, TOWNSHIP = "210500", "210521", "210521100"
UNIT = "BENCH-CITY-AGRI"
TARGET_SQLITE = 1500  # commands/s (issue: "≥ 1,500 commands/s on SQLite")


def cadre_id(n: int) -> str:
    return f"00000000-0000-0000-0b02-{n:012d}"


def team_id(n: int) -> str:
    return f"00000000-0000-0000-0b03-{n:012d}"


def village_code(n: int, per_township: int = 99) -> str:
    """Villages 201…299 of townships 100, 101, …"""
    return f"{COUNTY}{100 + n // per_township:03d}{201 + n % per_township:03d}"


def line(
    command: str,
    on: date | str,
    actor: str = "bench",
    role: str = "city_admin",
    reason: str = "benchmark",
    **args: Any,
) -> str:
    return json.dumps(
        {
            "command": command,
            "args": args,
            "actor": actor,
            "role": role,
            "occurred_on": str(on),
            "reason": reason,
        },
        ensure_ascii=False,
    )


def setup_lines(cadres: int, team_size: int = 3) -> list[str]:
    """A city, a county, its townships and villages, one dispatching unit, the cadres and one
    team of ``team_size`` per village, the first of each team its leader."""
    on = "2014-01-01"
    teams = (cadres + team_size - 1) // team_size
    out = [
        line("open_unit", on, code=CITY, name="本溪市", level="city"),
        line("open_unit", on, code=COUNTY, name="本溪满族自治县", level="county", parent=CITY),
    ]
    townships = sorted({village_code(t)[:9] for t in range(teams)})
    out += [
        line("open_unit", on, code=t, name=f"镇{t[-3:]}", level="township", parent=COUNTY)
        for t in townships
    ]
    out += [
        line(
            "open_unit",
            on,
            code=village_code(t),
            name=f"村{t + 1}",
            level="village",
            parent=village_code(t)[:9],
        )
        for t in range(teams)
    ]
    out.append(
        line(
            "register_dispatching_unit",
            on,
            code=UNIT,
            name="本溪市农委",
            level="city",
            sector="agriculture",
        )
    )
    for c in range(cadres):
        leader = c % team_size == 0
        out.append(
            line(
                "register_cadre",
                on,
                name=f"干部{c + 1}",
                unit=UNIT,
                rank="deputy_division" if leader else "clerk",
                party_member=True,
                id=cadre_id(c),
            )
        )
    for t in range(teams):
        out.append(
            line("dispatch_team", DISPATCHED, unit=UNIT, village=village_code(t), id=team_id(t))
        )
    for c in range(cadres):
        out.append(
            line(
                "join_team",
                DISPATCHED,
                team=team_id(c // team_size),
                cadre=cadre_id(c),
                as_leader=c % team_size == 0,
            )
        )
    return out


def check_in(cadre: int, day: date) -> str:
    return line(
        "check_in",
        day,
        actor=f"干部{cadre + 1}",
        role="team_member",
        reason="每日签到",
        cadre=cadre_id(cadre),
        place="村部",
    )


def check_ins(cadres: int, first: date) -> Iterator[str]:
    """Every cadre once a day, day after day from ``first``."""
    day = first
    while True:
        for c in range(cadres):
            yield check_in(c, day)
        day += timedelta(days=1)


def load_bulk(z: Zhucun, lines: list[str], chunk: int = 20_000) -> None:
    """Lines through the command layer, committed in large bulk transactions (as ``zhucun
    apply`` does with a large file), then the read models caught up."""
    for i in range(0, len(lines), chunk):
        z.apply_text("\n".join(lines[i : i + chunk]), bulk=True)


class Timed:
    """Time spent in a few calls of the facade, to say where a command's time goes."""

    def __init__(self, z: Zhucun) -> None:
        self.spent = {"catch_up": 0.0, "save": 0.0}
        harness.add_time_spent(z.projections, "catch_up", self.spent, "catch_up")
        harness.add_time_spent(z.store, "save", self.spent, "save")

    def reset(self) -> None:
        for k in self.spent:
            self.spent[k] = 0.0


def ours_round(z: Zhucun, feed: Iterator[str], n: int, timed: Timed) -> dict[str, float]:
    commands = [next(feed) for _ in range(n)]
    timed.reset()
    t, cpu = time.perf_counter(), time.process_time()
    for text in commands:
        z.apply_text(text)
    total = time.perf_counter() - t
    cpu = time.process_time() - cpu
    per = 1000 / n
    return {
        "rate": n / total,
        "ms": total * per,
        "cpu_ms": cpu * per,
        "catch_up_ms": timed.spent["catch_up"] * per,
        "save_ms": timed.spent["save"] * per,
    }


# -- the baseline: the library's get + save, one growing stream per cadre ---------------------


class Tally(Aggregate):
    """One cadre's check-ins, all in one stream."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.days = 0

    @event("CheckedIn")
    def check_in(self, day: str, place: str) -> None:
        self.days += 1


class Baseline:
    def __init__(self, url: str, cadres: int) -> None:
        config = parse_database_url(url)
        ensure_schema(config)
        self.app: Application[UUID] = Application(env=config.es_env)
        self.cadres = cadres

    def streams(self, grown: int) -> list[UUID]:
        """New streams, one per cadre, each already ``grown`` check-ins long."""
        ids = []
        for c in range(self.cadres):
            agg = Tally(f"干部{c + 1}")
            for i in range(grown):
                agg.check_in(str(DISPATCHED + timedelta(days=i)), "村部")
            self.app.save(agg)
            ids.append(agg.id)
        return ids

    def round(self, ids: list[UUID], n: int) -> float:
        t = time.perf_counter()
        for i in range(n):
            agg = self.app.repository.get(ids[i % len(ids)])
            agg.check_in(str(DISPATCHED + timedelta(days=i)), "村部")
            self.app.save(agg)
        return n / (time.perf_counter() - t)

    def close(self) -> None:
        self.app.close()


def measure(args: argparse.Namespace) -> dict[str, Any]:
    stores = FreshStores(args.db)
    ours_store = stores.open("checkin")
    base_url = stores.url("checkin-baseline")
    if stores.engine == "postgresql":
        stores._schemas.append(parse_database_url(base_url))  # dropped with the others
    ours_store.close()
    z = Zhucun(ours_store.config)
    baseline = Baseline(base_url, args.cadres)
    try:
        t = time.perf_counter()
        load_bulk(z, setup_lines(args.cadres))
        setup_s = time.perf_counter() - t
        timed = Timed(z)
        feed = check_ins(args.cadres, DISPATCHED)
        fresh_ours, fresh_base = [], []
        for _ in range(args.rounds):
            fresh_ours.append(ours_round(z, feed, args.per_round, timed))
            fresh_base.append(baseline.round(baseline.streams(0), args.per_round))
        # Age every cadre by months of daily check-ins, through the same command layer in
        # bulk, up to the first day of the last measured month.
        done = args.rounds * args.per_round // args.cadres + 1
        aged_from = DISPATCHED + timedelta(days=done)
        # ... leaving room in the three-year term for the rounds measured after it.
        needed = -(-args.rounds * args.per_round // args.cadres) + 1
        aged_to = min(_add_months(DISPATCHED, args.age_months), TERM_LAST - timedelta(days=needed))
        t = time.perf_counter()
        aging = [
            check_in(c, aged_from + timedelta(days=d))
            for d in range((aged_to - aged_from).days)
            for c in range(args.cadres)
        ]
        load_bulk(z, aging)
        age_s = time.perf_counter() - t
        feed = check_ins(args.cadres, aged_to)
        aged_ours, grown_base = [], []
        grown_ids = [baseline.streams(args.grown) for _ in range(args.rounds)]
        for r in range(args.rounds):
            aged_ours.append(ours_round(z, feed, args.per_round, timed))
            grown_base.append(baseline.round(grown_ids[r], args.per_round))
        history = _history_latency(z, args.history_runs)
        events = z.store.max_position()
    finally:
        baseline.close()
        z.close()
        stores.cleanup()

    def median(rounds: list[dict[str, float]], key: str) -> float:
        return statistics.median(r[key] for r in rounds)

    ours_fresh, ours_aged = median(fresh_ours, "rate"), median(aged_ours, "rate")
    base_fresh, base_grown = statistics.median(fresh_base), statistics.median(grown_base)
    return {
        "engine": stores.engine,
        "cadres": args.cadres,
        "rounds": args.rounds,
        "per_round": args.per_round,
        "setup_s": round(setup_s, 1),
        "aging": {"months": args.age_months, "check_ins": len(aging), "s": round(age_s, 1)},
        "log_events": events,
        "ours_first_month_per_s": round(ours_fresh),
        "ours_after_months_per_s": round(ours_aged),
        "baseline_fresh_stream_per_s": round(base_fresh),
        "baseline_grown_stream_per_s": round(base_grown),
        "baseline_grown_to": args.grown,
        "ratio_first_month": round(ours_fresh / base_fresh, 3),
        "ratio_after_months": round(ours_aged / base_grown, 3),
        "ratio_ours_after_to_baseline_fresh": round(ours_aged / base_fresh, 3),
        "ours_rounds_first_month": [round(r["rate"]) for r in fresh_ours],
        "ours_rounds_after_months": [round(r["rate"]) for r in aged_ours],
        "baseline_rounds_fresh": [round(x) for x in fresh_base],
        "baseline_rounds_grown": [round(x) for x in grown_base],
        "ms_per_command_after_months": {
            "total": round(median(aged_ours, "ms"), 2),
            "cpu": round(median(aged_ours, "cpu_ms"), 3),
            "catch_up_before_and_after": round(median(aged_ours, "catch_up_ms"), 2),
            "save": round(median(aged_ours, "save_ms"), 2),
        },
        "cadre_history": history,
    }


def _add_months(day: date, months: int) -> date:
    y, m = divmod(day.month - 1 + months, 12)
    return day.replace(year=day.year + y, month=m + 1, day=1)


def _history_latency(z: Zhucun, runs: int) -> dict[str, Any]:
    """``zhucun history --cadre`` of a cadre with all those months of daily check-ins."""
    cadre = UUID(cadre_id(1))
    rows = z.history_of_cadre(cadre)
    times = harness.times_ms(lambda: z.history_of_cadre(cadre), runs)
    return {"events": len(rows), "p50_ms": round(statistics.median(times), 1), "runs": runs}


def main(argv: list[str] | None = None) -> int:
    parser = harness.parser("bench.checkin", __doc__)
    parser.add_argument(
        "--db",
        default=None,
        help="sqlite:///PATH (new file) or "
        "postgresql://...?schema=NAME (new schemas are made from it)",
    )
    parser.add_argument("--cadres", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--per-round", type=int, default=300, help="commands per round")
    parser.add_argument(
        "--age-months",
        type=int,
        default=35,
        help="months of daily check-ins before the second measurement",
    )
    parser.add_argument(
        "--grown",
        type=int,
        default=1000,
        help="events in each baseline stream before its grown rounds",
    )
    parser.add_argument("--history-runs", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    r = measure(args)
    if args.json:
        return harness.print_json(r)
    target = f"   (target on SQLite: ≥ {TARGET_SQLITE:,}/s)" if r["engine"] == "sqlite" else ""
    print(
        f"{r['engine']}: {r['cadres']} cadres, {r['rounds']} rounds of {r['per_round']} "
        f"check-ins each, medians; one command per transaction"
    )
    print(
        f"  ours, zhucun apply path   first month      {r['ours_first_month_per_s']:>7,} /s   "
        f"after {r['aging']['months']} months {r['ours_after_months_per_s']:>7,} /s{target}"
    )
    print(
        f"  baseline get + save       fresh stream     {r['baseline_fresh_stream_per_s']:>7,} /s"
        f"   grown to {r['baseline_grown_to']:,} {r['baseline_grown_stream_per_s']:>7,} /s"
    )
    print(
        f"  ratio ours / baseline     {r['ratio_first_month']:>21}   {r['ratio_after_months']:>18}"
    )
    ms = r["ms_per_command_after_months"]
    print(
        f"  per command, after the months: {ms['total']} ms ({ms['cpu']} ms of CPU in this "
        f"process), of which catching the read models up {ms['catch_up_before_and_after']} ms "
        f"and the library's save {ms['save']} ms"
    )
    h = r["cadre_history"]
    print(f"  history --cadre after the months: {h['events']:,} events, p50 {h['p50_ms']} ms")
    print(
        f"  rounds: ours {r['ours_rounds_first_month']} then {r['ours_rounds_after_months']}; "
        f"baseline {r['baseline_rounds_fresh']} then {r['baseline_rounds_grown']}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
