"""Idempotency: a command sent with a ``key`` leaves a receipt, and a retry finds it.

The receipt's id derives from the key, so two writers racing with the same key clash in the
event store itself and only one batch is written.
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

    class Received(NetworkAggregate.Created):
        key: str
        command: str
        digest: str

        def apply(self, r: CommandReceipt) -> None:
            r.key = self.key
            r.command = self.command
            r.digest = self.digest

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
