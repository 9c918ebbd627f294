"""The API's reads on the demo: ``python -m bench.api_reads --db URL [--requests N]``.

Against a store holding the Benxi demo with its accounts (``zhucun demo``), through the
Flask test client in this process, logged in as the demo's ``city_admin``: for each read,
the median wall and CPU time of its first page (``limit=100``), beside the baseline measured
in the same run, the use case of ``app`` it calls, alone (what the page or ``--json``
command costs); then a walk through every page by its cursor (the number of pages, and the
total time), which recomputes the read once a page.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import time
from collections.abc import Callable
from typing import Any
from uuid import UUID

from app.bootstrap import Zhucun, bootstrap
from web import create_app


def timed(call: Callable[[], Any], n: int) -> tuple[float, float, Any]:
    walls, cpus = [], []
    out = None
    for _ in range(n):
        wall, cpu = time.perf_counter(), time.process_time()
        out = call()
        walls.append(1000 * (time.perf_counter() - wall))
        cpus.append(1000 * (time.process_time() - cpu))
    return statistics.median(walls), statistics.median(cpus), out


def reads(z: Zhucun) -> list[tuple[str, str, Callable[[], Any]]]:
    team = z.teams("210521")[0]["team_id"]  # type: ignore[index]
    village = z.teams("210521")[0]["village"]  # type: ignore[index]
    return [
        ("gaps of the city", "/api/v1/units/210500/gaps", lambda: z.gaps("210500")),
        ("gaps of a county", "/api/v1/units/210521/gaps", lambda: z.gaps("210521")),
        ("coverage of the city", "/api/v1/units/210500/coverage", lambda: z.coverage("210500")),
        (
            "households of a village",
            f"/api/v1/units/{village}/households",
            lambda: z.households(village),
        ),
        ("teams of the city", "/api/v1/units/210500/teams", lambda: z.teams("210500")),
        (
            "history of a team",
            f"/api/v1/teams/{team}/history",
            lambda: z.history_of_team_page(UUID(team), 100, None, False),
        ),
        (
            "history of a village",
            f"/api/v1/units/{village}/history",
            lambda: z.history_of_unit(village),
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--requests", type=int, default=5)
    parser.add_argument("--password", default="zhucun-demo")
    parser.add_argument("--walk-pages", type=int, default=200, help="stop a walk after N pages")
    args = parser.parse_args()
    z = bootstrap(args.db)
    app = create_app(z, {"TESTING": True, "SECRET_KEY": "bench-key"})
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    assert token, "no CSRF token on the login page"
    form = {"username": "city_admin", "password": args.password, "csrf_token": token.group(1)}
    assert client.post("/login", data=form).status_code == 302, "city_admin did not log in"
    z.projections.catch_up()
    print(f"load average {os.getloadavg()[0]:.1f}; medians of {args.requests} requests")
    print(f"{'read':26} {'use case alone (baseline)':>28} {'API, first page of 100':>28}  walk")
    for what, path, use_case in reads(z):
        bw, bc, _ = timed(use_case, args.requests)

        def first(path: str = path) -> Any:
            response = client.get(f"{path}?limit=100")
            assert response.status_code == 200, (path, response.get_data(as_text=True)[:300])
            return response.get_json()

        aw, ac, answer = timed(first, args.requests)
        pages, rows, start = 1, len(answer["rows"]), time.perf_counter()
        while answer["next"] and pages < args.walk_pages:
            answer = client.get(f"{path}?limit=100&cursor={answer['next']}").get_json()
            pages, rows = pages + 1, rows + len(answer["rows"])
        walk = time.perf_counter() - start
        more = "+" if answer["next"] else ""
        print(
            f"{what:26} wall {bw:8.1f} cpu {bc:8.1f} ms  wall {aw:8.1f} cpu {ac:8.1f} ms  "
            f"{pages}{more} pages, {rows} rows, {walk:.1f} s"
        )
    z.close()


if __name__ == "__main__":
    main()
