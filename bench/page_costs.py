"""What each request of the load benchmark's mix costs the server, in CPU, in one process:
``python -m bench.page_costs --db URL [--rounds N]``.

``bench/load.py`` says how the server holds 32 clients; this says where its CPU goes. On a
copy of the Benxi demo (the run writes households into it), through the web application in
process (Flask's test client, no network, one thread), as ``city_admin``:

- **after a write**: a household registered through the village's form, then each page of
  the mix once, as under load, where nearly every page follows a write that moved the log:
  the first page pays the read models' catch-up, and a page of today is computed again;
- **kept**: each page again with the log unchanged, the answer kept (web/page_cache.py).

The baseline is the static file of the same application, in the same run. Prints the median
CPU time of each kind (``time.process_time``, so a busy machine slows the figures less than
it slows the clock), the share of each in the load mix's average request, and the load
average. The load mix (bench/load.py ``MIX``): 60 % pages (five, equally), 20 % writes,
20 % the static file.
"""

from __future__ import annotations

import os
import random
import re
import statistics
import time
import uuid
from datetime import date
from typing import Any

from flask.testing import FlaskClient

from bench import harness
from bench.load import MIX, identity_number
from web import create_app

VILLAGE = "210521100201"  # a village of the demo's county 210521
PAGES = {
    "city": "/units/210500",
    "county": "/units/210521",
    "village": f"/units/{VILLAGE}",
    "village, 2015-06-30": f"/units/{VILLAGE}?as_of=2015-06-30",
    "city chart data": "/units/210500/children.json",
}
STATIC = "/static/zhucun.css"


def logged_in(db: str) -> tuple[FlaskClient, str, list[str]]:
    os.environ.setdefault("ZHUCUN_SECRET_KEY", "bench-key")
    client = create_app(config={"ZHUCUN_DATABASE_URL": db}).test_client()
    html = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
    if token is None:
        raise SystemExit("no CSRF token on the login page")
    form = {"username": "city_admin", "password": "zhucun-demo", "csrf_token": token.group(1)}
    if client.post("/login", data=form).status_code != 302:
        raise SystemExit("city_admin could not log in: is this a store holding the demo?")
    html = client.get(f"/units/{VILLAGE}/record/register-household").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
    groups = re.findall(r'<option value="(\d{15})"', html)
    if csrf is None or not groups:
        raise SystemExit(f"no form to register a household in village {VILLAGE}")
    return client, csrf.group(1), groups


def cpu_ms(client: FlaskClient, method: str, path: str, **kw: Any) -> tuple[float, int]:
    started = time.process_time()
    response = client.open(path, method=method, **kw)
    response.get_data()
    return (time.process_time() - started) * 1000, response.status_code


def measure(db: str, rounds: int) -> dict[str, Any]:
    client, csrf, groups = logged_in(db)
    rng = random.Random(7)
    for path in [*PAGES.values(), STATIC]:
        client.get(path)
    after: dict[str, list[float]] = {k: [] for k in ["write", *PAGES, "static file"]}
    kept: dict[str, list[float]] = {k: [] for k in [*PAGES, "static file"]}
    for n in range(rounds):
        form = {
            "csrf_token": csrf,
            "token": uuid.uuid4().hex,
            "group": rng.choice(groups),
            "head_name": f"成本{n:05d}",
            "members": "3",
            "id_number": identity_number(9_000_000 + n),
            "occurred_on": date.today().isoformat(),
            "reason": "成本测量 cost",
        }
        path = f"/units/{VILLAGE}/record/register-household"
        ms, status = cpu_ms(client, "POST", path, data=form)
        if status != 302:
            raise SystemExit(f"the write was answered {status}")
        after["write"].append(ms)
        for name, page in [*PAGES.items(), ("static file", STATIC)]:
            after[name].append(cpu_ms(client, "GET", page)[0])
        for name, page in [*PAGES.items(), ("static file", STATIC)]:
            kept[name].append(cpu_ms(client, "GET", page)[0])
    skip = min(2, rounds - 1)  # the first rounds warm the process's caches
    median = {k: statistics.median(v[skip:]) for k, v in after.items()}
    median_kept = {k: statistics.median(v[skip:]) for k, v in kept.items()}
    page_share = MIX["page"] / len(PAGES)
    mix = MIX["write"] * median["write"] + MIX["static"] * median["static file"]
    mix += sum(page_share * median[k] for k in PAGES)
    return {
        "rounds": rounds,
        "after_write_ms": {k: round(v, 2) for k, v in median.items()},
        "kept_ms": {k: round(v, 2) for k, v in median_kept.items()},
        "mix_ms_per_request": round(mix, 2),
        "baseline_static_ms": round(median["static file"], 2),
        "load_average": round(os.getloadavg()[0], 2),
    }


def main(argv: list[str] | None = None) -> int:
    parser = harness.parser("bench.page_costs", __doc__)
    parser.add_argument("--db", required=True, help="a copy of a store holding the demo")
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args(argv)
    r = measure(args.db, max(args.rounds, 3))
    print(f"CPU per request, median of {r['rounds']} rounds, in ms (load {r['load_average']})")
    print(f"{'request':24} {'after a write':>14} {'kept':>8}")
    for name, ms in r["after_write_ms"].items():
        kept = r["kept_ms"].get(name)
        print(f"{name:24} {ms:14.2f} {'' if kept is None else f'{kept:8.2f}'}")
    print(
        f"the load mix's average request, every page after a write: {r['mix_ms_per_request']} ms"
        f" (baseline, the static file: {r['baseline_static_ms']} ms)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
