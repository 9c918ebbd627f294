"""Reading docs/commands.md in the tests that hold it to the commands: its parts, and the
entry of each command."""

from __future__ import annotations

import re
from pathlib import Path

from app.commands import COMMANDS

DOC = Path(__file__).resolve().parent.parent / "docs" / "commands.md"


def doc_part(start: str) -> str:
    """docs/commands.md from ``start`` up to the next heading of level 1 to 3."""
    text = DOC.read_text(encoding="utf-8")
    rest = text[text.index(start) :]
    following = re.search(r"\n#{1,3} ", rest)
    return rest[: following.start()] if following else rest


def assert_documented(text: str, names: list[str]) -> None:
    """Each command of ``names`` is registered and has its entry in ``text``."""
    for name in names:
        assert name in COMMANDS
        assert f"#### `{name}` — " in text, name
