"""The command registry: every command's name, its words in Chinese and English, its
arguments (a typed model, app/schemas.py) and its handler, filled by ``@command(...)`` where
each area defines its commands (``app/commands.py``; the ledger's in
``app/ledger/commands.py``). The command line, the forms, ``zhucun commands`` and the docs
read it through ``app/commands.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from app.network import Network
from app.schemas import CommandArgs, json_schema
from domain.base import Meta

# A handler gets its command's arguments read, as its model (a subclass of CommandArgs).
Handler = Callable[[Network, Any, Meta], dict[str, Any]]


@dataclass(frozen=True)
class CommandSpec:
    name: str
    zh: str
    en: str
    handler: Handler
    model: type[CommandArgs]

    @property
    def args(self) -> tuple[str, ...]:
        """The arguments' names in the order they are checked, ``?`` after an optional one."""
        return tuple(n if a.required else f"{n}?" for n, a in self.model.arguments())

    def json_schema(self) -> dict[str, Any]:
        """The JSON Schema of the command's ``args``."""
        return json_schema(self.model, f"{self.name}：{self.zh}", self.en)


COMMANDS: dict[str, CommandSpec] = {}


def command(name: str, zh: str, en: str, model: type[CommandArgs]) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        COMMANDS[name] = CommandSpec(name, zh, en, handler, model)
        return handler

    return register
