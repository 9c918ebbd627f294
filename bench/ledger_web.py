"""The village ledger's 六有 and funds on the web: ``python -m bench.ledger_web --db URL``.

Starts ``zhucun serve`` against a store holding the Benxi demo (``zhucun demo``, with its
accounts; bench/web.py's server and login), logs in as ``city_admin`` and times sequential
requests, p50 / p95 / max in milliseconds: a village's 六有 tab and funds tab (with its chart's
figures), the city's and a county's roll-ups (their funds by source and chart), each today
and on a new past day every request (nothing kept in memory reused); and one evidence file
downloaded (its hash checked, the read recorded). The baseline in the same run: the same
village's survey tab (the ledger page before these tabs) and the login page. Target: a
village's ledger page p95 <= 100 ms (issue 15). The load average is printed beside.

``--fill VILLAGE`` first records, in that store (use a copy), what the demo does not have yet
for the village: its six 六有 goals, each with three evidence files and judged, and for every
funding source of each of its measures an allocation and three expenditures.
"""

from __future__ import annotations

import json
import os
import re
from datetime import date, timedelta
from typing import Any

from bench.web import free_port, latency, login, pages_parser, running_server, timed

TARGET_MS = 100.0
EVIDENCE_PER_GOAL = 3
SPENT_PER_SOURCE = 3


def fill(db: str, village: str) -> int:
    """Record the village's 六有 goals with evidence and judgements, and funds for its
    measures; the number of lines recorded (a line the domain refuses is left out)."""
    from app.bootstrap import BatchRefused, bootstrap
    from app.commands import parse_command_line
    from domain.errors import ZhucunError
    from domain.ledger.goals import SixHave

    z = bootstrap(db)
    found = z.ledger(village)
    assert found is not None and found["level"] == "village", village
    township = village[:9]
    today = z.today()
    lines: list[tuple[str, str, dict[str, Any]]] = []
    for n, goal in enumerate(SixHave):
        lines.append(("2014-07-01", "set_six_have_goal", {"goal": goal.value, "target": "目标"}))
        for k in range(EVIDENCE_PER_GOAL):
            content = f"{village} {goal.value} 证据 {k}\n".encode() * 50
            sha = z.attach_file(content)["file"]
            evidence = {"goal": goal.value, "title": f"证据 {k + 1}", "kind": "minutes"}
            evidence |= {"dated": "2014-08-01", "file": sha, "file_name": f"证据{k + 1}.txt"}
            lines.append((f"2014-08-0{k + 2}", "add_six_have_evidence", evidence))
        status = ("not_started", "under_way", "met")[n % 3]
        judged = {"goal": goal.value, "status": status, "judged_by": "王部长"}
        lines.append(("2014-09-01", "judge_six_have_goal", judged | {"judge_unit": township}))
    for m, measure in enumerate(found["measures"]):
        start = date.fromisoformat(measure["planned_on"]) + timedelta(days=30)
        for source in measure["sources"]:
            voucher = f"B{m:03d}-{source[:4]}"
            allocated = {"source": source, "amount": "90000", "voucher": f"JZ-{voucher}"}
            allocated |= {"allocated_by": "县财政局", "measure": measure["id"]}
            lines.append((str(min(start, today)), "allocate_funds", allocated))
            for k in range(SPENT_PER_SOURCE):
                spent = {"source": source, "amount": "1000", "voucher": f"ZC-{voucher}-{k}"}
                spent |= {"measure": measure["id"], "payee": "施工方", "purpose": "工程款"}
                day = min(start + timedelta(days=k + 1), today)
                lines.append((str(day), "record_expenditure", spent))
    recorded = 0
    for day, command, args in lines:
        line = {
            "command": command,
            "args": {"village": village} | args,
            "actor": "bench.fill",
            "role": "city_admin",
            "occurred_on": day,
            "reason": "bench",
        }
        try:
            z.execute([parse_command_line(line)])
        except (BatchRefused, ZhucunError):
            continue
        recorded += 1
    z.close()
    return recorded


def village_with_evidence(
    opener: Any, base: str, county: str, first: str | None
) -> tuple[str, str | None]:
    """A village of the county (``first`` if given) whose 六有 tab links to an evidence file
    (the first village when none does), and that file's address."""
    html = opener.open(f"{base}/units/{county}/ledger").read().decode()
    villages = re.findall(r'id="village-(\d{12})"', html)
    for code in ([first] if first else []) + villages[:20]:
        tab = opener.open(f"{base}/units/{code}/ledger?tab=goals").read().decode()
        found = re.search(r'class="download" href="([^"]+)"', tab)
        if found:
            return code, found.group(1).replace("&amp;", "&")
    return villages[0], None


def main(argv: list[str] | None = None) -> None:
    parser = pages_parser(__doc__, requests=40)
    parser.add_argument("--fill", metavar="VILLAGE", help="record goals and funds there first")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if args.fill:
        print(f"recorded for {args.fill}: {fill(args.db, args.fill)} lines")

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with running_server(args.db, port):
        opener = login(base, args.username, args.password)
        village, file = village_with_evidence(opener, base, "210521", args.fill)
        ledger = f"/units/{village}/ledger"
        pages: dict[str, list[str]] = {
            "baseline: login page (no data)": ["/login"],
            f"baseline: village {village}, survey tab": [ledger],
            f"village {village}, 六有 tab": [f"{ledger}?tab=goals"],
            f"village {village}, funds tab and chart": [f"{ledger}?tab=funds"],
            "county 210521 roll-up with funds chart": ["/units/210521/ledger"],
            "city 210500 roll-up with funds chart": ["/units/210500/ledger"],
        }
        if file:
            pages["an evidence file (hash checked, read recorded)"] = [file]
        days = [date(2014, 7, 1) + timedelta(days=7 * i) for i in range(args.requests + 3)]
        pages |= {
            f"baseline: village {village}, survey tab, a new past day each time": [
                f"{ledger}?as_of={d}" for d in days
            ],
            f"village {village}, funds tab, a new past day each time": [
                f"{ledger}?tab=funds&as_of={d}" for d in days
            ],
            f"village {village}, 六有 tab, a new past day each time": [
                f"{ledger}?tab=goals&as_of={d}" for d in days
            ],
        }
        for paths in pages.values():  # every page once first: the read models caught up
            opener.open(base + paths[-1]).read()
        results = []
        for name, paths in pages.items():
            ms = timed(opener, [base + p for p in paths], args.requests)
            results.append({"page": name, **latency(ms)})
    load = os.getloadavg()
    if args.json:
        print(json.dumps({"results": results, "load": load}, ensure_ascii=False, indent=2))
        return
    print(f"target: a village's ledger page p95 <= {TARGET_MS:.0f} ms")
    print(f"{'page':<66} {'n':>4} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for r in results:
        print(
            f"{r['page']:<66} {r['requests']:>4} {r['p50_ms']:>8} {r['p95_ms']:>8} {r['max_ms']:>8}"
        )
    print("load average: " + " ".join(f"{x:.2f}" for x in load))


if __name__ == "__main__":
    main()
