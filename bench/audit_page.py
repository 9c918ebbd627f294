"""Audit log page latency: ``python -m bench.audit_page --db URL [--requests N]``.

Against a store holding the Benxi demo with its accounts (``zhucun demo``), through the
Flask test client in this process: logs in as the demo's ``auditor`` (the city) and
``inspector`` (a county) and times sequential requests of the audit log page (the whole
log, a village, a county, a type of entry, back-dated entries, early and late pages), a
verification of the chain and two exports. Prints the median wall time and the median CPU
time of this process per request (the database is SQLite in the same process; on a busy
machine the CPU time says more than the wall time). The baseline, in the same run: the
login page, which reads no data.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import time
from typing import Any

from app.bootstrap import bootstrap
from web import create_app

PAGES = [
    ("auditor", "/audit", "the whole log, page 1"),
    ("auditor", "/audit?page=2", "the whole log, page 2"),
    ("auditor", "/audit?page=8000", "the whole log, page 8,000"),
    ("auditor", "/audit?type=Household.Registered", "one type of entry"),
    ("auditor", "/audit?unit=210521100201", "a village"),
    ("auditor", "/audit?unit=210500", "the city as a unit"),
    ("inspector", "/audit", "the county, page 1"),
    ("inspector", "/audit?page=2", "the county, page 2"),
    ("inspector", "/audit?page=3000", "the county, page 3,000"),
    ("inspector", "/audit?backdated=1", "the county, back-dated only"),
    ("inspector", "/audit?recorded_from=2015-01-01&recorded_to=2015-12-31", "recorded in 2015"),
]
EXPORTS = [("csv", {"unit": "210521100201"}), ("xlsx", {"unit": "210521100"})]


def timed(client: Any, path: str, n: int, **kw: Any) -> tuple[float, float, str]:
    walls, cpus = [], []
    body = b""
    for _ in range(n):
        wall, cpu = time.perf_counter(), time.process_time()
        response = client.open(path, **kw)
        body = response.get_data()
        walls.append(1000 * (time.perf_counter() - wall))
        cpus.append(1000 * (time.process_time() - cpu))
        assert response.status_code == 200, (path, response.status_code)
    total = re.search(rb'<h2 id="total">(.*?)</h2>', body, re.S)
    said = re.sub(r"<[^>]+>|\s+", " ", total.group(1).decode()).strip() if total else ""
    return statistics.median(walls), statistics.median(cpus), said


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--requests", type=int, default=5)
    parser.add_argument("--password", default="zhucun-demo")
    args = parser.parse_args()
    z = bootstrap(args.db)
    app = create_app(z, {"TESTING": True, "SECRET_KEY": "bench-key"})
    clients = {}
    for user in ("auditor", "inspector"):
        client = app.test_client()
        page = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
        assert token, "no CSRF token on the login page"
        form = {"username": user, "password": args.password, "csrf_token": token.group(1)}
        assert client.post("/login", data=form).status_code == 302, f"{user} did not log in"
        clients[user] = client
    print(f"load average {os.getloadavg()[0]:.1f}; medians of {args.requests} requests")
    wall, cpu, _ = timed(app.test_client(), "/login", args.requests)
    print(f"{'baseline: the login page':40} wall {wall:8.1f} ms  cpu {cpu:8.1f} ms")
    for user, path, what in PAGES:
        wall, cpu, said = timed(clients[user], path, args.requests)
        print(f"{what:40} wall {wall:8.1f} ms  cpu {cpu:8.1f} ms  {said}")
    wall, cpu, _ = timed(clients["auditor"], "/audit/chain?again=1", 1)
    print(f"{'the chain verified':40} wall {wall:8.1f} ms  cpu {cpu:8.1f} ms")
    page = clients["auditor"].get("/audit").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token, "no CSRF token on the audit page"
    for fmt, filters in EXPORTS:
        data = {"csrf_token": token.group(1), **filters}
        wall, cpu, _ = timed(
            clients["auditor"], f"/audit/export/{fmt}", 1, method="POST", data=data
        )
        print(f"{'export ' + fmt + ' ' + str(filters):40} wall {wall:8.1f} ms  cpu {cpu:8.1f} ms")
    z.close()


if __name__ == "__main__":
    main()
