"""Stored rows back into domain events, as the library's mapper would, in less time.

Reading the log is most of what a read model's catch-up or rebuild costs before it writes
anything: the library's mapper parses each event's JSON with a Python hook called for every
object, looks up the id convertor, and builds each UUID through ``UUID.__init__``'s checks
(`python -m bench.decode` prints both ways over the same log). Here the JSON is parsed by
orjson, with no hook, only the values that carry a ``_type_`` go through the transcoder's own
transcodings, and a UUID from 32 hex digits is made directly. The result is the same event
object, field for field (tests/test_decoding.py compares every event of the demo).

Anything this does not handle (a transcoder other than the library's JSON one, a compressor,
an event class with upcasting) goes through the library's mapper, unchanged.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from uuid import UUID, SafeUUID

import orjson
from eventsourcing.persistence import (
    JSONTranscoder,
    Mapper,
    StoredEvent,
    find_id_convertor,
    str_to_uuid_convertor,
)
from eventsourcing.utils import resolve_topic

_loads = json.JSONDecoder().decode  # the C scanner, no hook
_new = object.__new__
_set = object.__setattr__
_UNKNOWN = SafeUUID.unknown


def uuid_of_hex(text: str) -> UUID:
    """``UUID(text)``, in a third of the time for the form the store writes (32 hex digits).

    For 32 letters and digits ``UUID.__init__`` strips nothing and takes ``int(text, 16)``:
    so does this, with the same outcome and the same error.
    """
    if len(text) != 32 or not text.isalnum():
        return UUID(text)
    u = _new(UUID)
    _set(u, "int", int(text, 16))
    _set(u, "is_safe", _UNKNOWN)
    return u


class EventDecoder:
    """``decode(originator_id, version, topic, state)`` -> the domain event."""

    def __init__(self, mapper: Mapper[UUID]) -> None:
        self.mapper = mapper
        transcoder = mapper.transcoder
        self.fast = isinstance(transcoder, JSONTranscoder) and mapper.compressor is None
        self._decrypt = mapper.cipher.decrypt if mapper.cipher is not None else None
        names = transcoder.names if isinstance(transcoder, JSONTranscoder) else {}
        # The transcoder's decoding of one ``{"_type_", "_data_"}`` object, for the rare
        # names not special-cased below (and for its error on a name it does not know).
        self._typed: Callable[[dict[str, Any]], Any] = (
            transcoder._decode_obj if isinstance(transcoder, JSONTranscoder) else dict
        )
        uuid_hex = names.get("uuid_hex")
        self._uuid_name = "uuid_hex" if uuid_hex is not None and uuid_hex.type is UUID else None
        time_iso = names.get("datetime_iso")
        self._time_name = "datetime_iso" if time_iso is not None else None
        self._times: dict[str, Any] = {}
        self._classes: dict[str, type | None] = {}

    def decode(self, originator_id: Any, version: int, topic: str, state: bytes) -> Any:
        try:
            cls = self._classes[topic]
        except KeyError:
            cls = self._classes[topic] = self._class_of(topic)
        if cls is None:
            return self.mapper.to_domain_event(
                StoredEvent(
                    originator_id=_as_uuid(originator_id),
                    originator_version=version,
                    topic=topic,
                    state=bytes(state),
                )
            )
        if self._decrypt is not None:
            state = self._decrypt(bytes(state))
        try:
            parsed = orjson.loads(state)
        except orjson.JSONDecodeError:
            # What the standard parser takes and orjson does not (NaN, integers beyond 64
            # bits), or its own error for what neither takes.
            parsed = _loads(bytes(state).decode("utf8"))
        event_state = self._fix(parsed)
        event_state["originator_id"] = _as_uuid(originator_id)
        event_state["originator_version"] = version
        event: Any = _new(cls)
        _set(event, "__dict__", event_state)
        return event

    def _class_of(self, topic: str) -> type | None:
        """The event class when this decoder may build it, None to leave it to the mapper."""
        if not self.fast:
            return None
        cls = resolve_topic(topic)
        if getattr(cls, "class_version", 1) != 1:
            return None  # upcasting: the mapper's loop
        if find_id_convertor(cls, str) is not str_to_uuid_convertor:
            return None  # ids kept as text: the mapper's way
        return cls  # type: ignore[no-any-return]

    def _fix(self, d: dict[str, Any]) -> Any:
        """What the transcoder's object hook makes of a parsed object, inner objects first."""
        for key, value in d.items():
            kind = type(value)
            if kind is dict:
                if len(value) == 2 and type(value.get("_data_")) is str and "_type_" in value:
                    d[key] = self._typed_text(value)  # the usual typed value: a UUID, a time
                else:
                    d[key] = self._fix(value)
            elif kind is list:
                d[key] = self._fix_list(value)
        if len(d) == 2 and "_type_" in d and "_data_" in d:
            return self._typed(d)
        return d

    def _typed_text(self, d: dict[str, Any]) -> Any:
        name, text = d["_type_"], d["_data_"]
        if name == self._uuid_name:
            return uuid_of_hex(text)
        if name == self._time_name:
            # Events recorded together share their recording time: one parse per text.
            moment = self._times.get(text)
            if moment is None:
                if len(self._times) >= 4096:
                    self._times.clear()
                moment = self._times[text] = self._typed(d)
            return moment
        return self._typed(d)

    def _fix_list(self, items: list[Any]) -> list[Any]:
        out = []
        for value in items:
            kind = type(value)
            if kind is dict:
                value = self._fix(value)
            elif kind is list:
                value = self._fix_list(value)
            out.append(value)
        return out


def _as_uuid(value: Any) -> UUID:
    if type(value) is UUID:
        return value
    text = str(value)
    return uuid_of_hex(text) if len(text) == 32 else UUID(text)
