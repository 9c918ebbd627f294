"""What a bearer token costs an API request: ``python -m bench.api_tokens [--requests N]``.

Builds a small store (a city, a county, an account of its administrator) in a temporary
SQLite file, and times in the same run, in the same process (Flask's test client, so the
figures are the application's own work, not the network's):

- the baseline: ``GET /api/v1/summary/<county>`` with the session cookie of a login;
- the same request with ``Authorization: Bearer zct_…``: the token found by its hash, the
  account's standing read, and one ``TokenAccess.Used`` event written (ADR 041);
- a refused token (401, one ``TokenAccess.Refused`` event written).

Prints p50 / p95 in milliseconds for each, and the load average.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher

from app.accounts import Accounts
from app.api_tokens import ApiTokens
from app.bootstrap import bootstrap
from app.store.clock import SettableClock
from web import create_app

PASSWORD = "bench-pass-2014"


def _line(**args: Any) -> str:
    return json.dumps(
        {
            "command": "open_unit",
            "args": args,
            "actor": "bench",
            "role": "city_admin",
            "occurred_on": "2014-01-01",
            "reason": "bench",
        },
        ensure_ascii=False,
    )


def _times(n: int, request: Callable[[], int], status: int) -> list[float]:
    out = []
    for _ in range(n):
        start = time.perf_counter()
        got = request()
        out.append((time.perf_counter() - start) * 1000)
        assert got == status, got
    return out


def _row(name: str, ms: list[float]) -> str:
    p95 = statistics.quantiles(ms, n=20)[-1]
    return f"{name:<40} p50 {statistics.median(ms):7.2f} ms   p95 {p95:7.2f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    n = parser.parse_args().requests
    with tempfile.TemporaryDirectory() as tmp:
        z = bootstrap(
            f"sqlite:///{Path(tmp) / 'zhucun.db'}",
            SettableClock(datetime(2016, 12, 31, 4, 0, tzinfo=UTC)),
        )
        z.apply_text(
            "\n".join(
                [
                    _line(code="210500", name="本溪市", level="city"),
                    _line(code="210521", name="本溪满族自治县", level="county", parent="210500"),
                ]
            )
        )
        hasher = PasswordHasher(time_cost=1, memory_cost=64, parallelism=1)
        accounts = Accounts(z, hasher=hasher)
        accounts.add("county.admin", "county_admin", "210521", PASSWORD)
        token = ApiTokens(z).issue("county.admin")["token"]
        app = create_app(z, {"TESTING": True, "SECRET_KEY": "bench", "ZHUCUN_ACCOUNTS": accounts})
        path = "/api/v1/summary/210521"
        cookie = app.test_client()
        form = cookie.get("/login").get_data(as_text=True)
        csrf = form.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
        cookie.post(
            "/login", data={"username": "county.admin", "password": PASSWORD, "csrf_token": csrf}
        )
        plain = app.test_client()
        good = {"Authorization": f"Bearer {token}"}
        bad = {"Authorization": "Bearer zct_" + "A" * 43}
        _times(20, lambda: cookie.get(path).status_code, 200)  # warm up
        _times(20, lambda: plain.get(path, headers=good).status_code, 200)
        base = _times(n, lambda: cookie.get(path).status_code, 200)
        with_token = _times(n, lambda: plain.get(path, headers=good).status_code, 200)
        refused = _times(n, lambda: plain.get(path, headers=bad).status_code, 401)
        z.close()
    print(f"{n} requests each, SQLite, load average {os.getloadavg()[0]:.2f}")
    print(_row("baseline: session cookie", base))
    print(_row("bearer token (one event written)", with_token))
    print(_row("refused token, 401 (one event written)", refused))


if __name__ == "__main__":
    main()
