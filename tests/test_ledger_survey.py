"""The survey of a village (摸底排查): its registration form and its activities, on both
engines; every refusal is named and writes nothing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.builders import apply, cmd, hid, small_network
from tests.ledger_builders import form, interview, ledger_of, period, survey, symposium, tables
from tests.team_builders import LEADER, MEMBER, cid, refused, team_network
from tests.units import COUNTY, TOWNSHIP, VILLAGE_A, VILLAGE_B


def survey_of(zhucun, code: str = VILLAGE_A, **when):
    return ledger_of(zhucun, code, **when)["survey"]


# -- the registration form ---------------------------------------------------------------------


def test_the_form_is_kept_in_whole_fen_and_shown_in_yuan(zhucun):
    team_network(zhucun)
    apply(zhucun, form())
    f = survey_of(zhucun)["form"]
    assert f["revision"] == 1 and f["registered_on"] == "2014-06-10"
    assert f["assessment"] == "weak_and_lax" and f["secretary"] == "刘书记"
    assert f["collective_assets_fen"] == 35_000_050
    assert f["collective_assets_yuan"] == "350000.50"
    assert f["per_capita_income_fen"] == 412_050
    assert f["collective_debts_yuan"] == "80000.00"


def test_the_form_as_of_a_day_is_its_latest_revision_by_then(zhucun):
    team_network(zhucun)
    apply(zhucun, form(), form(on="2014-09-01", assessment="average", committee_size=7))
    assert survey_of(zhucun, as_of=date(2014, 8, 31))["form"]["assessment"] == "weak_and_lax"
    latest = survey_of(zhucun)["form"]
    assert (latest["revision"], latest["assessment"], latest["committee_size"]) == (
        2,
        "average",
        7,
    )
    assert survey_of(zhucun, as_of=date(2014, 6, 9))["form"] is None


def test_the_form_as_known_at_a_moment_is_what_had_been_recorded_by_then(zhucun, clock):
    team_network(zhucun)
    apply(zhucun, form())
    before = clock.now()
    clock.advance(timedelta(days=1))
    apply(zhucun, form(on="2014-06-10", secretary="陈书记"))  # a correction of the same day
    assert survey_of(zhucun)["form"]["secretary"] == "陈书记"
    assert survey_of(zhucun, as_known_at=before)["form"]["secretary"] == "刘书记"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("collective_debts", -1),
        ("collective_income", -0.01),
        ("per_capita_income", 12.345),
        ("collective_assets", "十万"),
        ("collective_assets", True),
        ("collective_income", 10**12),
        ("committee_size", 0),
        ("assessment", "bad"),
        ("main_problems", " "),
    ],
)
def test_a_form_value_out_of_its_bounds_is_refused_by_its_field(zhucun, field, value):
    team_network(zhucun)
    r = refused(zhucun, form(**{field: value}))
    assert (r.error.code, r.error.field) == ("invalid_input", field)


def test_money_may_be_written_as_text_with_separators_and_full_width_digits(zhucun):
    team_network(zhucun)
    apply(zhucun, form(collective_income="１２,０００.５"))
    assert survey_of(zhucun)["form"]["collective_income_fen"] == 1_200_050


def test_a_survey_is_of_a_village(zhucun):
    team_network(zhucun)
    r = refused(zhucun, form(village=TOWNSHIP))
    assert (r.error.code, r.error.field) == ("not_a_village", "village")
    r = refused(zhucun, form(village="210521100299"))
    assert (r.error.code, r.error.field) == ("unit_not_found", "village")
    r = refused(zhucun, form(on="2013-06-10"))
    assert r.error.code == "dated_before_opening"


# -- the activities -----------------------------------------------------------------------------


def test_the_activities_are_counted_for_the_village(zhucun):
    team_network(zhucun)
    apply(
        zhucun,
        tables(),
        tables(kind="statistics_table", handed_out=10, returned=10),
        tables(on="2014-06-06", handed_out=40, returned=0),
        symposium(),
        symposium(on="2014-06-11", collective_consultation=False, party_members=0),
        interview(),
        interview(interviewee="李二", interviewee_category="poor_household"),
    )
    s = survey_of(zhucun)
    assert s["questionnaires"] == {"batches": 2, "handed_out": 100, "returned": 58}
    assert s["statistics_tables"] == {"batches": 1, "handed_out": 10, "returned": 10}
    assert s["tables_and_questionnaires"] == 110
    assert (s["symposiums"], s["collective_consultations"]) == (2, 1)
    assert s["participants"] == {
        "township_leaders": 4,
        "committee_members": 10,
        "party_members": 12,
        "villager_representatives": 30,
    }
    assert s["interviews"] == 2
    assert [i["interviewee"] for i in s["interview_list"]] == ["王大", "李二"]
    assert s["window"] == {"first_day": "2014-06-05", "last_day": "2014-06-11", "set": "activities"}
    assert survey_of(zhucun, as_of=date(2014, 6, 8))["symposiums"] == 1


def test_more_copies_returned_than_handed_out_is_refused(zhucun):
    team_network(zhucun)
    r = refused(zhucun, tables(handed_out=10, returned=11))
    assert (r.error.code, r.error.field) == ("returned_more_than_handed_out", "returned")
    assert "11" in r.error.zh and "10" in r.error.en


def test_a_symposium_without_participants_is_refused(zhucun):
    team_network(zhucun)
    nobody = {c: 0 for c in ("township_leaders", "committee_members", "party_members")}
    r = refused(zhucun, symposium(villager_representatives=None, **nobody))
    assert (r.error.code, r.error.field) == ("symposium_without_participants", "participants")


def test_a_negative_count_of_participants_is_refused_by_its_field(zhucun):
    team_network(zhucun)
    r = refused(zhucun, symposium(party_members=-1))
    assert (r.error.code, r.error.field) == ("invalid_input", "party_members")


def test_an_interview_needs_its_interviewee_and_category(zhucun):
    team_network(zhucun)
    r = refused(zhucun, interview(interviewee_category="stranger"))
    assert (r.error.code, r.error.field) == ("invalid_input", "interviewee_category")
    r = refused(zhucun, interview(interviewee=""))
    assert (r.error.code, r.error.field) == ("invalid_input", "interviewee")


def test_a_survey_period_ends_on_or_after_its_first_day(zhucun):
    team_network(zhucun)
    line = period(first_day="2014-06-20", last_day="2014-06-01")
    r = refused(zhucun, line)
    assert (r.error.code, r.error.field) == ("invalid_survey_period", "last_day")


# -- household visits: the teams' own, within the survey's window -------------------------------


def visit(n: int, on: str, cadre: int = MEMBER) -> dict:
    return cmd("visit_household", on=on, role="team_member", cadre=cid(cadre), household=hid(n))


def test_the_households_visited_are_the_teams_visits_within_the_surveys_window(zhucun):
    team_network(zhucun)
    apply(
        zhucun,
        tables(on="2014-06-05"),
        symposium(on="2014-06-20"),
        visit(1, "2014-06-04"),  # before the window
        visit(1, "2014-06-06"),
        visit(2, "2014-06-07"),
        visit(2, "2014-06-08", cadre=LEADER),  # the same household again
        visit(3, "2014-06-21"),  # after the window
    )
    assert survey_of(zhucun)["households_visited"] == 2
    apply(
        zhucun,
        period(),
    )
    s = survey_of(zhucun)
    assert s["window"] == {"first_day": "2014-06-01", "last_day": "2014-06-30", "set": "period"}
    assert s["households_visited"] == 3
    assert survey_of(zhucun, as_of=date(2014, 6, 29))["households_visited"] == 2


# -- the roll-up ---------------------------------------------------------------------------------


def test_a_township_county_or_city_adds_up_the_surveys_of_its_villages(zhucun):
    team_network(zhucun)
    apply(
        zhucun,
        *survey(),
        tables(village=VILLAGE_B, handed_out=20, returned=20),
        symposium(village=VILLAGE_B),
        visit(1, "2014-06-06"),
    )
    for code in (TOWNSHIP, COUNTY, "210500"):
        r = survey_of(zhucun, code)
        assert (r["villages"], r["villages_surveyed"], r["forms_registered"]) == (2, 2, 1)
        assert r["tables_and_questionnaires"] == 80
        assert r["symposiums"] == 2 and r["interviews"] == 1
        assert r["households_visited"] == 1
    assert survey_of(zhucun, TOWNSHIP, as_of=date(2014, 6, 7))["symposiums"] == 0
    assert zhucun.ledger("999999") is None


def test_a_refused_batch_of_survey_lines_writes_nothing(zhucun):
    team_network(zhucun)
    refused(zhucun, form(), tables(), tables(handed_out=1, returned=2))
    assert survey_of(zhucun)["form"] is None
    assert survey_of(zhucun)["started_on"] is None


def test_the_roll_up_of_more_villages_than_a_compound_select_holds(zhucun):
    """SQLite refuses a compound SELECT of more than 500 terms: the survey windows of a
    province's villages are one grouped query, however many villages there are."""
    small_network(zhucun)
    lines = []
    for n in range(520):
        code = f"{TOWNSHIP}{300 + n:03d}"
        lines += [
            cmd(
                "open_unit",
                on="2014-01-01",
                code=code,
                name=f"村{n}",
                level="village",
                parent=TOWNSHIP,
            ),
            tables(village=code, handed_out=10, returned=10),
        ]
    apply(zhucun, *lines)
    r = survey_of(zhucun, TOWNSHIP)
    assert r["villages_surveyed"] == 520
    assert r["tables_and_questionnaires"] == 520 * 10
