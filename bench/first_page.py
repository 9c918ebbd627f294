"""A newcomer's first minute: ``python -m bench.first_page [--baseline COMMIT] [--runs N]``.

From a fresh ``git clone`` of this repository into a new temporary directory, runs ``make
demo`` as a newcomer would, install included (a new virtualenv; pip's own cache is left as it
is, and the figure says so), and polls until the demo's ``city_admin`` signs in and the city's
page (``/units/210500``) answers 200 with the city's figures. Prints the seconds to that page,
split into install (until the virtualenv's install stamp), load (until the server answers) and
serve (until the signed-in page), for this checkout's commit and for ``--baseline`` (default:
the commit before ADR 051) in the same run, then the library's read-and-decode loop over the
same log (the clone's ``var/demo.db``), and the load average before and after. ``make demo``
and what it started are stopped by their process group.
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
BASELINE = "89dfcb0"  # `make demo`: install with the test tools, load in one process, serve
CITY_PAGE = "/units/210500"
STAMPS = (".venv/.runtime-stamp", ".venv/.installed-stamp")  # either ends the install
# The city's page with its figures: the households registered, counted.
FIGURES = re.compile(r"在册户数\D*[0-9][0-9,]{2,}")
GIVE_UP_S = 900.0
PHASES = ("install_s", "load_s", "serve_s", "first_page_s")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # a login's 302 is the answer looked for


def _get(
    opener: urllib.request.OpenerDirector, url: str, data: bytes | None = None
) -> tuple[int, str]:
    try:
        with opener.open(url, data=data, timeout=60) as r:
            return int(r.status), r.read().decode(errors="replace")
    except urllib.error.HTTPError as e:
        return e.code, ""
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return 0, ""


def _sign_in(opener: urllib.request.OpenerDirector, base: str) -> bool:
    status, html = _get(opener, base + "/login")
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
    if status != 200 or token is None:
        return False
    form = {"username": "city_admin", "password": "zhucun-demo", "csrf_token": token.group(1)}
    return _get(opener, base + "/login", urllib.parse.urlencode(form).encode())[0] == 302


def first_page(checkout: Path, port: int) -> dict[str, float]:
    """Seconds from ``make demo`` to the end of the install, to the server's first answer,
    and to the city's page with figures for the signed-in ``city_admin``."""
    base = f"http://127.0.0.1:{port}"
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect
    )
    started = time.perf_counter()
    with (checkout / "make-demo.log").open("wb") as log:
        make = subprocess.Popen(
            ["make", "demo", f"PORT={port}"],
            cwd=checkout,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: the server and follower end with it
        )
    at: dict[str, float] = {}
    try:
        while "page" not in at:
            now = time.perf_counter() - started
            if now > GIVE_UP_S or make.poll() not in (None, 0):
                raise SystemExit(f"make demo in {checkout} gave no page: see make-demo.log")
            if "installed" not in at and any((checkout / s).exists() for s in STAMPS):
                at["installed"] = now
            elif "installed" in at and "up" not in at and _get(opener, base + "/login")[0] == 200:
                at["up"] = now
            elif "up" in at and _sign_in(opener, base):
                status, html = _get(opener, base + CITY_PAGE)
                if status == 200 and FIGURES.search(html):
                    at["page"] = time.perf_counter() - started
            time.sleep(0.1)
    finally:
        os.killpg(make.pid, signal.SIGTERM)
        make.wait()
    return {
        "install_s": at["installed"],
        "load_s": at["up"] - at["installed"],
        "serve_s": at["page"] - at["up"],
        "first_page_s": at["page"],
    }


def decode_baseline(checkout: Path) -> dict[str, float]:
    """The library's read-and-decode loop over the log ``make demo`` wrote, in this process."""
    from app.bootstrap import Zhucun
    from app.store.config import parse_database_url
    from bench.coverage import decode_loop_timed

    z = Zhucun(parse_database_url(f"sqlite:///{checkout / 'var' / 'demo.db'}"))
    try:
        count, wall, cpu = decode_loop_timed(z)
    finally:
        z.close()
    return {"events": count, "decode_wall_s": wall, "decode_cpu_s": cpu}


def clone(commit: str, where: Path) -> Path:
    subprocess.run(["git", "clone", "-q", str(ROOT), str(where)], check=True)
    subprocess.run(["git", "-C", str(where), "checkout", "-q", commit], check=True)
    return where


def main(argv: list[str] | None = None) -> int:
    parser = harness.parser("bench.first_page", __doc__)
    parser.add_argument("--baseline", default=BASELINE, help="the commit to compare with")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--port", type=int, default=5860)
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
    decoded: list[dict[str, float]] = []
    with tempfile.TemporaryDirectory(prefix="zhucun-first-page-") as tmp:
        for n in range(args.runs):
            for i, commit in enumerate(runs):
                checkout = clone(commit, Path(tmp, f"{commit}-{n}"))
                runs[commit].append(first_page(checkout, args.port + 2 * n + i))
                print(f"{commit} run {n + 1}: {runs[commit][-1]}", file=sys.stderr, flush=True)
                if commit == ours:
                    decoded.append(decode_baseline(checkout))
    figures: dict[str, Any] = {
        commit: {k: round(statistics.median(r[k] for r in found), 1) for k in PHASES}
        for commit, found in runs.items()
    }
    figures["library_read_and_decode"] = {
        "events": int(statistics.median(d["events"] for d in decoded)),
        "wall_s": round(statistics.median(d["decode_wall_s"] for d in decoded), 1),
        "cpu_s": round(statistics.median(d["decode_cpu_s"] for d in decoded), 1),
    }
    figures["runs"] = args.runs
    figures["pip_cache"] = "off" if os.environ.get("PIP_NO_CACHE_DIR") else "as it is"
    figures["load_average"] = [round(before, 2), round(os.getloadavg()[0], 2)]
    if args.json:
        return harness.print_json(figures)
    for label, commit in (("baseline", args.baseline), ("this", ours)):
        f = figures[commit]
        print(
            f"{label:<8} {commit}: first page {f['first_page_s']:6.1f} s = install "
            f"{f['install_s']:.1f} + load {f['load_s']:.1f} + serve {f['serve_s']:.1f}"
        )
    base, ours_f = figures[args.baseline], figures[ours]
    print(f"ratio baseline/this: {base['first_page_s'] / ours_f['first_page_s']:.2f}")
    d = figures["library_read_and_decode"]
    print(
        f"library read-and-decode of the same log ({d['events']:,} events): {d['wall_s']} s wall, "
        f"{d['cpu_s']} s CPU; this load / that: {ours_f['load_s'] / d['wall_s']:.1f}x"
    )
    print(
        f"median of {args.runs} run(s) on fresh clones; pip cache {figures['pip_cache']}; "
        f"load average {figures['load_average'][0]} before, {figures['load_average'][1]} after"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
