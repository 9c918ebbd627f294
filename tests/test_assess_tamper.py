"""Tamper evidence for assessments: a checkpoint of the audit chain lists the runs published
up to its position (id, digest, the position each was computed at and the chain's link
there); ``audit verify`` reports a run whose stored digest, stored result or input events
were altered, and ``assess replay`` catches the altered input event too."""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID

import pytest
from click.testing import CliRunner

from app.audit.chain import checkpoint, parse_checkpoints, verify
from app.cli.main import cli
from domain.assessments.canonical import digest
from domain.errors import InvalidInputError
from tests.assess_builders import assessed_team, run
from tests.builders import apply, cmd
from tests.test_audit_chain import forge, row


@pytest.fixture
def published(zhucun) -> dict[str, Any]:
    assessed_team(zhucun)
    done = run(zhucun)
    apply(
        zhucun,
        cmd("publish_assessment_run", on="2016-12-31", role="city_admin", run=done["run_id"]),
    )
    zhucun.projections.catch_up()
    return done


def test_a_checkpoint_lists_the_runs_published_up_to_its_position(zhucun, published):
    unpublished = run(zhucun, "2014H2", "half_year")
    zhucun.projections.catch_up()
    cp = checkpoint(zhucun.engine)
    (seal,) = cp.runs
    assert (seal.run_id, seal.digest) == (published["run_id"], published["digest"])
    assert seal.position == published["position"] and len(seal.chain_link) == 64
    assert unpublished["run_id"] not in json.dumps(cp.as_dict())
    again = parse_checkpoints(json.dumps(cp.as_dict()))
    assert again == [cp]


def test_verify_checks_every_published_run_and_finds_them_intact(zhucun, published):
    verdict = verify(zhucun.store, zhucun.engine, [checkpoint(zhucun.engine)])
    assert verdict.ok and verdict.runs_checked == 1 and verdict.run_problems == []


def test_an_altered_input_event_fails_both_audit_verify_and_the_replay_naming_it(
    zhucun, published, db_url, tmp_path
):
    kept = tmp_path / "checkpoint.json"
    out = CliRunner().invoke(cli, ["--db", db_url, "audit", "checkpoint", "--out", str(kept)])
    assert out.exit_code == 0, out.output
    target = next(
        p for p in range(published["position"], 0, -1) if b"CheckedIn" in row(zhucun, p)[2].encode()
    )
    forge(zhucun, target, b"2014-12", b"2014-11")

    checked = CliRunner().invoke(
        cli, ["--db", db_url, "audit", "verify", "--checkpoint", str(kept), "--json"]
    )
    assert checked.exit_code == 1
    verdict = json.loads(checked.stdout)
    assert verdict["problem"]["position"] == target and verdict["problem"]["kind"] == "changed"
    (problem,) = verdict["run_problems"]
    assert (problem["run_id"], problem["kind"]) == (published["run_id"], "inputs-altered")
    assert f"position {target}" in problem["en"]
    said = CliRunner().invoke(cli, ["--db", db_url, "audit", "verify", "--checkpoint", str(kept)])
    assert (
        said.exit_code == 1 and f"TAMPERED run {published['run_id']} inputs-altered" in said.output
    )

    replayed = CliRunner().invoke(cli, ["--db", db_url, "assess", "replay", published["run_id"]])
    assert replayed.exit_code == 1 and "NOT reproduced" in replayed.output
    assert f"position {target}" in replayed.output


def test_a_run_whose_stored_digest_was_altered_is_reported_against_the_checkpoint(
    zhucun, published
):
    cp = checkpoint(zhucun.engine)
    at = zhucun.assessments.runs()[0]["recorded_at_position"]
    digest = published["digest"].encode()
    forge(zhucun, at, digest, b"0" * 64)
    verdict = verify(zhucun.store, zhucun.engine, [cp])
    assert not verdict.ok and verdict.problem is not None and verdict.problem.position == at
    kinds = {(p.run_id, p.kind) for p in verdict.run_problems}
    assert (published["run_id"], "digest-altered") in kinds


def team_event(z: Any, at: int) -> int:
    """The position of the run's event holding the team's result (after the run's own)."""
    return next(p for p in range(at + 1, at + 10) if b'"score":"50.28"' in bytes(row(z, p)[3]))


def test_a_run_keeps_each_team_in_an_event_of_its_own_after_the_run_s(zhucun, published):
    at = zhucun.assessments.runs()[0]["recorded_at_position"]
    head, team = row(zhucun, at), row(zhucun, team_event(zhucun, at))
    assert head[2].endswith("AssessmentRun.Recorded") and b'"teams":[]' in bytes(head[3])
    assert team[2].endswith("AssessmentRun.TeamAssessed") and team[0] == head[0]
    shown = zhucun.assessments.show(UUID(published["run_id"]))["result"]
    assert digest(shown) == published["digest"] and len(shown["teams"]) == 1


def test_a_run_whose_stored_result_was_altered_no_longer_hashes_to_its_digest(zhucun, published):
    cp = checkpoint(zhucun.engine)
    at = zhucun.assessments.runs()[0]["recorded_at_position"]
    forge(zhucun, team_event(zhucun, at), b'"score":"50.28"', b'"score":"95.28"')
    verdict = verify(zhucun.store, zhucun.engine, [cp])
    assert [(p.run_id, p.kind) for p in verdict.run_problems] == [
        (published["run_id"], "result-altered")
    ]


@pytest.mark.parametrize(
    "runs",
    [[{"digest": "ab" * 32, "position": 3}], [{"run_id": "x", "digest": "ab", "position": 3}]],
)
def test_a_checkpoint_with_a_malformed_run_is_refused(runs):
    text = json.dumps({"position": 3, "link": "ab" * 32, "runs": runs})
    with pytest.raises(InvalidInputError):
        parse_checkpoints(text)


def test_a_run_rewritten_and_the_chain_rebuilt_over_it_is_still_reported_by_verify(
    zhucun, published
):
    at = zhucun.assessments.runs()[0]["recorded_at_position"]
    forge(zhucun, team_event(zhucun, at), b'"score":"50.28"', b'"score":"95.28"')
    zhucun.projections.rebuild()  # the chain and the read models agree with the rewritten log
    verdict = verify(zhucun.store, zhucun.engine)
    assert not verdict.ok and verdict.runs_checked == 1
    assert verdict.problem is not None
    assert (verdict.problem.kind, verdict.problem.position) == ("run-altered", at)
    assert published["run_id"] in verdict.problem.en
