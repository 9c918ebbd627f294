"""Web page latency: ``python -m bench.web --db URL [--requests N]``.

Starts ``zhucun serve`` on a free port in a subprocess against a store holding the Benxi demo
(``zhucun demo`` makes it, with the demo accounts), logs in as ``city_admin`` over HTTP, and
times sequential requests of the pages the issue names, printing p50 / p95 / max per page in
milliseconds: the same page again and again (the answer for a day is kept in memory until the
log moves, see web/page_cache.py), and a new past day on every request (nothing reused).
The baseline, in the same run: the login page, which reads no data, and a static file.
The target: dashboard and village page p95 <= 150 ms.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any

TARGET_MS = 150.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def server_env() -> dict[str, str]:
    """The environment of a server started by a benchmark: a secret key, the bench's own
    unless one is set."""
    return {**os.environ, "ZHUCUN_SECRET_KEY": os.environ.get("ZHUCUN_SECRET_KEY", "bench-key")}


def serving(
    server: subprocess.Popen[bytes], port: int, within_s: int, what: str
) -> subprocess.Popen[bytes]:
    """``server`` once it answers the login page on ``port``. If it stops first, or does
    not answer within ``within_s`` seconds, the benchmark stops (``what``: its command)."""
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=2).close()
            return server
        except OSError:
            if server.poll() is not None:
                raise SystemExit(f"the server stopped: {what}") from None
            time.sleep(0.2)
    server.kill()
    raise SystemExit(f"the server did not start within {within_s} s")


def start_server(db: str, port: int) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "app.cli", "--db", db, "serve", "--port", str(port)]
    server = subprocess.Popen(
        command, env=server_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    return serving(server, port, 60, " ".join(command))


def login(base: str, username: str, password: str) -> urllib.request.OpenerDirector:
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    html = opener.open(f"{base}/login").read().decode()
    found = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
    if not found:
        raise SystemExit("no CSRF token on the login page")
    form = urllib.parse.urlencode(
        {"username": username, "password": password, "csrf_token": found.group(1)}
    ).encode()
    response = opener.open(f"{base}/login", data=form)
    if "/login" in response.geturl():
        raise SystemExit(f"could not log in as {username}: is this a demo store?")
    return opener


def first_village(opener: urllib.request.OpenerDirector, base: str, county: str) -> str:
    """A village under the county, found by drilling down the pages' own links."""
    code = county
    while len(code) < 12:
        html = opener.open(f"{base}/units/{code}").read().decode()
        below = re.findall(r'id="child-(\d+)"', html)
        if not below:
            raise SystemExit(f"no unit below {code}")
        code = below[0]
    return code


def timed(
    opener: urllib.request.OpenerDirector, urls: list[str], n: int, warm: int = 3
) -> list[float]:
    """Milliseconds per request; with one URL, after ``warm`` unmeasured requests; with
    many, each URL once (the first ``warm`` unmeasured), in turn."""
    sequence = urls * (n + warm) if len(urls) == 1 else urls
    for url in sequence[:warm]:
        opener.open(url).read()
    out = []
    for url in sequence[warm : warm + n]:
        start = time.perf_counter()
        response = opener.open(url)
        response.read()
        out.append((time.perf_counter() - start) * 1000)
        if response.status != 200:
            raise SystemExit(f"{url}: HTTP {response.status}")
    return out


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[18]


def latency(ms: list[float]) -> dict[str, Any]:
    """A page's row of figures from its request times: how many, median, p95 and slowest."""
    return {
        "requests": len(ms),
        "p50_ms": round(statistics.median(ms), 1),
        "p95_ms": round(p95(ms), 1),
        "max_ms": round(max(ms), 1),
    }


def pages_parser(doc: str | None, requests: int) -> argparse.ArgumentParser:
    """The command line the page benchmarks share, the first line of ``doc`` as its help:
    the demo store, the requests a page, and the account they log in as."""
    parser = argparse.ArgumentParser(description=(doc or "").splitlines()[0])
    parser.add_argument("--db", required=True, help="a store holding the demo and its accounts")
    parser.add_argument("--requests", type=int, default=requests)
    parser.add_argument("--username", default="city_admin")
    parser.add_argument("--password", default="zhucun-demo")
    return parser


@contextmanager
def running_server(db: str, port: int) -> Iterator[subprocess.Popen[bytes]]:
    """``zhucun serve`` on ``port`` against ``db`` while the block runs, stopped after it."""
    server = start_server(db, port)
    try:
        yield server
    finally:
        server.terminate()
        server.wait(timeout=10)


def main(argv: list[str] | None = None) -> None:
    parser = pages_parser(__doc__, requests=50)
    parser.add_argument("--as-of", default="2015-06-30", help="the past day also measured")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with running_server(args.db, port):
        opener = login(base, args.username, args.password)
        village = first_village(opener, base, "210521")
        pages = {
            "baseline: login page (no data)": "/login",
            "baseline: static file": "/static/zhucun.css",
            "dashboard, city 210500, today": "/units/210500",
            f"dashboard, city 210500, as of {args.as_of}": f"/units/210500?as_of={args.as_of}",
            "dashboard, county 210521, today": "/units/210521",
            f"village {village}, today": f"/units/{village}",
            f"village {village}, as of {args.as_of}": f"/units/{village}?as_of={args.as_of}",
            "chart data, city 210500": "/units/210500/children.json",
            "treemap data, city 210500": "/units/210500/network.json",
            "link rate over time, city 210500": "/units/210500/trend.json",
            "work ledger, city 210500 (roll-up)": "/units/210500/ledger",
            f"work ledger, village {village}": f"/units/{village}/ledger",
            "measures board, city 210500": "/units/210500/measures",
        }
        # Cold: a different day each request, so no answer kept in memory is reused.
        days = [date(2014, 7, 1) + timedelta(days=7 * i) for i in range(args.requests + 3)]
        cold = {
            "dashboard, city 210500, a new past day each time": [
                f"/units/210500?as_of={d}" for d in days
            ],
            f"village {village}, a new past day each time": [
                f"/units/{village}?as_of={d}" for d in days
            ],
        }
        results: list[dict[str, Any]] = []
        for name, paths in [*((n, [p]) for n, p in pages.items()), *cold.items()]:
            ms = timed(opener, [base + p for p in paths], args.requests)
            path = paths[0] if len(paths) == 1 else paths[0] + " …"
            results.append({"page": name, "path": path, **latency(ms)})

    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=2))
        return
    print(f"{'page':<48} {'n':>4} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for r in results:
        flag = ""
        if r["page"].startswith(("dashboard", "village")):
            flag = "  ok" if r["p95_ms"] <= TARGET_MS else f"  over {TARGET_MS:.0f} ms"
        print(
            f"{r['page']:<48} {r['requests']:>4} {r['p50_ms']:>8} {r['p95_ms']:>8} "
            f"{r['max_ms']:>8}{flag}"
        )


if __name__ == "__main__":
    main()
