"""Evidence files kept by their SHA-256 (ADR 025): the same bytes are stored once, nothing is
edited in place, the bytes are checked against their hash on every read, the size is bounded
by a setting; ``zhucun ledger attach`` and ``zhucun ledger file`` (each read out recorded).
Both engines."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, update

from app.store.files import files, max_file_bytes
from domain.errors import InvalidInputError
from domain.ledger.errors import (
    EmptyFileError,
    EvidenceFileNotFoundError,
    FileTooLargeError,
    StoredFileAlteredError,
)
from tests.builders import COUNTY, VILLAGE_A, answer, apply, refused, small_network
from tests.ledger_builders import MINUTES, RULES, evidence, goal, judge, sha


def rows(z) -> int:
    with z.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(files)).scalar_one()


def tamper(z, digest: str, content: bytes) -> None:
    with z.engine.begin() as conn:
        conn.execute(update(files).where(files.c.sha256 == digest).values(content=content))


def test_the_same_bytes_are_stored_once(zhucun):
    first = zhucun.attach_file(MINUTES)
    again = zhucun.attach_file(MINUTES)
    assert first == {"file": sha(MINUTES), "size": len(MINUTES), "new": True}
    assert again == {"file": sha(MINUTES), "size": len(MINUTES), "new": False}
    zhucun.attach_file(RULES)
    assert rows(zhucun) == 2
    assert zhucun.stored_file(sha(MINUTES)) == MINUTES


def test_bytes_that_no_longer_match_their_hash_are_refused_on_read(zhucun):
    zhucun.attach_file(MINUTES)
    tamper(zhucun, sha(MINUTES), MINUTES + b"!")
    with pytest.raises(StoredFileAlteredError) as info:
        zhucun.stored_file(sha(MINUTES))
    assert info.value.field == "file" and sha(MINUTES) in info.value.en


def test_a_file_the_store_does_not_hold_is_refused_on_read(zhucun):
    with pytest.raises(EvidenceFileNotFoundError):
        zhucun.stored_file(sha(RULES))  # no file stored yet: no table either
    zhucun.attach_file(MINUTES)
    with pytest.raises(EvidenceFileNotFoundError):
        zhucun.stored_file(sha(RULES))


def test_an_empty_file_or_one_over_the_limit_is_refused_and_nothing_is_stored(zhucun, monkeypatch):
    zhucun.attach_file(RULES)
    with pytest.raises(EmptyFileError):
        zhucun.attach_file(b"")
    monkeypatch.setenv("ZHUCUN_MAX_FILE_BYTES", str(len(MINUTES) - 1))
    with pytest.raises(FileTooLargeError) as info:
        zhucun.attach_file(MINUTES)
    assert (info.value.code, info.value.field) == ("file_too_large", "file")
    assert str(len(MINUTES)) in info.value.en
    assert rows(zhucun) == 1
    monkeypatch.setenv("ZHUCUN_MAX_FILE_BYTES", str(len(MINUTES)))
    assert zhucun.attach_file(MINUTES)["new"]


@pytest.mark.parametrize("setting", ["0", "-5", "20MB", "1e6", "１０"])
def test_a_size_limit_that_is_not_a_whole_number_of_bytes_is_refused(setting):
    with pytest.raises(InvalidInputError) as info:
        max_file_bytes({"ZHUCUN_MAX_FILE_BYTES": setting})
    assert info.value.field == "ZHUCUN_MAX_FILE_BYTES"
    assert max_file_bytes({}) == 20 * 1024 * 1024


def test_with_encryption_at_rest_the_stored_bytes_are_encrypted(encrypted):
    encrypted.attach_file(MINUTES)
    with encrypted.engine.connect() as conn:
        stored = bytes(conn.execute(select(files.c.content)).scalar_one())
    assert MINUTES not in stored
    assert encrypted.stored_file(sha(MINUTES)) == MINUTES
    tamper(encrypted, sha(MINUTES), stored[:-1] + bytes([stored[-1] ^ 1]))
    with pytest.raises(StoredFileAlteredError):
        encrypted.stored_file(sha(MINUTES))


def test_files_are_not_a_read_model_and_outlive_a_rebuild(zhucun):
    zhucun.attach_file(MINUTES)
    zhucun.projections.rebuild()
    assert zhucun.stored_file(sha(MINUTES)) == MINUTES


def test_the_evidence_carries_the_size_of_the_stored_file_and_takes_none_given(zhucun):
    small_network(zhucun)
    zhucun.attach_file(MINUTES)
    r = refused(zhucun, goal(), evidence(size=1))
    assert (r.error.code, r.error.field) == ("invalid_input", "size")
    apply(zhucun, goal(), evidence())
    found = zhucun.ledger(VILLAGE_A) or {}
    (e,) = found["six_haves"]["duties"][0]["goals"][0]["evidence"]
    assert e["size"] == len(MINUTES)


# -- the command line -------------------------------------------------------------------------


def test_attach_stores_a_file_once_and_prints_how_to_cite_it(zhucun, run, tmp_path):
    small_network(zhucun)
    path = tmp_path / "会议记录.pdf"
    path.write_bytes(MINUTES)
    r = run("ledger", "attach", str(path), "--json")
    assert r.exit_code == 0, r.output
    assert answer_of(r.output) == {
        "file": sha(MINUTES),
        "file_name": "会议记录.pdf",
        "media_type": "application/pdf",
        "size": len(MINUTES),
        "new": True,
    }
    r = run("ledger", "attach", str(path))
    assert r.exit_code == 0, r.output
    assert f"已存在 already stored: {sha(MINUTES)}" in r.output
    assert f'"file": "{sha(MINUTES)}", "file_name": "会议记录.pdf"' in r.output
    assert rows(zhucun) == 1


def test_attach_refuses_a_file_over_the_limit_before_reading_it(zhucun, run, tmp_path, monkeypatch):
    small_network(zhucun)
    path = tmp_path / "big.bin"
    path.write_bytes(b"x" * 11)
    monkeypatch.setenv("ZHUCUN_MAX_FILE_BYTES", "10")
    r = run("ledger", "attach", str(path))
    assert r.exit_code == 1
    assert "file_too_large [file]" in r.output
    r = run("ledger", "attach", str(tmp_path / "missing.pdf"))
    assert r.exit_code == 2


def test_file_writes_the_bytes_back_and_the_read_is_recorded(zhucun, run, tmp_path):
    small_network(zhucun)
    zhucun.attach_file(MINUTES)
    out = tmp_path / "back.txt"
    r = run(
        "ledger",
        "file",
        sha(MINUTES).upper(),
        "--out",
        str(out),
        "--as",
        "审计员王",
        "--role",
        "auditor",
    )
    assert r.exit_code == 0, r.output
    assert out.read_bytes() == MINUTES
    last = zhucun.store.read_log(zhucun.store.max_position() - 1, 1)[0].event
    assert type(last).__qualname__ == "DataAccess.Exported"
    assert (last.what, last.target, last.filters, last.actor_id, last.actor_role) == (
        "evidence file",
        str(out),
        {"file": sha(MINUTES)},
        "审计员王",
        "auditor",
    )


def test_file_refuses_an_unknown_or_altered_file_and_writes_nothing(zhucun, run, tmp_path):
    small_network(zhucun)
    zhucun.attach_file(MINUTES)
    before = zhucun.store.max_position()
    out = tmp_path / "back.txt"
    r = run("ledger", "file", sha(RULES), "--out", str(out))
    assert r.exit_code == 1 and "evidence_file_not_found [file]" in r.output
    tamper(zhucun, sha(MINUTES), b"forged")
    r = run("ledger", "file", sha(MINUTES), "--out", str(out))
    assert r.exit_code == 1 and "stored_file_altered [file]" in r.output
    r = run("ledger", "file", "not-a-hash", "--out", str(out))
    assert r.exit_code == 1 and "invalid_input [file]" in r.output
    assert not out.exists()
    assert zhucun.store.max_position() == before


def test_the_ledger_shows_the_six_haves_under_the_duties_and_counts_them_above(zhucun, run):
    small_network(zhucun)
    zhucun.attach_file(MINUTES)
    apply(zhucun, goal(), evidence(), judge("met"))
    r = run("ledger", "--unit", VILLAGE_A)
    assert r.exit_code == 0, r.output
    assert "职责与六有 duties and the six haves  (设定 set 1/6, 已达到 met 1)" in r.output
    assert "  抓好班子、建好队伍 build the leadership and the team" in r.output
    assert "    坚强有力的领导班子 leadership_team: 两委班子配齐配强，书记 45 岁以下" in r.output
    assert "      状态 status 已达到 met — 王部长 (210521100) 2014-09-01" in r.output
    assert f"会议记录.txt (text/plain, {len(MINUTES)} bytes) sha256 {sha(MINUTES)}" in r.output
    assert "    本领过硬的骨干队伍 backbone_team: 未设定 not set" in r.output
    r = run("ledger", "--unit", COUNTY)
    assert "有六有目标的村 villages with goals 1" in r.output
    assert "坚强有力的领导班子 leadership_team: 未设定 not set 0, 未评定 unjudged 0" in r.output
    r = run("ledger", "--unit", COUNTY, "--json")
    assert answer(r.output)["six_haves"]["by_goal"]["leadership_team"]["met"] == 1


def test_the_ledger_without_a_unit_or_with_a_subcommand_is_a_usage_error(zhucun, run):
    small_network(zhucun)
    assert run("ledger").exit_code == 2
    assert run("ledger", "--unit", VILLAGE_A, "file", sha(MINUTES), "--out", "x").exit_code == 2


def answer_of(text: str):
    import json

    return json.loads(text)
