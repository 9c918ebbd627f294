"""Work gaps, the ledger's own blind spots, beside the network's: a poor village without a
survey, without an approved plan for the year, without a responsibility letter in force; a
measure past its due date; a still-poor village whose team's term lapsed with neither an
extension nor a successor. Each appears on the day it should, closes with the event that
answers it, on both clocks, on both engines; ``--type`` keeps one; the counts roll up."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from click.testing import CliRunner

from app.cli.main import cli
from domain.errors import InvalidInputError
from projections import unit_pages
from projections.ledger.gaps import WORK_GAPS
from tests.builders import answer, apply, cmd
from tests.ledger_builders import (
    approve,
    form,
    letter,
    measure,
    msid,
    plan,
    planned,
    revise,
    status,
    tables,
)
from tests.team_builders import CITY_AGRI, CITY_CIVIL, team_network, tid
from tests.units import CITY, COUNTY, GROUP_A1, TOWNSHIP, VILLAGE_A, VILLAGE_B

SURVEY, PLAN, LETTER, OVERDUE, LAPSED = WORK_GAPS


def work(z, code: str = VILLAGE_A, kind: str | None = None, **when):
    """The work gaps under ``code``: (type, unit, subject name, since, cause type, cause day)."""
    found = z.gaps(code, kind, **when)
    assert found is not None
    return [
        (
            g["type"],
            g["unit"],
            g["subject"]["name"],
            g["since"],
            g["cause"]["type"],
            g["cause"]["on"],
        )
        for g in found
        if g["type"] in WORK_GAPS
    ]


def kinds(z, code: str = VILLAGE_A, **when) -> set[str]:
    return {g[0] for g in work(z, code, **when)}


def on(day: str) -> dict[str, date]:
    return {"as_of": date.fromisoformat(day)}


# -- poor villages: survey, plan, letter --------------------------------------------------------


def test_a_poor_village_has_its_work_gaps_from_the_day_it_was_declared_poor(zhucun):
    team_network(zhucun)  # village A poor since 2014-03-01, village B never
    assert work(zhucun, **on("2014-02-28")) == []
    assert work(zhucun, **on("2014-03-01")) == [
        (LETTER, VILLAGE_A, "甲村", "2014-03-01", "declared_poor", "2014-03-01"),
        (PLAN, VILLAGE_A, "甲村", "2014-03-01", "declared_poor", "2014-03-01"),
        (SURVEY, VILLAGE_A, "甲村", "2014-03-01", "declared_poor", "2014-03-01"),
    ]
    assert work(zhucun, VILLAGE_B) == []
    (g,) = zhucun.gaps(VILLAGE_A, SURVEY)
    assert g["subject"] == {"id": VILLAGE_A, "name": "甲村"}


def test_the_survey_gap_closes_from_the_day_of_the_first_survey_line(zhucun):
    team_network(zhucun)
    apply(zhucun, form(on="2014-06-10"), tables(on="2014-06-05"))  # recorded in that order
    assert SURVEY in kinds(zhucun, **on("2014-06-04"))
    assert SURVEY not in kinds(zhucun, **on("2014-06-05"))


def test_a_survey_recorded_later_was_not_known_before(zhucun, clock):
    team_network(zhucun)
    before = clock.now()
    clock.advance(timedelta(days=1))
    apply(zhucun, tables(on="2014-06-05"))
    assert SURVEY in kinds(zhucun, **on("2014-07-01"), as_known_at=before)
    assert SURVEY not in kinds(zhucun, **on("2014-07-01"))


def test_the_plan_gap_closes_with_an_approval_and_opens_again_with_a_revision(zhucun):
    team_network(zhucun)
    apply(zhucun, plan(1), approve(1))  # the 2014 annual plan, drafted 07-01, approved 07-15
    assert PLAN in kinds(zhucun, **on("2014-07-14"))
    assert PLAN not in kinds(zhucun, **on("2014-07-15"))
    apply(zhucun, revise(1, on="2014-08-01"))
    assert PLAN not in kinds(zhucun, **on("2014-07-31"))
    assert work(zhucun, kind=PLAN, **on("2014-08-05")) == [
        (PLAN, VILLAGE_A, "甲村", "2014-08-01", "plan_revised", "2014-08-01")
    ]
    apply(zhucun, approve(1, on="2014-08-10"))
    assert PLAN not in kinds(zhucun, **on("2014-08-10"))


def test_each_year_needs_its_own_annual_plan(zhucun):
    team_network(zhucun)
    apply(
        zhucun,
        plan(1),
        approve(1),
        plan(2, kind="three_year", year=2015, title="三年帮扶目标"),
        approve(2),
    )
    assert PLAN not in kinds(zhucun, **on("2014-12-31"))
    assert work(zhucun, kind=PLAN, **on("2015-03-01")) == [
        (PLAN, VILLAGE_A, "甲村", "2015-01-01", "year_began", "2015-01-01")
    ]
    apply(zhucun, plan(3, year=2015, title="2015 年度帮扶计划"), approve(3, on="2015-03-10"))
    assert PLAN in kinds(zhucun, **on("2015-03-09"))
    assert PLAN not in kinds(zhucun, **on("2015-03-10"))


def test_the_letter_gap_closes_while_a_letter_is_in_force_and_opens_when_its_term_ends(zhucun):
    team_network(zhucun)
    apply(zhucun, plan(1), letter(1))  # signed 2014-07-20, term 2014-07-20 to 2016-06-30
    assert LETTER in kinds(zhucun, **on("2014-07-19"))
    assert LETTER not in kinds(zhucun, **on("2014-07-20"))
    assert LETTER not in kinds(zhucun, **on("2016-06-30"))
    assert work(zhucun, kind=LETTER, **on("2016-07-01")) == [
        (LETTER, VILLAGE_A, "甲村", "2016-07-01", "letter_term_ended", "2016-06-30")
    ]


def test_a_village_out_of_poverty_has_no_poor_village_gaps(zhucun):
    team_network(zhucun)
    apply(zhucun, cmd("exit_poverty", on="2015-05-01", unit=VILLAGE_A))
    assert kinds(zhucun, **on("2015-04-30")) == {SURVEY, PLAN, LETTER}
    assert kinds(zhucun, **on("2015-05-01")) == set()
    apply(zhucun, cmd("declare_poor_village", on="2016-02-01", unit=VILLAGE_A))
    assert work(zhucun, kind=SURVEY, **on("2016-03-01")) == [
        (SURVEY, VILLAGE_A, "甲村", "2016-02-01", "declared_poor", "2016-02-01")
    ]


# -- measures -------------------------------------------------------------------------------


def test_a_measure_is_overdue_from_the_day_after_its_due_date_until_done_or_dropped(zhucun):
    team_network(zhucun)
    apply(
        zhucun,
        *planned(),  # measure 1 due 2014-10-31
        measure(2, item="C1", title="食用菌大棚", due_on="2014-10-31"),
        status(1, "under_way"),
    )
    assert OVERDUE not in kinds(zhucun, **on("2014-10-31"))
    assert work(zhucun, kind=OVERDUE, **on("2014-11-01")) == [
        (OVERDUE, VILLAGE_A, "硬化村路一期 2 公里", "2014-11-01", "due_date_passed", "2014-10-31"),
        (OVERDUE, VILLAGE_A, "食用菌大棚", "2014-11-01", "due_date_passed", "2014-10-31"),
    ]
    ids = {g["subject"]["id"] for g in zhucun.gaps(VILLAGE_A, OVERDUE, **on("2014-11-01"))}
    assert ids == {msid(1), msid(2)}
    apply(
        zhucun,
        status(1, "done", on="2014-11-10"),
        status(2, "dropped", on="2014-11-20", because="资金未到位"),
    )
    assert len(work(zhucun, kind=OVERDUE, **on("2014-11-10"))) == 1
    assert work(zhucun, kind=OVERDUE, **on("2014-11-20")) == []
    assert len(work(zhucun, kind=OVERDUE, **on("2014-11-09"))) == 2


def test_overdue_measures_agree_with_the_ledger(zhucun):
    team_network(zhucun)
    apply(
        zhucun,
        *planned(),
        measure(2, item="C1", due_on="2015-06-30"),
        measure(3, item="A1", due_on="2014-09-30"),
        status(3, "dropped", because="班子已调整"),
        status(2, "under_way", on="2014-09-01"),
        # Recorded after the move above but dated before it: by day, the latest is still
        # "under way" from 1 September on.
        status(2, "done", on="2014-08-15"),
    )
    for day in ("2014-08-20", "2014-10-31", "2014-11-01", "2015-07-01"):
        ledger = zhucun.ledger(VILLAGE_A, **on(day))
        overdue = {m["id"] for m in ledger["measures"] if m["overdue"]}
        gaps = {g["subject"]["id"] for g in zhucun.gaps(VILLAGE_A, OVERDUE, **on(day))}
        assert gaps == overdue, day


def test_a_status_recorded_later_was_not_known_before(zhucun, clock):
    team_network(zhucun)
    apply(zhucun, plan(1), approve(1), measure(1))
    before = clock.now()
    clock.advance(timedelta(days=1))
    apply(zhucun, status(1, "dropped", on="2014-10-01", because="并入二期"))
    assert OVERDUE in kinds(zhucun, **on("2014-12-01"), as_known_at=before)
    assert OVERDUE not in kinds(zhucun, **on("2014-12-01"))


# -- 不脱贫不脱钩: a team's term --------------------------------------------------------------


@pytest.fixture
def later(clock):
    """Days after the first team's term (2014-06-01 to 2017-05-31) can be recorded."""
    clock.set(datetime(2020, 12, 31, 4, tzinfo=UTC))
    return clock


def dispatch(unit: str, day: str, n: int):
    return cmd("dispatch_team", on=day, unit=unit, village=VILLAGE_A, id=tid(n))


def test_a_team_term_lapses_the_day_after_it_ends(zhucun, later):
    team_network(zhucun)
    assert LAPSED not in kinds(zhucun, **on("2017-05-31"))
    (g,) = zhucun.gaps(VILLAGE_A, LAPSED, **on("2017-06-01"))
    assert g["subject"] == {"id": tid(1), "name": "本溪市农委驻甲村工作队"}
    assert (g["unit"], g["since"], g["cause"]) == (
        VILLAGE_A,
        "2017-06-01",
        {"type": "term_ended", "on": "2017-05-31"},
    )


def test_an_extension_closes_the_lapse_from_the_day_it_was_decided(zhucun, later):
    team_network(zhucun)
    before = later.now()
    later.advance(timedelta(days=1))
    apply(zhucun, cmd("extend_team_term", on="2017-07-01", team=tid(1), until="2018-05-31"))
    assert LAPSED in kinds(zhucun, **on("2017-06-30"))
    assert LAPSED not in kinds(zhucun, **on("2017-07-01"))
    assert LAPSED in kinds(zhucun, **on("2017-07-01"), as_known_at=before)
    assert work(zhucun, kind=LAPSED, **on("2018-06-01")) == [
        (LAPSED, VILLAGE_A, "本溪市农委驻甲村工作队", "2018-06-01", "term_ended", "2018-05-31")
    ]


def test_a_successor_team_of_the_unit_closes_the_lapse(zhucun, later):
    team_network(zhucun)
    apply(
        zhucun, cmd("dispatch_team", on="2017-06-10", unit=CITY_AGRI, village=VILLAGE_A, id=tid(2))
    )
    assert LAPSED in kinds(zhucun, **on("2017-06-09"))
    assert LAPSED not in kinds(zhucun, **on("2017-06-10"))


def test_a_term_ended_with_a_successor_does_not_lapse(zhucun, later):
    team_network(zhucun)
    apply(
        zhucun,
        dispatch(CITY_AGRI, "2017-05-31", 2),
        cmd("end_team_term", on="2017-05-30", team=tid(1), successor=tid(2)),
    )
    assert LAPSED not in kinds(zhucun, **on("2018-01-01"))
    assert LAPSED not in kinds(zhucun, **on("2020-05-30"))
    (g,) = zhucun.gaps(VILLAGE_A, LAPSED, **on("2020-05-31"))  # the successor's own term
    assert (g["subject"]["id"], g["since"], g["cause"]["on"]) == (
        tid(2),
        "2020-05-31",
        "2020-05-30",
    )


def test_another_units_team_does_not_close_the_lapse(zhucun, later):
    team_network(zhucun)
    apply(
        zhucun, cmd("dispatch_team", on="2017-06-10", unit=CITY_CIVIL, village=VILLAGE_A, id=tid(3))
    )
    assert LAPSED in kinds(zhucun, **on("2017-07-01"))


def test_a_lapse_counts_while_the_village_is_poor(zhucun, later):
    team_network(zhucun)
    apply(zhucun, cmd("exit_poverty", on="2017-03-01", unit=VILLAGE_A))
    assert LAPSED not in kinds(zhucun, **on("2017-07-01"))
    apply(zhucun, cmd("declare_poor_village", on="2017-09-01", unit=VILLAGE_A))
    assert work(zhucun, kind=LAPSED, **on("2017-09-15")) == [
        (LAPSED, VILLAGE_A, "本溪市农委驻甲村工作队", "2017-09-01", "declared_poor", "2017-09-01")
    ]


# -- listing, filtering, counting ---------------------------------------------------------------


def test_type_keeps_one_kind_and_an_unknown_type_is_refused(zhucun):
    team_network(zhucun)
    apply(zhucun, plan(1), approve(1), measure(1))
    only = zhucun.gaps(COUNTY, OVERDUE, **on("2014-12-01"))
    assert {g["type"] for g in only} == {OVERDUE}
    network_only = zhucun.gaps(COUNTY, "village_without_station", **on("2014-12-01"))
    assert {g["type"] for g in network_only} == {"village_without_station"}
    with pytest.raises(InvalidInputError) as e:
        zhucun.gaps(COUNTY, "overdue")
    assert e.value.field == "type" and "lapsed_team_term" in e.value.en


def test_work_gaps_are_listed_in_order_with_the_network_s(zhucun):
    team_network(zhucun)
    found = zhucun.gaps(TOWNSHIP, **on("2014-12-01"))
    keys = [(g["unit"], g["type"], g["since"], g["subject"]["name"]) for g in found]
    assert keys == sorted(keys)
    assert {g["type"] for g in found} >= {SURVEY, "village_without_station"}


def test_counts_roll_up_and_match_the_lists(zhucun):
    team_network(zhucun)
    apply(
        zhucun,
        *planned(),
        cmd("declare_poor_village", on="2014-04-01", unit=VILLAGE_B),
    )
    day = date(2014, 12, 1)
    for code in (CITY, COUNTY, TOWNSHIP, VILLAGE_A, VILLAGE_B, GROUP_A1):
        listed = zhucun.gaps(code, as_of=day)
        counts = zhucun.coverage(code, as_of=day)["gaps"]
        for kind in WORK_GAPS:
            assert counts[kind] == sum(1 for g in listed if g["type"] == kind), (code, kind)
    town = zhucun.coverage(TOWNSHIP, as_of=day)["gaps"]
    assert (town[SURVEY], town[LETTER], town[OVERDUE]) == (2, 2, 1)
    assert zhucun.coverage(GROUP_A1, as_of=day)["gaps"][SURVEY] == 0  # under the village
    today = zhucun.coverage(TOWNSHIP)  # today as known now: from the roll-ups, work gaps added
    assert today["gaps"][SURVEY] == 2


def test_the_network_tree_counts_work_gaps_under_each_unit(zhucun):
    team_network(zhucun)
    apply(zhucun, plan(1), approve(1), measure(1))
    day = date(2014, 12, 1)
    with zhucun.projections.reading() as conn:
        tree = unit_pages.network_tree(conn, COUNTY, day)
    assert tree is not None
    (township,) = tree["children"]
    nodes = [tree, township, *township["children"]]
    for node in nodes:
        coverage = zhucun.coverage(node["code"], as_of=day)
        assert node["gaps"] == sum(coverage["gaps"].values()), node["code"]
    village_a = next(n for n in nodes if n["code"] == VILLAGE_A)
    network_only = zhucun.coverage(VILLAGE_A, as_of=day)["gaps"]
    assert village_a["gaps"] - sum(network_only[k] for k in network_only if k not in WORK_GAPS) == 3


def test_rebuilding_the_read_models_gives_the_same_work_gaps(zhucun):
    team_network(zhucun)
    apply(zhucun, plan(1), approve(1), measure(1), letter(1))
    before = zhucun.gaps(CITY, as_of=date(2016, 7, 1))
    zhucun.projections.rebuild()
    assert zhucun.gaps(CITY, as_of=date(2016, 7, 1)) == before


# -- the command line ---------------------------------------------------------------------------


def test_gaps_cli_prints_work_gaps_with_what_began_them(zhucun):
    team_network(zhucun)
    apply(zhucun, plan(1), approve(1), measure(1))
    db = ["--db", zhucun.config.url]
    r = CliRunner().invoke(
        cli, [*db, "gaps", "--unit", VILLAGE_A, "--type", OVERDUE, "--as-of", "2014-11-01"]
    )
    assert r.exit_code == 0, r.output
    assert "since 2014-11-01  cause due_date_passed on 2014-10-31" in r.stdout
    r = CliRunner().invoke(
        cli, [*db, "gaps", "--unit", VILLAGE_A, "--as-of", "2014-11-01", "--json"]
    )
    assert r.exit_code == 0, r.output
    rows = [g for g in answer(r.stdout) if g["type"] == OVERDUE]
    assert rows == [
        {
            "type": OVERDUE,
            "unit": VILLAGE_A,
            "subject": {"id": msid(1), "name": "硬化村路一期 2 公里"},
            "since": "2014-11-01",
            "cause": {"type": "due_date_passed", "on": "2014-10-31"},
        }
    ]
    r = CliRunner().invoke(cli, [*db, "gaps", "--unit", VILLAGE_A, "--type", "overdue"])
    assert r.exit_code == 1 and "overdue_measure" in r.output
