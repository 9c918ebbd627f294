"""The kinds of rows an import takes: each kind is one command of the registry, its columns
the command's arguments (app/schemas.py) in the command's order, headed by each argument's
label (Chinese, or English, or the argument's name), then the line's date and reason.

A kind's rows are keyed by its natural key (a household by its head's identity number, a
party member by household and name...): the key makes the row's receipt
(app/store/receipts.py), so a row applied once is skipped when the file comes again, and the
id of what the row creates derives from it, so it is the same id every time.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cached_property
from typing import Any
from uuid import UUID

from app.commands import COMMANDS
from app.registry import CommandSpec
from app.schemas import Arg, Choice, argument_label, choice_labels
from domain.base import derived_id
from domain.fields import REASON, Field, field


@dataclass(frozen=True)
class Column:
    """One column of a kind: the argument it fills (or ``occurred_on`` / ``reason``)."""

    name: str
    zh: str
    en: str
    required: bool
    arg: Arg | None  # None: the line's date or reason

    def header(self, lang: str = "zh") -> str:
        return self.zh if lang == "zh" else self.en

    @property
    def choices(self) -> list[tuple[str, str, str]]:
        """An enumeration's values with their labels (value, zh, en); else nothing."""
        if not isinstance(self.arg, Choice):
            return []
        return [(m.value, choice_labels(m)["zh"], choice_labels(m)["en"]) for m in self.arg.choices]


@dataclass(frozen=True)
class ImportKind:
    name: str
    command: str
    zh: str
    en: str
    natural_key: tuple[str, ...]  # the arguments that name one row's subject
    skipped_args: tuple[str, ...] = ("id",)  # derived from the key, never typed

    @property
    def spec(self) -> CommandSpec:
        return COMMANDS[self.command]

    @cached_property
    def columns(self) -> tuple[Column, ...]:
        cols = [
            Column(
                name,
                argument_label(name, arg, "zh"),
                argument_label(name, arg, "en"),
                arg.required,
                arg,
            )
            for name, arg in self.spec.model.arguments()
            if name not in self.skipped_args
        ]
        when: Field = field("occurred_on")
        cols.append(Column("occurred_on", when.zh, "date", False, None))
        cols.append(Column("reason", REASON.zh, REASON.en, False, None))
        return tuple(cols)

    @cached_property
    def creates_id(self) -> bool:
        return "id" in self.skipped_args and any(n == "id" for n, _ in self.spec.model.arguments())

    def key(self, args: dict[str, Any]) -> str:
        """The row's idempotency key: the kind and its natural key, as read."""
        return f"import:{self.name}:" + "|".join(str(args.get(n, "")) for n in self.natural_key)

    def subject_id(self, key: str) -> UUID:
        """The id of what the row creates: the same for the same key, every time."""
        return derived_id("import", key)


KINDS: dict[str, ImportKind] = {
    k.name: k
    for k in (
        ImportKind("households", "register_household", "户", "households", ("id_number",)),
        ImportKind(
            "party_members", "party_member_joined", "党员", "party members", ("household", "name")
        ),
        ImportKind(
            "central_households",
            "designate_central_household",
            "党员中心户",
            "central households",
            ("party_member",),
        ),
        ImportKind("cadres", "register_cadre", "干部", "cadres", ("unit", "name")),
        ImportKind(
            "dispatching_units",
            "register_dispatching_unit",
            "派出单位",
            "dispatching units",
            ("code",),
        ),
        ImportKind("service_sites", "open_site", "服务场所", "service sites", ("unit",)),
        ImportKind("units", "open_unit", "区划单位", "administrative units", ("code",)),
    )
}


def header_key(text: str) -> str:
    """A header as compared: NFKC (full-width letters are the same), without blanks, the
    required mark ``*`` or a parenthesised argument name, in lower case."""
    t = unicodedata.normalize("NFKC", text).strip().lower()
    for mark in ("*", " ", "\u3000", "_"):
        t = t.replace(mark, "")
    if t.endswith(")") and "(" in t:
        t = t[: t.rindex("(")]
    return t


def column_by_header(kind: ImportKind) -> dict[str, Column]:
    """Each header a column may have: its Chinese and English labels and its name."""
    found: dict[str, Column] = {}
    for c in kind.columns:
        for text in (c.zh, c.en, c.name):
            found.setdefault(header_key(text), c)
    return found
