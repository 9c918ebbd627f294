"""Encryption at rest with the library's cipher: the stored bytes keep no personal data in
the clear, and everything reads back, the audit chain and the read models included."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import text

from app.audit.chain import verify
from app.audit.log import AuditFilter, audit_rows
from app.bootstrap import Zhucun, bootstrap
from app.store.config import parse_database_url
from domain.errors import InvalidInputError
from projections.audit.chain import events_source
from tests.builders import VILLAGE_A, apply, cmd, hid, id_number, small_network


def _stored(z: Zhucun) -> list[bytes]:
    table, pos = events_source(z.engine.dialect.name)
    with z.engine.connect() as conn:
        found = conn.execute(text(f"SELECT state FROM {table} ORDER BY {pos}")).scalars()
        return [bytes(s) for s in found]


def _load(z: Zhucun) -> None:
    small_network(z)  # through the library's save()
    line = cmd(
        "register_household",
        group=VILLAGE_A + "001",
        head_name="钱五",
        members=3,
        id_number=id_number(9),
        id=hid(9),
    )
    z.apply_text(json.dumps(line, ensure_ascii=False), bulk=True)  # through write_bulk


def test_stored_bytes_hold_no_identity_number_nor_name(encrypted: Zhucun) -> None:
    _load(encrypted)
    stored = _stored(encrypted)
    assert len(stored) == encrypted.store.max_position() > 10
    for secret in (id_number(1), id_number(9), "王大", "钱五", "本溪市", "Household"):
        assert not any(secret.encode() in s for s in stored), secret


def test_an_encrypted_store_reads_back_and_its_read_models_work(encrypted: Zhucun) -> None:
    _load(encrypted)
    (registered, *_) = encrypted.history_of_id(__import__("uuid").UUID(hid(9)))
    assert registered["details"]["head_name"] == "钱五"
    summary = encrypted.summary(VILLAGE_A)
    assert summary is not None and summary["households"] == 4
    rows = list(
        audit_rows(
            encrypted.store,
            encrypted.engine,
            AuditFilter(recorded_from=date(2016, 12, 31), event="Household.Registered"),
        )
    )
    assert {r["details"]["head_name"] for r in rows} >= {"王大", "钱五"}
    before = encrypted.projections.checksum()
    encrypted.projections.rebuild()
    assert encrypted.projections.checksum() == before


def test_the_chain_and_verify_work_on_encrypted_rows(encrypted: Zhucun) -> None:
    _load(encrypted)
    encrypted.projections.catch_up()
    verdict = verify(encrypted.store, encrypted.engine)
    assert verdict.ok and verdict.events == encrypted.store.max_position()
    table, pos = events_source(encrypted.engine.dialect.name)
    with encrypted.engine.begin() as conn:
        (state,) = conn.execute(text(f"SELECT state FROM {table} WHERE {pos} = 5")).one()
        edited = bytes(state)[:-1] + bytes([bytes(state)[-1] ^ 1])
        conn.execute(text(f"UPDATE {table} SET state = :s WHERE {pos} = 5"), {"s": edited})
    problem = verify(encrypted.store, encrypted.engine).problem
    assert problem is not None and (problem.kind, problem.position) == ("changed", 5)


def test_a_bad_key_is_refused_by_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CIPHER_KEY", "not a key")
    with pytest.raises(InvalidInputError) as info:
        parse_database_url("sqlite:////tmp/never-made.db")
    assert info.value.field == "CIPHER_KEY"


def test_without_a_key_nothing_is_encrypted(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CIPHER_KEY", raising=False)
    monkeypatch.delenv("ZHUCUN_CIPHER_KEY", raising=False)
    z = bootstrap(db_url)
    try:
        assert not z.config.encrypted
        apply(z, cmd("open_unit", code="210500", name="本溪市", level="city"))
        assert "本溪市".encode() in _stored(z)[0]
    finally:
        z.close()
