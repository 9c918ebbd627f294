"""The web server under load: ``python -m bench.load --db URL [--server serve|gunicorn]``.

Starts the server in a subprocess on a store holding the Benxi demo (``zhucun demo`` makes
it; the run writes households into it, so give it a copy), logs 32 clients in as
``city_admin``, and lets them send requests as fast as they are answered for 60 s, each
client on its own keep-alive connection:

- pages: the city's, a county's and a village's dashboards today, the village on a past
  day, and the city's chart data;
- writes: a household registered through the web form of a village
  (``/units/<village>/record/register-household``), its head's name a marker unique to the
  run, the client and the request;
- the baseline, in the same run and through the same server: a static file.

Afterwards the log is read from where it stood at the start: every write the server
acknowledged (a redirect after the form) must be there exactly once, and nothing else of
the run. Prints per kind of request the count, the errors (any answer but 200, or 302 for
a write), the rate, p50 / p95 / max in milliseconds, and the load average.
The target (issue 19): 0 errors, >= 50 requests/s, p95 <= 500 ms.

``--server serve`` runs ``zhucun serve`` (waitress, one process); ``--server gunicorn`` the
documented gunicorn setup (README): ``gunicorn -k gthread -w 2 'web:create_app()'``; each
with ``--threads`` threads a process (default 2, as both are documented). The server's CPU
time over the run (from /proc) is printed too: on a machine shared with other work, what a
request costs says more than the rate.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import re
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from app.store.config import parse_database_url
from app.store.event_store import EventStore
from bench import harness
from bench.web import first_village, free_port, login, server_env, serving
from domain.identity import check_digit

TARGET_RPS, TARGET_P95_MS = 50.0, 500.0
# What a client sends, by share of its requests.
MIX = {"page": 0.6, "write": 0.2, "static": 0.2}


@dataclass
class Client:
    number: int
    cookie: str
    csrf: str
    results: list[tuple[str, int, float]] = field(default_factory=list)  # kind, status, ms
    acknowledged: list[str] = field(default_factory=list)  # markers of writes answered 302
    errors: list[str] = field(default_factory=list)


def server_command(
    kind: str, db: str, port: int, threads: int = 2
) -> tuple[list[str], dict[str, str]]:
    env = server_env()
    if kind == "serve":
        serve = ["serve", "--port", str(port), "--threads", str(threads)]
        return [sys.executable, "-m", "app.cli", "--db", db, *serve], env
    env["ZHUCUN_DATABASE_URL"] = db
    bind = f"127.0.0.1:{port}"
    gunicorn = [sys.executable, "-m", "gunicorn", "-k", "gthread", "-w", "2"]
    gunicorn += ["--threads", str(threads)]
    return [*gunicorn, "-b", bind, "--log-level", "warning", "web:create_app()"], env


def start(kind: str, db: str, port: int, threads: int = 2) -> subprocess.Popen[bytes]:
    command, env = server_command(kind, db, port, threads)
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
    return serving(server, port, 90, " ".join(command))


def cookie_of(opener: urllib.request.OpenerDirector) -> str:
    for handler in opener.handlers:
        jar = getattr(handler, "cookiejar", None)
        if jar is not None:
            return "; ".join(f"{c.name}={c.value}" for c in jar)
    raise SystemExit("no cookie after logging in")


def identity_number(serial: int) -> str:
    born = date(1950, 1, 1) + timedelta(days=serial // 1000)
    first17 = f"210521{born:%Y%m%d}{serial % 1000:03d}"
    return first17 + check_digit(first17)


def run_client(
    client: Client,
    port: int,
    deadline: float,
    pages: list[str],
    write_path: str,
    groups: list[str],
    run_tag: str,
) -> None:
    rng = random.Random(client.number)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    n = 0
    while time.monotonic() < deadline:
        roll = rng.random()
        kind = "page" if roll < MIX["page"] else "write" if roll < 1 - MIX["static"] else "static"
        headers = {"Cookie": client.cookie}
        body = None
        marker = ""
        if kind == "page":
            method, path = "GET", rng.choice(pages)
        elif kind == "static":
            method, path = "GET", "/static/zhucun.css"
        else:
            n += 1
            marker = f"负载{run_tag}-{client.number:02d}-{n:05d}"
            form = {
                "csrf_token": client.csrf,
                "token": uuid.uuid4().hex,
                "group": rng.choice(groups),
                "head_name": marker,
                "members": str(rng.randint(1, 6)),
                "id_number": identity_number(client.number * 100_000 + n),
                "occurred_on": date.today().isoformat(),
                "reason": "压力测试 load test",
            }
            method, path = "POST", write_path
            body = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read()
            status = response.status
        except (OSError, http.client.HTTPException) as e:
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            status, text = 0, str(e).encode()
        ms = (time.perf_counter() - started) * 1000
        client.results.append((kind, status, ms))
        expected = 302 if kind == "write" else 200
        if status == expected:
            if marker:
                client.acknowledged.append(marker)
        elif len(client.errors) < 5:
            client.errors.append(f"{method} {path}: {status} {text[:300]!r}")
    conn.close()


def form_setup(
    opener: urllib.request.OpenerDirector, base: str, village: str
) -> tuple[str, list[str]]:
    html = opener.open(f"{base}/units/{village}/record/register-household").read().decode()
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
    groups = re.findall(r'<option value="(\d{15})"', html)
    if not csrf or not groups:
        raise SystemExit(f"no form to register a household in village {village}")
    return csrf.group(1), groups


def written(db: str, after: int, run_tag: str) -> dict[str, int]:
    """How many times each marker of this run was registered in the log after ``after``."""
    store = EventStore(parse_database_url(db))
    try:
        seen: dict[str, int] = {}
        for page in store.iter_log(after):
            for logged in page:
                name = getattr(logged.event, "head_name", "")
                if (
                    name.startswith(f"负载{run_tag}-")
                    and type(logged.event).__name__ == "Registered"
                ):
                    seen[name] = seen.get(name, 0) + 1
        return seen
    finally:
        store.close()


def log_position(db: str) -> int:
    store = EventStore(parse_database_url(db))
    try:
        return store.max_position()
    finally:
        store.close()


def cpu_seconds(pid: int) -> float | None:
    """CPU time (user + system) of a process and its children alive now (gunicorn's
    workers), from /proc; None where there is no /proc."""
    tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    total, found = 0.0, False
    try:
        entries = os.listdir("/proc")
    except OSError:
        return None
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(entry) == pid or int(fields[1]) == pid:  # fields[1]: the parent's pid
            total += (int(fields[11]) + int(fields[12])) / tick
            found = True
    return total if found else None


def p95(values: list[float]) -> float:
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=20, method="inclusive")[18]


def measure(
    db: str,
    server_kind: str,
    clients: int,
    seconds: float,
    username: str,
    password: str,
    threads: int = 2,
) -> dict[str, Any]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    run_tag = uuid.uuid4().hex[:6]
    server = start(server_kind, db, port, threads)
    try:
        first = login(base, username, password)
        village = first_village(first, base, "210521")
        csrf, groups = form_setup(first, base, village)
        pages = [
            "/units/210500",
            "/units/210521",
            f"/units/{village}",
            f"/units/{village}?as_of=2015-06-30",
            "/units/210500/children.json",
        ]
        for path in pages:  # each page once, so that none is missing before the clock starts
            first.open(base + path).read()
        crowd = []
        for i in range(clients):
            opener = first if i == 0 else login(base, username, password)
            token, _ = (csrf, groups) if i == 0 else form_setup(opener, base, village)
            crowd.append(Client(i, cookie_of(opener), token))
        start_position = log_position(db)
        load_before = os.getloadavg()[0]
        cpu_before = cpu_seconds(server.pid)
        deadline = time.monotonic() + seconds
        began = time.perf_counter()
        threads = [
            threading.Thread(
                target=run_client,
                args=(
                    c,
                    port,
                    deadline,
                    pages,
                    f"/units/{village}/record/register-household",
                    groups,
                    run_tag,
                ),
            )
            for c in crowd
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - began
        load_after = os.getloadavg()[0]
        cpu_after = cpu_seconds(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)

    acknowledged = [m for c in crowd for m in c.acknowledged]
    seen = written(db, start_position, run_tag)
    missing = [m for m in acknowledged if seen.get(m, 0) == 0]
    twice = [m for m, k in seen.items() if k > 1]
    unacknowledged = sorted(set(seen) - set(acknowledged))
    kinds: dict[str, dict[str, Any]] = {}
    everything = [r for c in crowd for r in c.results]
    for kind in ("static", "page", "write", "all"):
        rows = [r for r in everything if kind == "all" or r[0] == kind]
        ms = [r[2] for r in rows]
        errors = sum(1 for k, status, _ in rows if status != (302 if k == "write" else 200))
        kinds[kind] = {
            "requests": len(rows),
            "errors": errors,
            "per_s": round(len(rows) / elapsed, 1),
            "p50_ms": round(statistics.median(ms), 1) if ms else 0.0,
            "p95_ms": round(p95(ms), 1),
            "max_ms": round(max(ms), 1) if ms else 0.0,
        }
    cpu = cpu_after - cpu_before if cpu_before is not None and cpu_after is not None else None
    return {
        "server": server_kind,
        "server_cpu_s": round(cpu, 1) if cpu is not None else None,
        "server_cpu_ms_per_request": (
            round(cpu * 1000 / max(len(everything), 1), 1) if cpu is not None else None
        ),
        "clients": clients,
        "seconds": round(elapsed, 1),
        "kinds": kinds,
        "writes_acknowledged": len(acknowledged),
        "writes_missing": len(missing),
        "writes_twice": len(twice),
        "writes_unacknowledged_in_log": len(unacknowledged),
        "p95_page_over_static": round(
            kinds["page"]["p95_ms"] / max(kinds["static"]["p95_ms"], 0.1), 1
        ),
        "load_average": [round(load_before, 2), round(load_after, 2)],
        "sample_errors": [e for c in crowd for e in c.errors][:10],
    }


def main(argv: list[str] | None = None) -> int:
    parser = harness.parser("bench.load", __doc__)
    parser.add_argument("--db", required=True, help="a copy of a store holding the demo")
    parser.add_argument("--server", choices=("serve", "gunicorn"), default="serve")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2, help="the server's (per process)")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--username", default="city_admin")
    parser.add_argument("--password", default="zhucun-demo")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    r = measure(
        args.db,
        args.server,
        args.clients,
        args.seconds,
        args.username,
        args.password,
        args.threads,
    )
    if args.json:
        print(json.dumps(r, ensure_ascii=False, indent=2))
        return 0
    print(
        f"{r['server']}: {r['clients']} clients for {r['seconds']} s, "
        f"load average {r['load_average'][0]} at the start, {r['load_average'][1]} at the end"
    )
    heads = ("n", "errors", "per s", "p50 ms", "p95 ms", "max ms")
    print(f"{'requests':<28} {heads[0]:>6} " + " ".join(f"{h:>8}" for h in heads[1:]))
    names = {
        "static": "baseline: static file",
        "page": "pages",
        "write": "writes (register household)",
        "all": "all",
    }
    for kind, row in r["kinds"].items():
        print(
            f"{names[kind]:<28} {row['requests']:>6} {row['errors']:>8} {row['per_s']:>8} "
            f"{row['p50_ms']:>8} {row['p95_ms']:>8} {row['max_ms']:>8}"
        )
    total = r["kinds"]["all"]
    ok = (
        total["errors"] == 0
        and total["per_s"] >= TARGET_RPS
        and total["p95_ms"] <= TARGET_P95_MS
        and not (r["writes_missing"] or r["writes_twice"] or r["writes_unacknowledged_in_log"])
    )
    print(
        f"writes acknowledged {r['writes_acknowledged']}: missing from the log "
        f"{r['writes_missing']}, twice {r['writes_twice']}, in the log unacknowledged "
        f"{r['writes_unacknowledged_in_log']}; p95 pages / static {r['p95_page_over_static']}x; "
        f"target 0 errors, >= {TARGET_RPS:.0f}/s, p95 <= {TARGET_P95_MS:.0f} ms: "
        + ("met" if ok else "NOT met")
    )
    if r["server_cpu_s"] is not None:
        print(
            f"server CPU {r['server_cpu_s']} s in {r['seconds']} s of wall time "
            f"({r['server_cpu_ms_per_request']} ms a request)"
        )
    for e in r["sample_errors"]:
        print("  " + e)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
