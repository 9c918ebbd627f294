"""The roll-up read from each village's stored row (ADR 028): the same figures as counting the
facts, today and whenever the clocks leave none of the villages' facts out; counted from the
facts for any other day or moment; the rows rebuilt from the log equal what the increments
built. Both engines."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from projections.ledger import goals, queries
from projections.ledger.tables import goal_now, measure_now, plan_now, village_now
from projections.tables import units
from tests.builders import COUNTY, TOWNSHIP, VILLAGE_A, VILLAGE_B, apply
from tests.ledger_builders import (
    approve,
    form,
    goal,
    judge,
    measure,
    opinion,
    plan,
    problem,
    revise,
    status,
    survey,
    symposium,
)
from tests.team_builders import team_network

NOW_TABLES = (village_now, plan_now, measure_now, goal_now)


def worked_ledger(z) -> None:
    """Two villages: A with a survey, a plan revised after its approval and another approved,
    measures in each status, goals judged and not; B with a survey begun only."""
    team_network(z)
    apply(
        z,
        *survey(statistics=True),
        opinion(1),
        opinion(2, source="interview", category="conditions"),
        problem(1, opinions=[]),
        form(village=VILLAGE_B, secretary="赵书记"),
    )
    apply(z, plan(1), approve(1), plan(2, kind="three_year", year=2014), approve(2), revise(2))
    apply(
        z,
        measure(1),
        measure(2, item="C1", budget=0, sources=[], due_on="2017-06-30"),
        measure(3, item="A1", sources=["party_fee"]),
        status(1, "under_way"),
        status(1, "done", on="2014-10-20"),
        status(3, "dropped", because="班子已调整"),
        goal(),
        goal("service_venue"),
        goal("rules_and_mechanisms"),
    )
    apply(z, judge("under_way", name="service_venue"))


def both_ways(z, code: str, as_of: date, upto: int | None = None) -> tuple[Any, Any]:
    """The roll-up under ``code`` from the stored rows (None if they cannot answer), and
    counted from the facts."""
    with z.projections.reading() as conn:
        path = conn.execute(select(units.c.path).where(units.c.code == code)).scalar_one()
        villages = (
            select(units.c.code)
            .where(units.c.path.startswith(path), units.c.level == "village")
            .scalar_subquery()
        )
        stored = queries.stored_rollup(conn, villages, as_of, upto)
        counted = {
            "survey": queries.rollup(conn, villages, as_of, upto),
            "plans": queries.plans_rollup(conn, villages, as_of, upto),
            "measures": queries.measures_rollup(conn, villages, as_of, upto),
            "six_haves": goals.goals_rollup(conn, villages, as_of, upto),
        }
    return stored, counted


def stored_rows(z) -> dict[str, list[tuple[Any, ...]]]:
    with z.projections.reading() as conn:
        return {t.name: sorted(tuple(r) for r in conn.execute(select(t)).all()) for t in NOW_TABLES}


def test_todays_roll_up_from_the_stored_rows_equals_counting_the_facts(zhucun, clock):
    worked_ledger(zhucun)
    today = clock.now().date()
    for code in (COUNTY, TOWNSHIP):
        stored, counted = both_ways(zhucun, code, today)
        assert stored == counted
    survey = counted["survey"]
    assert (survey["villages_surveyed"], survey["forms_registered"], survey["opinions"]) == (
        2,
        2,
        2,
    )
    assert counted["plans"]["plans_approved"] == 1  # plan 2 was revised after its approval
    assert counted["measures"]["by_status"] == {
        "planned": 1,
        "under_way": 0,
        "done": 1,
        "dropped": 1,
    }
    assert counted["six_haves"]["by_goal"]["service_venue"]["under_way"] == 1


def test_the_ledger_of_a_unit_today_is_read_from_the_stored_rows(zhucun, monkeypatch):
    worked_ledger(zhucun)
    expected = zhucun.ledger(COUNTY)

    def counting(*args: Any) -> Any:
        raise AssertionError("counted from the facts")

    for name in ("rollup", "plans_rollup", "measures_rollup"):
        monkeypatch.setattr(queries, name, counting)
    monkeypatch.setattr(goals, "goals_rollup", counting)
    assert zhucun.ledger(COUNTY) == expected


def test_a_day_before_a_villages_latest_fact_is_counted_from_the_facts(zhucun):
    worked_ledger(zhucun)
    day = date(2014, 10, 1)  # measure 1 under way, not done yet (done on 20 October)
    stored, counted = both_ways(zhucun, COUNTY, day)
    assert stored is None
    assert counted["measures"]["by_status"]["under_way"] == 1
    assert zhucun.ledger(COUNTY, as_of=day)["measures"] == counted["measures"]


def test_overdue_measures_follow_the_day_asked_on_the_stored_rows_too(zhucun):
    worked_ledger(zhucun)
    for day, overdue in ((date(2016, 12, 1), 0), (date(2017, 7, 1), 1)):
        stored, counted = both_ways(zhucun, COUNTY, day)
        assert stored is not None and stored == counted
        assert stored["measures"]["overdue"] == overdue  # measure 2, due 30 June 2017


def test_a_moment_before_a_back_dated_fact_leaves_it_out(zhucun, clock):
    worked_ledger(zhucun)
    before = clock.now()
    clock.advance(timedelta(days=1))
    apply(zhucun, symposium(on="2014-06-20", village=VILLAGE_B))  # recorded later, back-dated
    today = clock.now().date()
    assert zhucun.ledger(COUNTY)["survey"]["symposiums"] == 2
    known = zhucun.ledger(COUNTY, as_known_at=before)
    assert known["survey"]["symposiums"] == 1
    with zhucun.projections.reading() as conn:
        upto = conn.execute(select(village_now.c.last_position)).scalars().all()
    stored, counted = both_ways(zhucun, COUNTY, today, min(upto))
    assert stored is None and counted["survey"]["symposiums"] == 1
    stored, counted = both_ways(zhucun, COUNTY, today)
    assert stored == counted and stored["survey"]["symposiums"] == 2


def test_the_stored_rows_rebuilt_from_the_log_equal_what_the_increments_built(zhucun):
    worked_ledger(zhucun)
    incremental = stored_rows(zhucun)
    assert all(incremental.values())
    assert [r[0] for r in incremental["lg_village_now"]] == sorted([VILLAGE_A, VILLAGE_B])
    zhucun.projections.rebuild()
    assert stored_rows(zhucun) == incremental
