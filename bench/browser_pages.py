"""Speed as users feel it: ``python -m bench.browser_pages --db URL [--visits N]``.

Starts ``zhucun serve`` against a store holding the Benxi demo (``zhucun demo``), drives
Debian's headless Chromium (Playwright, ``/usr/bin/chromium``) through the pages an official
opens daily, and times each navigation from its start to the page's load event (the
Navigation Timing entry's ``loadEventEnd``: HTML, styles, scripts, the charts' first data
request included in what the page waits for). Each page is visited ``--visits`` times; the
first visit of a new past day is timed separately (nothing of it kept by the server). The
baseline, in the same run: the login page, which reads no data. Target: p95 ≤ 1 s for every
page. Prints the load average before and after.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
from typing import Any

from bench.web import free_port, start_server

CHROMIUM = "/usr/bin/chromium"
TARGET_MS = 1000.0


def _load_ms(page: Any, url: str) -> float:
    page.goto(url, wait_until="load")
    timing = page.evaluate(
        "() => { const n = performance.getEntriesByType('navigation')[0];"
        " return n.loadEventEnd - n.startTime; }"
    )
    return float(timing)


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(len(ordered) * 0.95) - 1)]


def _pages(page: Any, base: str) -> dict[str, str]:
    """The daily pages, found from the demo's own links (the first village and team)."""
    page.goto(f"{base}/units/210521", wait_until="load")
    township = page.get_attribute("[id^=child-]", "id")
    assert township
    page.goto(f"{base}/units/{township.removeprefix('child-')}", wait_until="load")
    village = page.get_attribute("[id^=child-]", "id")
    assert village
    code = village.removeprefix("child-")
    page.goto(f"{base}/teams?unit=210521&as_of=2015-06-30", wait_until="load")
    team = page.get_attribute("a.team-name", "href")  # serving then, with its day
    assert team
    page.goto(f"{base}{team}", wait_until="load")
    team_id = team.split("?")[0].rsplit("/", 1)[1]
    cadre = page.get_attribute("#roster a[href^='/history/cadre/']", "href")
    return {
        "baseline: login page": "/login",
        "dashboard (the city)": "/units/210500",
        "a county": "/units/210521",
        "a village": f"/units/{code}",
        "a township's gap list": f"/units/{code[:9]}/gaps",
        "work teams": "/teams",
        "a team": team,
        "a team's history (a page)": f"/history/team/{team_id}",
        **({"a cadre's history (a page)": cadre} if cadre else {}),
        "the village's ledger": f"/units/{code}/ledger",
        "the city's ledger roll-up": "/units/210500/ledger",
        "the audit log": "/audit",
        "search": "/search?q=wgl",
        "assessments": "/assessments",
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.browser_pages", description=__doc__)
    parser.add_argument("--db", required=True, help="a store holding the demo and its accounts")
    parser.add_argument("--visits", type=int, default=10)
    parser.add_argument("--username", default="city_admin")
    parser.add_argument("--password", default="zhucun-demo")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(args.db, port)
    figures: dict[str, Any] = {"load_before": [round(x, 2) for x in os.getloadavg()]}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(f"{base}/login")
            page.fill("#username", args.username)
            page.fill("#password", args.password)
            with page.expect_navigation():
                page.click("button.primary")
            first = _load_ms(page, f"{base}/units/210500")  # the dashboard right after login
            pages = _pages(page, base)
            rows: dict[str, dict[str, float]] = {}
            for name, path in pages.items():
                times = [_load_ms(page, base + path) for _ in range(args.visits)]
                rows[name] = {
                    "p50_ms": round(statistics.median(times), 1),
                    "p95_ms": round(_p95(times), 1),
                }
            past = [
                _load_ms(page, f"{base}/units/210521?as_of=2015-{m:02d}-{d:02d}")
                for m in (3, 4, 5, 6, 7)
                for d in (3, 17)
            ]
            rows["a county on a new past day (first view)"] = {
                "p50_ms": round(statistics.median(past), 1),
                "p95_ms": round(_p95(past), 1),
            }
            rows["the dashboard right after login (once)"] = {
                "p50_ms": round(first, 1),
                "p95_ms": round(first, 1),
            }
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
    figures["pages"] = rows
    figures["load_after"] = [round(x, 2) for x in os.getloadavg()]
    if args.json:
        print(json.dumps(figures, ensure_ascii=False, indent=2))
        return 0
    for name, r in rows.items():
        mark = "" if r["p95_ms"] <= TARGET_MS else "  (over 1 s)"
        print(f"{name:44} p50 {r['p50_ms']:8.1f} ms   p95 {r['p95_ms']:8.1f} ms{mark}")
    print(f"load average before {figures['load_before']}, after {figures['load_after']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
