"""docs/commands.md documents ``assign_rectification`` and ``zhucun rectifications``. That the
command's example applies, and that the query prints what the doc shows, tests/test_docs_run.py
checks with every other example, in document order."""

from __future__ import annotations

from pathlib import Path

from app.commands import COMMANDS

DOC = Path(__file__).resolve().parent.parent / "docs" / "commands.md"


def section() -> str:
    text = DOC.read_text(encoding="utf-8")
    return text[text.index("### 4.14 整改") : text.index("## 5. 审计")]


def test_the_command_and_its_arguments_are_documented() -> None:
    text = section()
    assert "#### `assign_rectification` — " in text
    for arg in COMMANDS["assign_rectification"].args:
        assert f"| `{arg.rstrip('?')}` |" in text, arg
    heading = "### `zhucun rectifications --unit CODE [--state open|overdue|closed]"
    assert heading in DOC.read_text(encoding="utf-8")
