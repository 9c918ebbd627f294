"""The survey's activities by number, and a wrong one withdrawn (ADR 034): each activity (tables
counted, a symposium, an interview) is known by its number in its village's survey, which the
ledger and the workbook show; ``withdraw_survey_activity`` takes a wrong one out of every count
on every day as known from then on, and leaves it in as known before. Every refusal is named
and writes nothing. Both engines."""

from __future__ import annotations

from datetime import date, timedelta

import openpyxl
from click.testing import CliRunner

from app.cli.main import cli
from tests.builders import COUNTY, TOWNSHIP, VILLAGE_A, VILLAGE_B, apply, cmd, hid
from tests.ledger_builders import form, interview, period, symposium, tables
from tests.team_builders import MEMBER, cid, refused, team_network
from tests.test_ledger_rollup_stored import both_ways

CITY = "210500"


def survey_of(z, code: str = VILLAGE_A, **when):
    found = z.ledger(code, **when)
    assert found is not None
    return found["survey"]


def withdraw(activity, village: str = VILLAGE_A, **args):
    values = {"village": village, "activity": activity, "note": "登记重复，实际只开了一次"}
    return cmd("withdraw_survey_activity", on="2014-07-01", **(values | args))


def surveyed(z) -> None:
    """Village A's survey: started (number 1), a form (2), tables (3), a symposium (4) and an
    interview (5)."""
    team_network(z)
    apply(z, form(), tables(), symposium(), interview())


# -- the numbers --------------------------------------------------------------------------------


def test_each_activity_is_numbered_in_its_villages_survey_and_the_ledger_shows_the_number(zhucun):
    team_network(zhucun)
    result = apply(zhucun, form(), tables(), symposium(), interview())
    numbers = [r["activity"] for r in result.results if "activity" in r]
    assert numbers == [3, 4, 5]  # 1: the survey started, 2: the form
    s = survey_of(zhucun)
    assert [t["activity"] for t in s["table_list"]] == [3]
    assert s["table_list"][0] == {
        "activity": 3,
        "on": "2014-06-05",
        "kind": "questionnaire",
        "handed_out": 60,
        "returned": 58,
    }
    assert [x["activity"] for x in s["symposium_list"]] == [4]
    assert [x["activity"] for x in s["interview_list"]] == [5]
    assert s["withdrawn_list"] == []


def test_another_villages_activities_are_numbered_in_its_own_survey(zhucun):
    team_network(zhucun)
    result = apply(zhucun, tables(), tables(village=VILLAGE_B), symposium(village=VILLAGE_B))
    assert [r["activity"] for r in result.results] == [2, 2, 3]


def test_the_workbook_shows_each_activitys_number(zhucun, tmp_path):
    team_network(zhucun)
    apply(zhucun, tables(), symposium(), interview())
    path = tmp_path / "v.xlsx"
    r = CliRunner().invoke(
        cli, ["--db", zhucun.config.url, "ledger", "--unit", VILLAGE_A, "--xlsx", str(path)]
    )
    assert r.exit_code == 0, r.output
    book = openpyxl.load_workbook(path)
    for title, number in (("问卷统计表", 2), ("座谈会", 3), ("访谈", 4)):
        headings, row = list(book[title].iter_rows(values_only=True))
        assert dict(zip(headings, row, strict=True))["活动编号"] == number, title
    headings, row = list(book["问卷统计表"].iter_rows(values_only=True))
    tabled = dict(zip(headings, row, strict=True))
    assert (tabled["类别"], tabled["发出份数"], tabled["收回份数"]) == ("调查问卷", 60, 58)


# -- withdrawing a wrong one ----------------------------------------------------------------------


def test_a_withdrawn_symposium_counts_on_no_day_as_known_after_and_still_as_known_before(
    zhucun, clock
):
    team_network(zhucun)
    apply(zhucun, tables(), symposium(), symposium(on="2014-06-20", topic="重复登记"))
    before = clock.now()
    upto = zhucun.store.max_position()
    clock.advance(timedelta(days=1))
    result = apply(zhucun, withdraw(4))
    assert result.results == [{"line": 1, "village": VILLAGE_A, "activity": 4, "kind": "symposium"}]
    for as_of in (None, date(2014, 6, 30)):
        s = survey_of(zhucun, as_of=as_of)
        assert s["symposiums"] == 1 and [x["activity"] for x in s["symposium_list"]] == [3]
        # it does not stretch the survey's window either
        assert s["window"]["last_day"] == "2014-06-08"
        assert survey_of(zhucun, CITY, as_of=as_of)["symposiums"] == 1
        old = survey_of(zhucun, as_of=as_of, as_known_at=before)
        assert old["symposiums"] == 2 and old["withdrawn_list"] == []
        assert survey_of(zhucun, CITY, as_of=as_of, as_known_at=before)["symposiums"] == 2
    assert survey_of(zhucun)["withdrawn_list"] == [
        {
            "activity": 4,
            "kind": "symposium",
            "withdrawn_on": "2014-07-01",
            "note": "登记重复，实际只开了一次",
        }
    ]
    today = clock.now().date()
    stored, counted = both_ways(zhucun, COUNTY, today)
    assert stored == counted and counted["survey"]["symposiums"] == 1
    stored, counted = both_ways(zhucun, COUNTY, today, upto)
    assert stored is None and counted["survey"]["symposiums"] == 2


def test_withdrawn_tables_and_interviews_leave_every_count(zhucun):
    team_network(zhucun)
    apply(
        zhucun,
        tables(),
        tables(kind="statistics_table", handed_out=10, returned=10),
        interview(),
        interview(interviewee="李二"),
    )
    apply(zhucun, withdraw(2), withdraw(5))
    s = survey_of(zhucun)
    assert s["questionnaires"] == {"batches": 0, "handed_out": 0, "returned": 0}
    assert s["tables_and_questionnaires"] == 10 and s["interviews"] == 1
    assert [i["interviewee"] for i in s["interview_list"]] == ["王大"]
    city = survey_of(zhucun, CITY)
    assert (city["tables_and_questionnaires"], city["interviews"]) == (10, 1)


def test_a_withdrawal_is_sent_with_the_correction_of_the_wrong_entry(zhucun):
    team_network(zhucun)
    apply(zhucun, tables())
    position = zhucun.store.max_position()
    correction = cmd("record_correction", position=position, note="问卷数登记重复")
    result = apply(zhucun, correction, withdraw(2))
    assert result.results[0]["event"] == "VillageSurvey.TablesRecorded"
    assert survey_of(zhucun)["tables_and_questionnaires"] == 0


def test_the_rows_rebuilt_from_the_log_leave_a_withdrawn_activity_out(zhucun):
    team_network(zhucun)
    apply(zhucun, tables(), symposium())
    apply(zhucun, withdraw(3))
    expected = zhucun.ledger(COUNTY)
    zhucun.projections.rebuild()
    assert zhucun.ledger(COUNTY) == expected
    assert expected["survey"]["symposiums"] == 0


# -- refusals ------------------------------------------------------------------------------------


def test_a_number_that_is_not_one_of_the_villages_activities_is_refused(zhucun):
    surveyed(zhucun)
    # B's survey: tables (2), a symposium (3), tables (4 to 6)
    apply(zhucun, tables(village=VILLAGE_B), symposium(village=VILLAGE_B))
    apply(zhucun, *[tables(village=VILLAGE_B)] * 3)
    for number in (1, 2, 6, 99):  # A's start, A's form, B's activity 6, no one's
        r = refused(zhucun, withdraw(number))
        assert (r.error.code, r.error.field) == ("survey_activity_not_found", "activity")
        assert str(number) in r.error.zh and VILLAGE_A in r.error.en
    apply(zhucun, withdraw(6, village=VILLAGE_B))  # named with its own village, it is B's
    assert survey_of(zhucun, VILLAGE_B)["tables_and_questionnaires"] == 180
    r = refused(zhucun, withdraw(7, village=VILLAGE_B))  # the withdrawal is no activity
    assert r.error.code == "survey_activity_not_found"


def test_a_village_without_a_survey_has_no_activity_to_withdraw(zhucun):
    team_network(zhucun)
    apply(zhucun, tables())
    r = refused(zhucun, withdraw(2, village=VILLAGE_B))
    assert (r.error.code, r.error.field) == ("survey_activity_not_found", "activity")
    r = refused(zhucun, withdraw(2, village=TOWNSHIP))
    assert (r.error.code, r.error.field) == ("not_a_village", "village")


def test_an_activity_already_withdrawn_is_refused(zhucun):
    surveyed(zhucun)
    apply(zhucun, withdraw(4))
    r = refused(zhucun, withdraw(4, note="再撤一次"))
    assert (r.error.code, r.error.field) == ("survey_activity_already_withdrawn", "activity")
    assert "座谈会" in r.error.zh and "symposium" in r.error.en
    r = refused(zhucun, withdraw(3), withdraw(3))  # twice in one batch
    assert r.error.code == "survey_activity_already_withdrawn"
    assert survey_of(zhucun)["tables_and_questionnaires"] == 60


def test_a_withdrawal_without_a_note_is_refused(zhucun):
    surveyed(zhucun)
    for note in (None, "", "  \u3000 "):
        r = refused(zhucun, withdraw(4, note=note))
        assert (r.error.code, r.error.field) == ("invalid_input", "note")


def test_an_activity_number_that_is_not_a_whole_number_is_refused(zhucun):
    surveyed(zhucun)
    for number in (" 4 ", "4", "４", 4.5, True, 0, -4, 2**31):
        r = refused(zhucun, withdraw(number))
        assert (r.error.code, r.error.field) == ("invalid_input", "activity"), number
    assert survey_of(zhucun)["symposiums"] == 1


# -- each kind of survey activity on the two clocks ----------------------------------------------


def visit(n: int, on: str) -> dict:
    return cmd("visit_household", on=on, role="team_member", cadre=cid(MEMBER), household=hid(n))


def _form_revision(s) -> int:
    return (s.get("form") or {}).get("revision", 0) if "form" in s else s["forms_registered"]


# Each kind: the line recording it, the figure it adds to in the village's survey and the
# city's, and by how much.
KINDS = {
    "form": (form(on="2014-06-12"), _form_revision, 1),
    "period": (
        period(),
        lambda s: s["households_visited"],  # the visit of 25 June falls in the period
        1,
    ),
    "tables": (tables(on="2014-06-12"), lambda s: s["tables_and_questionnaires"], 60),
    "symposium": (symposium(on="2014-06-12"), lambda s: s["symposiums"], 1),
    "interview": (interview(on="2014-06-12"), lambda s: s["interviews"], 1),
    "opinion": (
        cmd(
            "collect_opinion",
            on="2014-06-12",
            village=VILLAGE_A,
            text="希望修通村路",
            source="symposium",
            category="conditions",
        ),
        lambda s: s["opinions"],
        1,
    ),
    "problem": (
        cmd(
            "record_survey_problem",
            on="2014-06-12",
            village=VILLAGE_A,
            description="村路不通",
            root_cause="poor_infrastructure",
            opinions=[],
        ),
        lambda s: s["problems"],
        1,
    ),
    "household visit": (visit(2, "2014-06-12"), lambda s: s["households_visited"], 1),
}


def test_each_kind_of_activity_is_left_out_as_known_before_it_and_counted_after(zhucun, clock):
    """One store for all the kinds, one after another: the village's ledger and the city's
    roll-up as known just before each was recorded leave it out, and just after count it;
    today as known now is read from the stored rows (ADR 028) and equals the facts."""
    team_network(zhucun)
    apply(zhucun, tables(on="2014-06-05"), symposium(on="2014-06-20"), visit(1, "2014-06-25"))
    for kind, (line, figure, adds) in KINDS.items():
        clock.advance(timedelta(hours=1))
        before, upto = clock.now(), zhucun.store.max_position()
        village_was, city_was = figure(survey_of(zhucun)), figure(survey_of(zhucun, CITY))
        clock.advance(timedelta(hours=1))
        apply(zhucun, line)
        after = clock.now()
        for known, village_is, city_is in (
            (before, village_was, city_was),
            (after, village_was + adds, city_was + adds),
        ):
            assert figure(survey_of(zhucun, as_known_at=known)) == village_is, (kind, known)
            assert figure(survey_of(zhucun, CITY, as_known_at=known)) == city_is, (kind, known)
        today = clock.now().date()
        stored, counted = both_ways(zhucun, CITY, today)
        assert stored == counted, kind
        assert figure(stored["survey"]) == city_was + adds, kind
        # As known before it: counted from the facts (a visit is no fact of the stored rows,
        # which may then answer, with the visits known then)
        stored, counted = both_ways(zhucun, CITY, today, upto)
        assert stored in (None, counted) and figure(counted["survey"]) == city_was, kind
