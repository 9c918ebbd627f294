"""Tamper evidence: the hash chain over the log catches rows changed, deleted, inserted or
reordered behind the system's back, on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from app.audit.chain import Checkpoint, checkpoint, parse_checkpoints, verify
from app.bootstrap import Zhucun
from app.cli.main import cli
from projections.audit.chain import events_source
from tests.builders import CITY, apply, cmd, small_network


def sql(z: Zhucun, statement: str, **params: Any) -> list[Any]:
    """Run SQL straight against the store's database, as someone with access to it could."""
    table, pos = events_source(z.engine.dialect.name)
    with z.engine.begin() as conn:
        result = conn.execute(text(statement.format(t=table, pos=pos)), params)
        return list(result.all()) if result.returns_rows else []


def row(z: Zhucun, position: int) -> Any:
    (found,) = sql(
        z,
        "SELECT originator_id, originator_version, topic, state FROM {t} WHERE {pos} = :p",
        p=position,
    )
    return found


def last_of(z: Zhucun, position: int, kind: bytes) -> int:
    """The position of the last event whose topic names ``kind``, at or before ``position``."""
    return next(p for p in range(position, 0, -1) if kind in row(z, p)[2].encode())


def forge(z: Zhucun, position: int, old: bytes, new: bytes) -> bytes:
    """Alter the stored state of the event at ``position`` behind the store's back, as someone
    with access to the database could: its first ``old`` becomes ``new``. The forged state."""
    state = bytes(row(z, position)[3])
    forged = state.replace(old, new, 1)
    assert forged != state
    sql(z, "UPDATE {t} SET state = :s WHERE {pos} = :p", s=forged, p=position)
    return forged


def positions(z: Zhucun) -> list[int]:
    return [r[0] for r in sql(z, "SELECT {pos} FROM {t} ORDER BY {pos}")]


@pytest.fixture
def logged(zhucun: Zhucun) -> Zhucun:
    small_network(zhucun)
    zhucun.projections.catch_up()  # the chain is extended by the first read after the writes
    assert verify(zhucun.store, zhucun.engine).ok
    return zhucun


def problem_of(z: Zhucun, cps: list[Checkpoint] | None = None) -> tuple[str, int]:
    v = verify(z.store, z.engine, cps, segments=0)  # the log walked in order only
    assert v.problem is not None, "verify should have found the tampering"
    # Checked in segments side by side first (SQLite), verify reports exactly the same.
    for segments in (None, 1, 2, 3):
        assert verify(z.store, z.engine, cps, segments=segments) == v
    return v.problem.kind, v.problem.position


def test_a_clean_log_verifies_ok_with_its_count_and_head_link(logged: Zhucun) -> None:
    v = verify(logged.store, logged.engine)
    assert v.ok and v.pending == 0
    assert v.events == len(positions(logged)) == logged.store.max_position()
    assert v.head_position == logged.store.max_position()
    assert v.head_link == checkpoint(logged.engine).link


def test_both_engines_chain_the_same_rows_alike() -> None:
    from projections.audit.chain import GENESIS, extend

    oid = uuid.uuid4()
    as_uuid = extend(GENESIS, [(1, oid, 1, "a.b:C", b"{}")])
    as_hex = extend(GENESIS, [(1, oid.hex, 1, "a.b:C", b"{}")])
    assert as_uuid == as_hex


def test_changing_a_stored_event_is_caught_at_its_position(logged: Zhucun) -> None:
    state = bytes(row(logged, 3)[3]).replace("小市镇".encode(), "大市镇".encode())
    assert state != bytes(row(logged, 3)[3])
    sql(logged, "UPDATE {t} SET state = :s WHERE {pos} = 3", s=state)
    assert problem_of(logged) == ("changed", 3)


def test_changing_only_the_topic_is_caught(logged: Zhucun) -> None:
    sql(logged, "UPDATE {t} SET topic = topic || 'x' WHERE {pos} = 7")
    assert problem_of(logged) == ("changed", 7)


def test_deleting_a_stored_event_is_caught_at_its_position(logged: Zhucun) -> None:
    sql(logged, "DELETE FROM {t} WHERE {pos} = 4")
    assert problem_of(logged) == ("deleted", 4)


def test_deleting_the_last_events_is_caught(logged: Zhucun) -> None:
    last = logged.store.max_position()
    sql(logged, "DELETE FROM {t} WHERE {pos} >= :p", p=last - 1)
    assert problem_of(logged) == ("deleted", last - 1)


def test_inserting_an_event_into_the_middle_of_the_log_is_caught(logged: Zhucun) -> None:
    forged = row(logged, 3)
    # Make room at position 4: move every later row one down (through negative positions,
    # so no two rows share a position on the way), then put the forged row there.
    sql(logged, "UPDATE {t} SET {pos} = -{pos} - 1 WHERE {pos} >= 4")
    sql(logged, "UPDATE {t} SET {pos} = -{pos} WHERE {pos} < 0")
    other = uuid.uuid4()
    oid: Any = other if logged.config.is_postgres else other.hex
    sql(
        logged,
        "INSERT INTO {t} ({pos}, originator_id, originator_version, topic, state) "
        "VALUES (4, :o, 1, :topic, :s)",
        o=oid,
        topic=forged[2],
        s=bytes(forged[3]),
    )
    assert 4 in positions(logged)
    assert problem_of(logged) == ("inserted", 4)


def test_inserting_an_event_into_a_gap_is_caught(logged: Zhucun) -> None:
    # A gap, as a rolled-back transaction leaves on PostgreSQL: the chain skips it; a row
    # put there later was never chained.
    apply(logged, cmd("open_unit", code="210522", name="桓仁县", level="county", parent=CITY))
    last = logged.store.max_position()
    gone = row(logged, last)
    sql(logged, "UPDATE {t} SET {pos} = {pos} + 1 WHERE {pos} = :p", p=last)
    logged.projections.rebuild()
    assert verify(logged.store, logged.engine).ok
    oid = uuid.uuid4()
    sql(
        logged,
        "INSERT INTO {t} ({pos}, originator_id, originator_version, topic, state) "
        "VALUES (:p, :o, 1, :topic, :s)",
        p=last,
        o=oid if logged.config.is_postgres else oid.hex,
        topic=gone[2],
        s=bytes(gone[3]),
    )
    assert problem_of(logged) == ("inserted", last)


def test_swapping_two_stored_events_is_caught_as_a_reorder(logged: Zhucun) -> None:
    a, b = row(logged, 3), row(logged, 6)
    sql(logged, "UPDATE {t} SET originator_version = -1 WHERE {pos} = 3")
    for position, (oid, version, topic, state) in ((6, a), (3, b)):
        sql(
            logged,
            "UPDATE {t} SET originator_id = :o, originator_version = :v, topic = :topic, "
            "state = :s WHERE {pos} = :p",
            o=oid,
            v=version,
            topic=topic,
            s=bytes(state),
            p=position,
        )
    assert problem_of(logged) == ("reordered", 3)


def test_altering_only_the_chain_table_is_caught(logged: Zhucun) -> None:
    with logged.engine.begin() as conn:
        conn.execute(text("UPDATE audit_chain SET link = :k WHERE position = 6"), {"k": bytes(32)})
    assert problem_of(logged) == ("chain-altered", 6)


def test_events_not_yet_chained_are_pending_not_tampering(logged: Zhucun) -> None:
    sql(logged, "DELETE FROM audit_chain WHERE position > 10")
    v = verify(logged.store, logged.engine)
    assert v.ok and v.chained_to == 10 and v.pending == logged.store.max_position() - 10


def test_a_checkpoint_kept_outside_catches_a_rewrite_of_log_and_chain(logged: Zhucun) -> None:
    early = checkpoint(logged.engine)
    apply(logged, cmd("open_unit", code="210522", name="桓仁县", level="county", parent=CITY))
    logged.projections.catch_up()  # as `zhucun audit checkpoint` does before printing
    late = checkpoint(logged.engine)
    assert late.position > early.position
    # Rewrite the newest event and have the chain rebuilt over the rewritten log.
    state = bytes(row(logged, late.position)[3])
    forged = state.replace("桓仁县".encode(), "假县".encode())
    assert forged != state
    sql(logged, "UPDATE {t} SET state = :s WHERE {pos} = :p", s=forged, p=late.position)
    logged.projections.rebuild()
    assert verify(logged.store, logged.engine).ok  # the chain alone is fooled
    kept = parse_checkpoints(
        "\n".join(json.dumps(c.as_dict()) for c in (early, late))  # JSON lines
    )
    v = verify(logged.store, logged.engine, kept)
    assert v.problem is not None and v.problem.kind == "differs-from-checkpoint"
    assert v.problem.position == late.position and v.problem.after == early.position


def test_a_checkpoint_past_the_end_of_a_truncated_log_is_caught(logged: Zhucun) -> None:
    cp = checkpoint(logged.engine)
    sql(logged, "DELETE FROM {t} WHERE {pos} = :p", p=cp.position)
    sql(logged, "DELETE FROM audit_chain WHERE position = :p", p=cp.position)
    assert problem_of(logged, [cp]) == ("differs-from-checkpoint", cp.position)


def test_cli_checkpoint_then_verify_exit_codes(db_url: str, tmp_path: Any) -> None:
    runner = CliRunner()

    def run(*args: str) -> Any:
        return runner.invoke(cli, ["--db", db_url, *args])

    assert run("init").exit_code == 0

    batch = tmp_path / "b.jsonl"
    batch.write_text(
        "\n".join(
            json.dumps(cmd("open_unit", code=c, name=n, level=lv, parent=p), ensure_ascii=False)
            for c, n, lv, p in [
                (CITY, "本溪市", "city", None),
                ("210521", "本溪满族自治县", "county", CITY),
                ("210522", "桓仁县", "county", CITY),
            ]
        ),
        encoding="utf-8",
    )
    assert run("apply", str(batch)).exit_code == 0
    out = tmp_path / "cp.json"
    r = run("audit", "checkpoint", "--out", str(out))
    assert r.exit_code == 0, r.output
    assert json.loads(out.read_text("utf-8"))["position"] == 3
    r = run("audit", "verify", "--checkpoint", str(out))
    assert r.exit_code == 0, r.output
    assert "OK: 3 event(s)" in r.stdout and "matches 1 checkpoint(s)" in r.stdout
    from app.bootstrap import bootstrap

    z = bootstrap(db_url)
    try:
        sql(z, "DELETE FROM {t} WHERE {pos} = 2")
    finally:
        z.close()
    r = run("audit", "verify")
    assert r.exit_code == 1
    assert "deleted at position 2" in r.stderr
    r = run("audit", "verify", "--json")
    assert r.exit_code == 1 and json.loads(r.stdout)["problem"]["position"] == 2


def test_the_verify_benchmark_prints_its_figures_beside_a_raw_scan(capsys: Any) -> None:
    from bench import verify as bench_verify

    assert bench_verify.main(["--villages", "1", "--repeat", "1"]) == 0
    out = capsys.readouterr().out
    assert "audit verify" in out and "raw scan (baseline)" in out and "events/s" in out


def test_a_state_whose_stored_type_was_changed_is_caught_not_a_crash(logged: Zhucun) -> None:
    # On SQLite, BLOB || BLOB is TEXT: the row now holds a string where bytes were.
    sql(logged, "UPDATE {t} SET state = state || :s WHERE {pos} = 2", s=b" ")
    assert problem_of(logged) == ("changed", 2)


@pytest.mark.parametrize("segments", [1, 2, 3, 7])
def test_verifying_in_segments_gives_the_same_verdict(logged: Zhucun, segments: int) -> None:
    cps = [checkpoint(logged.engine)]
    whole = verify(logged.store, logged.engine, cps, segments=0)
    assert whole.ok
    assert verify(logged.store, logged.engine, cps, segments=segments).as_dict() == whole.as_dict()
    sql(logged, "DELETE FROM audit_chain WHERE position > 10")  # the rest not chained yet
    pending = verify(logged.store, logged.engine, segments=segments)
    assert pending.ok and pending.chained_to == 10
    assert pending.as_dict() == verify(logged.store, logged.engine, segments=0).as_dict()
