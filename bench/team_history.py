"""A team's history, whole and a page at a time: ``python -m bench.team_history --db URL``.

On a store holding the Benxi demo (``zhucun demo``), for the teams with the most check-ins:
``Zhucun.history_of_team`` (every entry, as ``zhucun history --team`` and the page's
``?all=1`` read it) beside ``Zhucun.history_of_team_page`` (one page of 50, newest first,
the first and a middle page); and the web page itself through the Flask test client,
logged in as ``city_admin``: ``/history/team/<id>`` (one page) and ``?all=1``. Medians and
maxima of ``--rounds`` rounds, in milliseconds. Nothing is written but the login events.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from typing import Any
from uuid import UUID

from sqlalchemy import func, select

from app.bootstrap import bootstrap
from projections.teams.tables import checkins

PAGE = 50


def timed(work: Callable[[], Any], rounds: int) -> tuple[float, float]:
    spent = []
    for _ in range(rounds):
        start = time.perf_counter()
        work()
        spent.append((time.perf_counter() - start) * 1000)
    return statistics.median(spent), max(spent)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--teams", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--password", default="zhucun-demo")
    args = parser.parse_args(argv)
    from web import create_app

    z = bootstrap(args.db)
    z.projections.catch_up()
    with z.engine.connect() as conn:
        busiest = conn.execute(
            select(checkins.c.team_id, func.count())
            .group_by(checkins.c.team_id)
            .order_by(func.count().desc())
            .limit(args.teams)
        ).all()
    app = create_app(z, {"TESTING": True, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False})
    client = app.test_client()
    answer = client.post("/login", data={"username": "city_admin", "password": args.password})
    if answer.status_code != 302:
        raise SystemExit("login as city_admin failed: is this a demo store?")
    print(f"{'what':<44} {'entries':>8} {'median ms':>10} {'max ms':>8}")
    for hex_id, _days in busiest:
        measure(z, client, UUID(hex_id), args.rounds)
    z.close()


def measure(z: Any, client: Any, team: UUID, rounds: int) -> None:
    whole = z.history_of_team(team)
    middle = whole[len(whole) // 2]["position"]
    first = z.history_of_team_page(team, PAGE)
    path = f"/history/team/{team}"
    rows: list[tuple[str, int, Callable[[], Any]]] = [
        ("history_of_team (whole)", len(whole), lambda: z.history_of_team(team)),
        (
            "history_of_team_page (first page)",
            len(first["rows"]),
            lambda: z.history_of_team_page(team, PAGE),
        ),
        (
            "history_of_team_page (a middle page)",
            PAGE,
            lambda: z.history_of_team_page(team, PAGE, middle),
        ),
        ("GET /history/team/<id>?all=1", len(whole), lambda: get(client, path + "?all=1")),
        ("GET /history/team/<id> (one page)", len(first["rows"]), lambda: get(client, path)),
    ]
    print(f"team {team}")
    for name, n, work in rows:
        median, worst = timed(work, rounds)
        print(f"  {name:<42} {n:>8} {median:>10.1f} {worst:>8.1f}")


def get(client: Any, path: str) -> None:
    response = client.get(path)
    if response.status_code != 200:
        raise SystemExit(f"{path}: {response.status_code}")
    response.close()


if __name__ == "__main__":
    main()
