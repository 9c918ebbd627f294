"""Reading the log decodes each stored row into the very event the library's mapper makes."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from eventsourcing.persistence import (
    JSONTranscoder,
    Mapper,
    StoredEvent,
    TranscodingNotRegisteredError,
)

from app.bootstrap import Zhucun
from app.store.decoding import EventDecoder, uuid_of_hex
from tests.builders import small_network


def _by_mapper(z: Zhucun) -> list[Any]:
    mapper = z.store.mapper
    return [
        mapper.to_domain_event(StoredEvent(uuid.UUID(str(oid)), version, topic, bytes(state)))
        for _, oid, version, topic, state in z.store.raw_rows(0, limit=1_000_000)
    ]


def _same(ours: list[Any], theirs: list[Any]) -> None:
    assert len(ours) == len(theirs) > 0
    for a, b in zip(ours, theirs, strict=True):
        assert type(a) is type(b)
        assert a.__dict__ == b.__dict__
        assert {k: type(v) for k, v in a.__dict__.items()} == {
            k: type(v) for k, v in b.__dict__.items()
        }


def test_the_log_reads_back_as_the_library_mapper_reads_it(zhucun: Zhucun) -> None:
    small_network(zhucun)
    ours = [logged.event for page in zhucun.store.iter_log() for logged in page]
    _same(ours, _by_mapper(zhucun))


def test_an_encrypted_log_reads_back_as_the_library_mapper_reads_it(encrypted: Zhucun) -> None:
    small_network(encrypted)
    ours = [logged.event for page in encrypted.store.iter_log() for logged in page]
    _same(ours, _by_mapper(encrypted))


@pytest.mark.parametrize(
    "text",
    [
        "0123456789abcdef0123456789abcdef",
        "0123456789ABCDEF0123456789ABCDEF",
        "01234567-89ab-cdef-0123-456789abcdef",
        "{0123456789abcdef0123456789abcdef}",
    ],
)
def test_a_uuid_from_its_text_equals_the_standard_one(text: str) -> None:
    made = uuid_of_hex(text)
    assert made == uuid.UUID(text)
    assert made.hex == uuid.UUID(text).hex and made.is_safe == uuid.SafeUUID.unknown
    assert hash(made) == hash(uuid.UUID(text))


@pytest.mark.parametrize("text", ["0123456789abcdef0123456789abcdeg", "abc", "z" * 32])
def test_a_bad_uuid_text_fails_as_the_standard_one_does(text: str) -> None:
    with pytest.raises(ValueError):
        uuid.UUID(text)
    with pytest.raises(ValueError):
        uuid_of_hex(text)


class _Event:
    """A stand-in event class for the decoder (any class the topic resolves to)."""

    originator_id: uuid.UUID


def _mapper() -> Mapper[uuid.UUID]:
    from eventsourcing.persistence import DatetimeAsISO, DecimalAsStr, UUIDAsHex

    transcoder = JSONTranscoder()
    for transcoding in (UUIDAsHex(), DatetimeAsISO(), DecimalAsStr()):
        transcoder.register(transcoding)
    return Mapper(transcoder=transcoder)


def _both(state: bytes) -> tuple[dict[str, Any], dict[str, Any]]:
    mapper = _mapper()
    topic = f"{__name__}:_Event"
    oid = uuid.uuid4()
    ours = EventDecoder(mapper).decode(oid.hex, 3, topic, state).__dict__
    theirs = mapper.to_domain_event(StoredEvent(oid, 3, topic, state)).__dict__
    return ours, theirs


def test_typed_values_inside_lists_and_objects_decode_as_the_mappers() -> None:
    a, b = uuid.uuid4(), uuid.uuid4()
    state = (
        '{"timestamp":{"_type_":"datetime_iso","_data_":"2014-05-01T08:00:00+00:00"},'
        f'"ids":[{{"_type_":"uuid_hex","_data_":"{a.hex}"}},[{{"_type_":"uuid_hex","_data_":"{b.hex}"}}]],'
        '"nested":{"money":{"_type_":"decimal_str","_data_":"1.50"},"plain":{"x":1}},'
        '"not_typed":{"_type_":"uuid_hex","_data_":"x","extra":1}}'
    ).encode()
    ours, theirs = _both(state)
    assert ours == theirs
    assert ours["ids"] == [a, [b]] and ours["nested"]["money"] == Decimal("1.50")
    assert ours["timestamp"] == datetime(2014, 5, 1, 8, tzinfo=UTC)


def test_what_orjson_refuses_is_read_by_the_standard_parser() -> None:
    ours, theirs = _both(b'{"n":NaN,"big":123456789012345678901234567890}')
    assert ours["big"] == theirs["big"] == 123456789012345678901234567890
    assert ours["n"] != ours["n"] and theirs["n"] != theirs["n"]  # both NaN


def test_an_unknown_type_name_fails_with_the_librarys_error() -> None:
    with pytest.raises(TranscodingNotRegisteredError):
        _both(b'{"x":{"_type_":"no_such_type","_data_":"1"}}')
