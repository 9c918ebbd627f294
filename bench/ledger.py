"""The village work ledger's speed: ``python -m bench.ledger province --db URL [--villages N]``
and ``python -m bench.ledger demo --db URL``.

``province``: a province of N villages (default 10,000: 14 cities, 7 counties each, 13
townships each, 8 villages each), every village poor and surveyed (a form, questionnaires and
statistics tables, two symposiums, three interviews, five opinions, a problem citing two of
them), with an approved annual plan and three measures (one done, one under way, one
overdue), three 六有 goals (one met on evidence, one under way, one not judged) — about 31
events a village, written through the ordinary commands. Then the p50 and
p95 of the ledger of the province, of a city, of a county and of a village
(``Zhucun.ledger``), beside the network summary of the same units (``Zhucun.summary``) and the
raw read of the whole log, measured in the same run, and beside the same ledger with its
roll-up counted from the facts as before the villages' rows were stored (``from_facts``, ADR
028; the two are checked equal). Target: the province's roll-up ≤ 300 ms.
Also the coverage of the same units, which counts the work gaps of every village under them
(``projections/ledger/gaps.py``), and a county's overdue measures listed beside its villages
without a station (a gap of the network, read from stored rows).

``demo``: the store given must hold the Benxi demo (``zhucun --db URL demo``). Times the city's
ledger workbook (``Zhucun.ledger_villages`` + ``write_ledger_workbook``, target ≤ 5 s) beside
openpyxl writing the same number of rows of plain values, and the p50/p95 of a village's ledger
and of the city's roll-up (target ≤ 100 ms each), the latter beside the same roll-up counted
from the facts (``from_facts``); and that roll-up counted from the facts with the survey's
activities checked against their withdrawals (ADR 034) beside the same without the check, in
turn.

Prints the load average before and after: on a shared machine a figure is worth what the
machine's quiet was.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench import harness
from bench.stores import FreshStores

CITIES, COUNTIES, TOWNSHIPS, VILLAGES = 14, 7, 13, 8
PROVINCE = "210000"
OFFICER = {"role": "township_officer", "reason": "bench"}


def _line(command: str, on: str, actor: str = "bench.team", **args: Any) -> str:
    envelope = OFFICER | {"actor": actor}
    return json.dumps(
        {"command": command, "args": args, "occurred_on": on, **envelope}, ensure_ascii=False
    )


def _units(villages: int) -> Iterator[tuple[str, str, str, str | None]]:
    """(code, name, level, parent) from the province down, at most ``villages`` villages."""
    yield PROVINCE, "辽宁省", "province", None
    made = 0
    for c in range(1, CITIES + 1):
        city = f"21{c:02d}00"
        yield city, f"第{c}市", "city", PROVINCE
        for k in range(1, COUNTIES + 1):
            county = f"21{c:02d}{k:02d}"
            yield county, f"第{c}市第{k}县", "county", city
            for t in range(1, TOWNSHIPS + 1):
                township = f"{county}{t:03d}"
                yield township, f"{county}镇{t}", "township", county
                for v in range(1, VILLAGES + 1):
                    if made == villages:
                        return
                    made += 1
                    yield f"{township}{v:03d}", f"村{made}", "village", township


def _village_lines(code: str, township: str, n: int) -> list[str]:
    opinion = [f"00000000-0000-4000-8005-{n * 10 + i:012d}" for i in range(5)]
    problem = f"00000000-0000-4000-8006-{n:012d}"
    plan = f"00000000-0000-4000-8007-{n:012d}"
    measure = [f"00000000-0000-4000-8008-{n * 10 + i:012d}" for i in range(3)]
    lines = [
        _line("declare_poor_village", "2014-03-01", unit=code),
        _line(
            "register_village_form",
            "2014-06-10",
            village=code,
            committee_size=5,
            secretary="刘书记",
            assessment="average",
            collective_income=12000,
            collective_assets=350000,
            collective_debts=80000,
            per_capita_income=4120,
            main_problems="集体经济薄弱，道路不通",
        ),
    ]
    for kind, out in (("questionnaire", 40), ("statistics_table", 20)):
        lines.append(
            _line(
                "record_survey_tables",
                "2014-06-05",
                village=code,
                kind=kind,
                handed_out=out,
                returned=out - 1,
            )
        )
    for day in ("2014-06-08", "2014-06-15"):
        lines.append(
            _line(
                "hold_symposium",
                day,
                village=code,
                township_leaders=2,
                committee_members=5,
                party_members=12,
                villager_representatives=15,
                collective_consultation=True,
                topic="分析致贫原因",
            )
        )
    for i in range(3):
        lines.append(
            _line(
                "hold_interview",
                "2014-06-09",
                village=code,
                interviewee=f"村民{i}",
                interviewee_category="villager",
                interviewer="张队长",
            )
        )
    for i, oid in enumerate(opinion):
        lines.append(
            _line(
                "collect_opinion",
                "2014-06-09",
                village=code,
                text=f"希望修路（第{i + 1}条）",
                source="symposium",
                category="conditions",
                id=oid,
            )
        )
    lines += [
        _line(
            "record_survey_problem",
            "2014-06-12",
            village=code,
            description="村路未硬化，雨季出行难",
            root_cause="poor_infrastructure",
            opinions=opinion[:2],
            id=problem,
        ),
        _line(
            "draft_plan",
            "2014-07-01",
            village=code,
            kind="annual",
            year=2014,
            title="2014年度帮扶计划",
            drafted_by="张队长",
            items=[
                {"key": "A1", "text": "硬化村路", "category": "conditions"},
                {"key": "B1", "text": "发展食用菌", "category": "income"},
            ],
            id=plan,
        ),
        _line(
            "approve_plan",
            "2014-07-15",
            actor="bench.township",
            plan=plan,
            approver="王镇长",
            approver_unit=township,
        ),
    ]
    for i, (mid, due) in enumerate(
        zip(measure, ("2014-10-01", "2015-06-30", "2014-09-01"), strict=True)
    ):
        lines.append(
            _line(
                "plan_measure",
                "2014-08-01",
                village=code,
                plan=plan,
                item="A1" if i else "B1",
                title=f"措施{i + 1}",
                responsible="张队长",
                due_on=due,
                budget=100000,
                sources=["fiscal"],
                id=mid,
            )
        )
    lines += [
        _line("set_measure_status", "2014-09-01", measure=measure[0], status="under_way"),
        _line("set_measure_status", "2014-09-20", measure=measure[0], status="done"),
        _line("set_measure_status", "2014-09-01", measure=measure[1], status="under_way"),
    ]
    return lines + _six_have_lines(code, township)


EVIDENCE = "村两委班子调整会议记录\n".encode()  # one file, attached once, cited by every village


def _six_have_lines(code: str, township: str) -> list[str]:
    """Three of the six haves: one met on evidence, one under way, one not judged yet."""
    import hashlib

    lines = [
        _line("set_six_have_goal", "2014-07-01", village=code, goal=goal, target="配齐配强")
        for goal in ("leadership_team", "rules_and_mechanisms", "service_venue")
    ]
    lines.append(
        _line(
            "add_six_have_evidence",
            "2014-08-01",
            village=code,
            goal="leadership_team",
            title="班子调整会议记录",
            kind="minutes",
            dated="2014-07-30",
            file=hashlib.sha256(EVIDENCE).hexdigest(),
            file_name="会议记录.txt",
        )
    )
    for goal, status in (("leadership_team", "met"), ("rules_and_mechanisms", "under_way")):
        lines.append(
            _line(
                "judge_six_have_goal",
                "2014-09-01",
                actor="bench.township",
                village=code,
                goal=goal,
                status=status,
                judged_by="王镇长",
                judge_unit=township,
            )
        )
    return lines


def load_province(z: Any, villages: int) -> tuple[int, float]:
    """The province through ``apply``, a township's lines a batch: events and seconds."""
    start = time.perf_counter()
    z.attach_file(EVIDENCE)
    units = list(_units(villages))
    above = [u for u in units if u[2] != "village"]
    z.apply_text(
        "\n".join(
            _line(
                "open_unit", "2014-01-01", code=c, name=n, level=lv, **({"parent": p} if p else {})
            )
            for c, n, lv, p in above
        )
    )
    batch: list[str] = []
    township = None
    for n, (code, name, _, parent) in enumerate(u for u in units if u[2] == "village"):
        if parent != township and batch:
            z.apply_text("\n".join(batch))
            batch = []
        township = parent
        batch.append(
            _line("open_unit", "2014-01-01", code=code, name=name, level="village", parent=parent)
        )
        batch += _village_lines(code, str(parent), n)
        if n % 800 == 0:
            print(f"  … {n:,} villages", file=sys.stderr, flush=True)
    if batch:
        z.apply_text("\n".join(batch))
    z.projections.catch_up()
    return z.store.max_position(), time.perf_counter() - start


def from_facts(z: Any, code: str) -> dict[str, Any] | None:
    """The ledger of ``code`` today with its roll-up counted from the facts, as before the
    villages' rows were stored (ADR 028): the baseline beside ``Zhucun.ledger``."""
    from projections.ledger import queries

    with z.projections.reading() as conn:
        return queries.ledger(conn, code, z.today(), None, stored=False)


def facts_with_and_without_withdrawals(
    z: Any, code: str, runs: int
) -> tuple[list[float], list[float]]:
    """The roll-up of ``code`` counted from the facts, its activities checked against the
    withdrawals (ADR 034, ``tables.counted``) and, as the baseline, read as before (``seen``
    alone): one run of each in turn, so both see the same machine. Milliseconds, shortest
    first."""
    from projections.ledger import queries, tables

    checked, plain = [], []
    for _ in range(runs):
        for times, check in ((checked, tables.counted), (plain, tables.seen)):
            queries.not_withdrawn = check  # type: ignore[assignment]
            start = time.perf_counter()
            from_facts(z, code)
            times.append((time.perf_counter() - start) * 1000)
    queries.not_withdrawn = tables.counted
    return sorted(checked), sorted(plain)


def province(args: Any) -> dict[str, Any]:
    from app.bootstrap import Zhucun

    stores = FreshStores(args.db, keep=args.keep)
    try:
        store = stores.open(f"ledger-{args.villages}", main=True)  # kept: see bench/stores.py
        z = Zhucun(store.config)
        events, load_s = load_province(z, args.villages)
        units = {
            "province": PROVINCE,
            "city": "210100",
            "county": "210101",
            "village": "210101001001",
        }
        figures: dict[str, Any] = {
            "engine": stores.engine,
            "villages": args.villages,
            "events": events,
            "load_s": round(load_s, 1),
        }
        _, raw_s = harness.raw_read(z)
        figures["raw_read_ms"] = round(raw_s * 1000, 1)
        for level, code in units.items():
            figures[f"ledger_{level}"] = harness.percentiles(
                harness.times_ms(lambda code=code: z.ledger(code), args.runs)
            )
            figures[f"baseline_from_facts_{level}"] = harness.percentiles(
                harness.times_ms(lambda code=code: from_facts(z, code), args.runs)
            )
            figures[f"summary_{level}"] = harness.percentiles(
                harness.times_ms(lambda code=code: z.summary(code), args.runs)
            )
            # Coverage counts the work gaps of every village under the unit (one statement):
            # beside the summary, and beside the network's gaps alone.
            figures[f"coverage_{level}"] = harness.percentiles(
                harness.times_ms(lambda code=code: z.coverage(code), args.runs)
            )
        for kind in ("overdue_measure", "village_without_station"):
            figures[f"gaps_{kind}_county"] = harness.percentiles(
                harness.times_ms(lambda kind=kind: z.gaps(units["county"], kind), args.runs)
            )
        work = z.coverage(PROVINCE)
        assert work is not None
        figures["province_work_gaps"] = {
            k: n for k, n in work["gaps"].items() if k.startswith(("poor_", "overdue", "lapsed"))
        }
        ledger = z.ledger(PROVINCE)
        assert ledger is not None and ledger == from_facts(z, PROVINCE)
        figures["province_surveyed"] = ledger["survey"]["villages_surveyed"]
        figures["province_overdue_measures"] = ledger["measures"]["overdue"]
        figures["province_six_haves_met"] = ledger["six_haves"]["by_goal"]["leadership_team"]["met"]
        z.close()
        return figures
    finally:
        stores.drop(store)
        stores.cleanup()


def demo(args: Any) -> dict[str, Any]:
    from openpyxl import Workbook

    from app.bootstrap import bootstrap
    from app.ledger.workbook import write_ledger_workbook

    z = bootstrap(args.db)
    z.projections.catch_up()
    figures: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "city.xlsx"
        times, written = [], 0
        for _ in range(args.workbooks):
            start = time.perf_counter()
            data = z.ledger_villages("210500")
            assert data is not None
            written = write_ledger_workbook(path, data)
            times.append(time.perf_counter() - start)
        figures["city_workbook_s"] = round(sorted(times)[len(times) // 2], 2)
        figures["city_workbook_rows"] = written
        figures["city_workbook_villages"] = len(data["villages"])
        start = time.perf_counter()
        wb = Workbook(write_only=True)
        ws = wb.create_sheet("plain")
        for n in range(written):
            ws.append([f"21052110020{n % 10}", "某村", "2014-06-05", n, "一行文字", n * 100])
        wb.save(Path(tmp) / "plain.xlsx")
        figures["baseline_plain_workbook_s"] = round(time.perf_counter() - start, 2)
    village = data["villages"][0]["unit"]
    figures["ledger_village"] = harness.percentiles(
        harness.times_ms(lambda: z.ledger(village), args.runs)
    )
    figures["ledger_city"] = harness.percentiles(
        harness.times_ms(lambda: z.ledger("210500"), args.runs)
    )
    figures["baseline_from_facts_city"] = harness.percentiles(
        harness.times_ms(lambda: from_facts(z, "210500"), args.runs)
    )
    assert from_facts(z, "210500") == z.ledger("210500")
    filtered, unfiltered = facts_with_and_without_withdrawals(z, "210500", args.runs)
    figures["from_facts_city_withdrawals_left_out"] = harness.percentiles(filtered)
    figures["baseline_from_facts_city_no_withdrawal_check"] = harness.percentiles(unfiltered)
    figures["summary_city"] = harness.percentiles(
        harness.times_ms(lambda: z.summary("210500"), args.runs)
    )
    z.close()
    return figures


def main(argv: list[str] | None = None) -> int:
    p = harness.parser("bench.ledger", __doc__)
    sub = p.add_subparsers(dest="what", required=True)
    prov = sub.add_parser("province")
    prov.add_argument("--db", default=None, help=harness.NEW_STORE_HELP)
    prov.add_argument("--villages", type=int, default=CITIES * COUNTIES * TOWNSHIPS * VILLAGES)
    prov.add_argument("--runs", type=int, default=40)
    prov.add_argument("--keep", action="store_true")
    d = sub.add_parser("demo")
    d.add_argument("--db", required=True, help="a store holding the Benxi demo")
    d.add_argument("--runs", type=int, default=40)
    d.add_argument("--workbooks", type=int, default=3)
    args = p.parse_args(argv)
    before = os.getloadavg()
    figures = province(args) if args.what == "province" else demo(args)
    figures["load_average_before_after"] = [round(before[0], 2), round(os.getloadavg()[0], 2)]
    return harness.print_json(figures)


if __name__ == "__main__":
    raise SystemExit(main())
