"""Idempotency: a command sent with a ``key`` leaves a receipt, and a retry finds it.

The receipt's id derives from the key, so two writers racing with the same key clash in the
event store itself and only one batch is written. A request of the JSON API sent with an
``Idempotency-Key`` leaves one receipt for the whole request (its digest is the body's), and
the answer it got is recorded on that receipt once written (``Answered``), so that a retry
gets the same answer back (docs/adr/042-api-commands-and-idempotency.md).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any
from uuid import UUID

from domain.base import Meta, NetworkAggregate, derived_id


def receipt_id(key: str) -> UUID:
    return derived_id("command-receipt", key)


def digest(command: str, args: dict[str, Any]) -> str:
    text = json.dumps({"command": command, "args": args}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


class CommandReceipt(NetworkAggregate):
    def __init__(self) -> None:
        self.key = ""
        self.command = ""
        self.digest = ""
        self.answer: tuple[int, str] | None = None  # an API request's: status and body

    class Received(NetworkAggregate.Created):
        key: str
        command: str
        digest: str

        def apply(self, r: CommandReceipt) -> None:
            r.key = self.key
            r.command = self.command
            r.digest = self.digest

    class Answered(NetworkAggregate.Event):
        status: int
        body: str

        def apply(self, r: CommandReceipt) -> None:
            r.answer = (self.status, self.body)

    def answered(self, status: int, body: str, meta: Meta) -> None:
        self.trigger_event(self.Answered, status=status, body=body, **meta.event_kwargs())

    @classmethod
    def issue(cls, key: str, command: str, args: dict[str, Any], meta: Meta) -> CommandReceipt:
        return cls._create(
            cls.Received,
            id=receipt_id(key),
            key=key,
            command=command,
            digest=digest(command, args),
            **meta.event_kwargs(),
        )
