"""What a replay's chain check covers (docs/adr/033): the chain's stored digests up to the
run's position, linked again, must give the link the run recorded, and every event the run's
figures rest on must still hash to its digest there. An input deleted, or altered together
with the chain's digest of it, is caught at its position; the rule set's adoption is an
input too; an event the run did not read is left to ``audit verify``, which walks the whole
log."""

from __future__ import annotations

from uuid import UUID

import pytest
from sqlalchemy import text

from app.audit.chain import verify
from domain.assessments.scoring import by_team
from domain.assessments.trace import positions_behind
from projections.assessments.facts import gather, positions_read
from projections.audit.chain import _scan_in_table_order, chained_to, row_digest, rows_at
from tests.assess_builders import assessed_team, replayed, run
from tests.builders import apply, cmd
from tests.team_builders import MEMBER, cid
from tests.test_audit_chain import forge, last_of, row, sql


@pytest.fixture
def team(zhucun) -> str:
    return assessed_team(zhucun)


def test_every_position_a_teams_figures_rest_on_is_among_the_inputs_checked(zhucun, team):
    done = run(zhucun)
    with zhucun.assessments.reading() as (conn, _):
        period = zhucun.assessments.recorded(UUID(done["run_id"])).period
        facts = gather(conn, done["unit"], period, done["position"])
        read = positions_read(conn, facts, "benxi-2014-assessment", 1, done["position"])
    assert facts is not None
    behind = set().union(*(positions_behind(f, f.teams[0]) for f in by_team(facts).values()))
    assert {p for p in behind if p <= done["position"]} <= read
    adopted = last_of(zhucun, done["position"], b"AssessmentRuleSet")
    assert adopted in read and max(read) <= done["position"]


def test_an_input_event_deleted_from_the_log_is_caught_at_its_position(zhucun, team):
    done = run(zhucun)
    target = last_of(zhucun, done["position"], b"CheckedIn")
    sql(zhucun, "DELETE FROM {t} WHERE {pos} = :p", p=target)
    again = replayed(zhucun, done["run_id"])
    assert again["first_difference"] is None  # the read models still hold it
    assert again["reproduced"] is False
    assert again["chain"]["problem"]["position"] == target


def test_an_input_altered_with_the_chains_digest_of_it_no_longer_links_to_the_runs_link(
    zhucun, team
):
    done = run(zhucun)
    target = last_of(zhucun, done["position"], b"CheckedIn")
    forged = forge(zhucun, target, b"2014-12", b"2014-11")
    oid, version, topic, _ = row(zhucun, target)
    with zhucun.engine.begin() as conn:
        conn.execute(
            text("UPDATE audit_chain SET digest = :d WHERE position = :p"),
            {"d": row_digest(oid, version, topic, forged), "p": target},
        )
    again = replayed(zhucun, done["run_id"])
    assert again["reproduced"] is False and again["chain"]["ok"] is False
    assert again["chain"]["problem"]["position"] == target


def test_the_rule_sets_adoption_altered_after_the_run_is_caught(zhucun, team):
    done = run(zhucun)
    target = last_of(zhucun, done["position"], b"AssessmentRuleSet")
    forge(zhucun, target, b'"effective_from":"2014-01-01"', b'"effective_from":"2014-01-02"')
    again = replayed(zhucun, done["run_id"])
    assert again["first_difference"] is None
    assert again["reproduced"] is False
    assert again["chain"]["problem"]["position"] == target


def test_an_event_the_run_did_not_read_is_left_to_audit_verify(zhucun, team):
    apply(zhucun, cmd("check_in", on="2015-01-05", role="team_member", cadre=cid(MEMBER)))
    done = run(zhucun)  # the annual assessment of 2014 does not read a check-in of 2015
    target = last_of(zhucun, done["position"], b"CheckedIn")
    assert b"2015-01-05" in bytes(row(zhucun, target)[3])
    forge(zhucun, target, b"2015-01-05", b"2015-01-06")
    again = replayed(zhucun, done["run_id"])
    assert again["reproduced"] is True and again["chain"]["ok"] is True
    verdict = verify(zhucun.store, zhucun.engine)
    assert not verdict.ok and verdict.problem is not None
    assert verdict.problem.position == target


def test_a_chain_table_whose_rows_are_not_in_position_order_is_walked_by_its_position(zhucun, team):
    done = run(zhucun)
    with zhucun.engine.begin() as conn:
        position, digest, link = conn.execute(
            text("SELECT position, digest, link FROM audit_chain WHERE position = 2")
        ).one()
        conn.execute(text("DELETE FROM audit_chain WHERE position = 2"))
        conn.execute(  # the same row again, now last in the table's own order
            text("INSERT INTO audit_chain (position, digest, link) VALUES (:p, :d, :k)"),
            {"p": position, "d": digest, "k": link},
        )
    with zhucun.assessments.reading() as (conn, _):
        if conn.dialect.name == "sqlite":  # the one scan in table order gives up
            assert _scan_in_table_order(conn, done["position"], set()) is None
        last, again, _ = chained_to(conn, done["position"])
    assert last == done["position"]
    assert again.hex() == zhucun.assessments.recorded(UUID(done["run_id"])).chain_link
    assert replayed(zhucun, done["run_id"])["reproduced"] is True


def test_rows_at_spread_or_dense_positions_are_the_rows_stored_there(zhucun, team):
    head = zhucun.store.max_position()
    spread = list(range(1, head + 1, 7))  # looked up by key
    dense = [p for p in range(1, head + 1) if p % 7]  # read as a stretch, the others dropped
    with zhucun.assessments.reading() as (conn, _):
        for positions in (spread, dense):
            rows = sorted(r for page in rows_at(conn, positions) for r in page)
            assert [r[0] for r in rows] == positions
            assert [tuple(r[1:]) for r in rows[:3]] == [
                tuple(row(zhucun, p)) for p in positions[:3]
            ]
