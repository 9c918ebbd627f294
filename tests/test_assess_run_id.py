"""``zhucun assess run --id UUID``: the run takes the id given (stripped, in lower case), so a
document or a script can name it afterwards; a malformed id is refused by its label and an id
already used by any record by name (``duplicate_id``), on both engines, writing nothing."""

from __future__ import annotations

from uuid import UUID

import pytest
from click.testing import CliRunner

from app.cli.main import cli
from domain.assessments.periods import RunKind
from domain.errors import DuplicateIdError
from tests.assess_builders import assessed_team, meta, run
from tests.builders import COUNTY
from tests.team_builders import tid

ANNUAL_2014 = ["--kind", "annual", "--period", "2014", "--unit", COUNTY]
BY = ["--as", "org.dept", "--role", "city_admin"]
RUN_ID = "0000000a-00b0-4000-8000-0000000c0001"


@pytest.fixture
def team(zhucun) -> str:
    return assessed_team(zhucun)


def assess_run(db_url: str, given: str) -> object:
    return CliRunner().invoke(
        cli,
        ["--db", db_url, "assess", "run", *ANNUAL_2014, "--id", given, *BY],
    )


def test_the_run_takes_the_id_given_stripped_and_in_lower_case(zhucun, team, db_url):
    out = assess_run(db_url, f"  {RUN_ID.upper()}\t")
    assert out.exit_code == 0, out.output
    assert f"考核 run {RUN_ID}:" in out.output
    (listed,) = zhucun.assessments.runs(COUNTY)
    assert listed["run_id"] == RUN_ID
    assert zhucun.assessments.show(UUID(RUN_ID))["run_id"] == RUN_ID
    shown = CliRunner().invoke(cli, ["--db", db_url, "assess", "replay", RUN_ID])
    assert shown.exit_code == 0 and "reproduced ✓" in shown.output


@pytest.mark.parametrize(
    "given",
    [
        "",
        "   ",
        "not-a-uuid",
        "0000000a-00b0-4000-8000-0000000c000",  # a digit short
        "０000000a-00b0-4000-8000-0000000c0001",  # a full-width digit
        "0000000a-00b0-4000-8000-0000000c0001x",
        "210521100201",  # another kind of id: a unit's code
    ],
)
def test_a_malformed_id_is_refused_by_its_label_and_nothing_is_written(zhucun, team, db_url, given):
    before = zhucun.store.max_position()
    out = assess_run(db_url, given)
    assert out.exit_code == 1, out.output
    assert "invalid_input [id]: 考核编号（id）不是有效的编号" in out.output
    assert "assessment run id (id) is not a valid id" in out.output
    assert zhucun.store.max_position() == before
    assert zhucun.assessments.runs(COUNTY) == []


def test_an_id_already_used_by_a_run_or_any_other_record_is_refused_and_nothing_is_written(
    zhucun, team, db_url
):
    assert assess_run(db_url, RUN_ID).exit_code == 0
    before = zhucun.store.max_position()
    for used in (RUN_ID, f" {RUN_ID.upper()} ", team, tid(1)):
        out = assess_run(db_url, used)
        assert out.exit_code == 1, out.output
        assert "duplicate_id [id]: 考核编号 " in out.output, out.output
        assert "已被使用 / assessment run id " in out.output and "is already used" in out.output
        assert "concurrent_change" not in out.output
    assert zhucun.store.max_position() == before
    assert len(zhucun.assessments.runs(COUNTY)) == 1


def test_the_use_case_refuses_an_id_already_used(zhucun, team):
    before = zhucun.store.max_position()
    with pytest.raises(DuplicateIdError) as info:
        zhucun.assessments.run(RunKind.ANNUAL, "2014", COUNTY, None, meta(zhucun), UUID(team))
    assert info.value.field == "id" and team in info.value.en
    assert zhucun.store.max_position() == before
    assert run(zhucun)["run_id"] != team  # without an id, a new random one
