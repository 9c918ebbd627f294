"""述职评议: a team's written report goes to the three bodies once each; the village meeting's
votes are recorded once a year, never more votes than people attending; the satisfaction an
annual assessment reads is (满意 + 基本满意) / votes cast. Each refusal on both engines,
writing nothing."""

from __future__ import annotations

import pytest

from domain.assessments.errors import (
    EvaluationAlreadyRecordedError,
    EvaluationWithoutVotesError,
    InvalidDocumentHashError,
    ReportAlreadySubmittedError,
    VotesAboveAttendanceError,
    YearOutsideTermError,
)
from domain.errors import DatedBeforeOpeningError, TeamNotFoundError
from tests.assess_builders import SHA, assessed_team, run, team_of
from tests.builders import apply, cmd, refused
from tests.team_builders import tid


def report(team: str, on: str = "2014-12-20", **changes: object) -> dict[str, object]:
    args = {
        "team": team,
        "year": 2014,
        "bodies": ["dispatching_unit", "organisation_department", "poverty_office"],
        "title": "2014 年度驻村工作述职报告",
        "document_sha256": SHA,
        **changes,
    }
    return cmd("submit_written_report", on=on, role="team_member", **args)


def evaluation(team: str, on: str = "2014-12-28", **changes: object) -> dict[str, object]:
    args = {
        "team": team,
        "year": 2014,
        "attendance": 40,
        "votes": {"satisfied": 30, "basically_satisfied": 6, "dissatisfied": 4},
        **changes,
    }
    return cmd("record_evaluation", on=on, role="township_officer", **args)


@pytest.fixture
def team(zhucun) -> str:
    return assessed_team(zhucun)


def test_the_report_and_the_votes_feed_the_annual_satisfaction(zhucun, team):
    apply(zhucun, report(team), evaluation(team))
    t = team_of(zhucun, run(zhucun)["run_id"], team)
    assert t["inputs"]["satisfaction"] == {"numerator": 36, "denominator": 40, "value": "90.00"}


def test_satisfaction_counts_the_votes_cast_not_the_people_attending(zhucun, team):
    apply(zhucun, evaluation(team, attendance=50, votes={"satisfied": 10, "dissatisfied": 10}))
    t = team_of(zhucun, run(zhucun)["run_id"], team)
    assert t["inputs"]["satisfaction"]["value"] == "50.00"


def test_a_half_year_check_reads_no_satisfaction(zhucun, team):
    apply(zhucun, evaluation(team))
    t = team_of(zhucun, run(zhucun, "2014H2", "half_year")["run_id"], team)
    assert t["inputs"]["satisfaction"]["denominator"] == 0


def test_a_report_may_go_to_the_bodies_one_at_a_time_but_to_each_once(zhucun, team):
    apply(zhucun, report(team, bodies=["dispatching_unit"]))
    apply(zhucun, report(team, bodies=["poverty_office", "organisation_department"]))
    e = refused(zhucun, report(team, bodies=["Poverty_Office "]))
    assert isinstance(e.error, ReportAlreadySubmittedError) and "扶贫办" in e.error.zh


@pytest.mark.parametrize(
    "given", ["ab" * 31, "zz" * 32, "ａｂ" * 32, "ab" * 32 + "0", "0x" + "ab" * 31]
)
def test_a_document_hash_that_is_not_64_hex_digits_is_refused(zhucun, team, given):
    e = refused(zhucun, report(team, document_sha256=given))
    assert isinstance(e.error, InvalidDocumentHashError)


def test_a_document_hash_is_kept_in_lower_case_and_trimmed(zhucun, team):
    apply(zhucun, report(team, document_sha256=f"  {SHA.upper()} "))
    from projections.assessments.tables import reports

    with zhucun.projections.reading() as conn:
        assert {r.document_sha256 for r in conn.execute(reports.select())} == {SHA}


def test_votes_above_attendance_are_refused_by_name(zhucun, team):
    e = refused(
        zhucun,
        evaluation(team, attendance=30, votes={"satisfied": 20, "basically_satisfied": 11}),
    )
    assert isinstance(e.error, VotesAboveAttendanceError)
    assert e.error.field == "votes" and "31" in e.error.en and "30" in e.error.en


def test_an_evaluation_without_votes_is_refused(zhucun, team):
    e = refused(zhucun, evaluation(team, votes={"satisfied": 0}))
    assert isinstance(e.error, EvaluationWithoutVotesError)


@pytest.mark.parametrize(
    "votes", [{"satisfied": -1}, {"satisfied": 1.0}, {"happy": 3}, {"satisfied": "3"}, [3]]
)
def test_votes_are_whole_numbers_under_the_three_options(zhucun, team, votes):
    e = refused(zhucun, evaluation(team, votes=votes))
    assert e.error.field == "votes"


def test_a_second_evaluation_of_the_same_year_is_refused(zhucun, team):
    apply(zhucun, evaluation(team))
    e = refused(zhucun, evaluation(team, on="2014-12-30"))
    assert isinstance(e.error, EvaluationAlreadyRecordedError) and "2014-12-28" in e.error.en


def test_a_year_outside_the_teams_term_is_refused(zhucun, team):
    e = refused(zhucun, evaluation(team, year=2013, on="2014-12-28"))
    assert isinstance(e.error, YearOutsideTermError)


def test_an_evaluation_dated_before_its_year_began_is_refused(zhucun, team):
    e = refused(zhucun, evaluation(team, year=2015, on="2014-12-28"))
    assert isinstance(e.error, DatedBeforeOpeningError)


def test_an_unknown_team_is_refused(zhucun, team):
    e = refused(zhucun, evaluation(tid(99)))
    assert isinstance(e.error, TeamNotFoundError)
