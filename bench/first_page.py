"""A newcomer's first minute: ``python -m bench.first_page [--baseline COMMIT] [--runs N]``.

Clones the project twice into a new directory, this checkout's commit and the baseline's
(default: the commit before ``make demo`` served while loading), and in each runs ``make demo``
as a newcomer would, install included (a new virtualenv; pip's own cache is left as it is: the
figure says whether it was warm). From the moment ``make demo`` starts, it times the first 200
of ``/login`` and the first 200 of the city's page (``/units/210500``) after logging in with
the demo's ``city_admin`` account, then stops ``make demo`` and what it started (its process
group). Medians of the runs, and the load average before and after.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

from bench import harness

ROOT = Path(__file__).resolve().parent.parent
BASELINE = "85018c2"  # `make demo` loading, then serving
CITY_PAGE = "/units/210500"
GIVE_UP_S = 600.0


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # a login's 302 is the answer looked for


def _status(opener: urllib.request.OpenerDirector, url: str, data: bytes | None = None) -> int:
    try:
        with opener.open(url, data=data, timeout=30) as r:
            return int(r.status)
    except urllib.error.HTTPError as e:
        return e.code
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return 0


# The banner while the demo is planned, or before its first chunk (and its accounts) is in.
NO_ACCOUNTS_YET = re.compile(r"正在规划演示数据的历史|已写入 0 条")


def _logged_in(opener: urllib.request.OpenerDirector, base: str) -> bool:
    """Logged in as a newcomer would: once the login page no longer says the demo has yet to
    write its first events (five refused tries would lock the account for 15 minutes)."""
    try:
        with opener.open(base + "/login", timeout=30) as r:
            html = r.read().decode()
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
    if token is None or NO_ACCOUNTS_YET.search(html):
        return False
    form = {"username": "city_admin", "password": "zhucun-demo", "csrf_token": token.group(1)}
    return _status(opener, base + "/login", urllib.parse.urlencode(form).encode()) == 302


def first_pages(checkout: Path, port: int) -> dict[str, float]:
    """Seconds from ``make demo`` to the first 200 of /login and of the city's page."""
    base = f"http://127.0.0.1:{port}"
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect)
    started = time.perf_counter()
    with (checkout / "make-demo.log").open("wb") as log:
        make = subprocess.Popen(
            ["make", "demo", f"PORT={port}"],
            cwd=checkout,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: the server and loader end with it
        )
    found: dict[str, float] = {}
    try:
        while "city_page_s" not in found:
            if time.perf_counter() - started > GIVE_UP_S or make.poll() not in (None, 0):
                raise SystemExit(f"make demo in {checkout} gave no page: see make-demo.log")
            if "login_s" not in found:
                if _status(opener, base + "/login") == 200:
                    found["login_s"] = time.perf_counter() - started
            elif _logged_in(opener, base) and _status(opener, base + CITY_PAGE) == 200:
                found["city_page_s"] = time.perf_counter() - started
            time.sleep(0.25)
    finally:
        os.killpg(make.pid, signal.SIGTERM)
        make.wait()
    return found


def clone(commit: str, where: Path) -> Path:
    subprocess.run(["git", "clone", "-q", str(ROOT), str(where)], check=True)
    subprocess.run(["git", "-C", str(where), "checkout", "-q", commit], check=True)
    return where


def main(argv: list[str] | None = None) -> int:
    parser = harness.parser("bench.first_page", __doc__)
    parser.add_argument("--baseline", default=BASELINE, help="the commit to compare with")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--port", type=int, default=5830)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    ours = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    before = os.getloadavg()[0]
    runs: dict[str, list[dict[str, float]]] = {args.baseline: [], ours: []}
    with tempfile.TemporaryDirectory(prefix="zhucun-first-page-") as tmp:
        for n in range(args.runs):
            for i, commit in enumerate(runs):
                checkout = clone(commit, Path(tmp, f"{commit}-{n}"))
                runs[commit].append(first_pages(checkout, args.port + 2 * n + i))
                print(f"{commit} run {n + 1}: {runs[commit][-1]}", file=sys.stderr, flush=True)
    figures: dict[str, Any] = {
        commit: {
            key: round(statistics.median(r[key] for r in found), 1)
            for key in ("login_s", "city_page_s")
        }
        for commit, found in runs.items()
    }
    figures["runs"] = args.runs
    figures["pip_cache"] = "off" if os.environ.get("PIP_NO_CACHE_DIR") else "as it is (warm)"
    figures["load_average"] = [round(before, 2), round(os.getloadavg()[0], 2)]
    if args.json:
        return harness.print_json(figures)
    for label, commit in (("baseline", args.baseline), ("this", ours)):
        f = figures[commit]
        print(
            f"{label} {commit}: /login 200 after {f['login_s']} s, the city's page after "
            f"logging in {f['city_page_s']} s (make demo on a fresh clone, install included)"
        )
    print(
        f"median of {args.runs} run(s); pip cache {figures['pip_cache']}; load average "
        f"{figures['load_average'][0]} before, {figures['load_average'][1]} after"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
