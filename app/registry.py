"""The command registry: every command's name, its words in Chinese and English, its
arguments and its handler, filled by ``@command(...)`` where each area defines its commands
(``app/commands.py``; the ledger's in ``app/ledger/commands.py``). The command line, the
forms and the docs read it through ``app/commands.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from app.args import Args
from app.network import Network
from domain.base import Meta

Handler = Callable[[Network, Args, Meta], dict[str, Any]]


@dataclass(frozen=True)
class CommandSpec:
    name: str
    zh: str
    en: str
    handler: Handler
    args: tuple[str, ...] = field(default=())


COMMANDS: dict[str, CommandSpec] = {}


def command(name: str, zh: str, en: str, *args: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        COMMANDS[name] = CommandSpec(name, zh, en, handler, args)
        return handler

    return register
