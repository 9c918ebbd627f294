"""The commands as their models define them (app/schemas.py): the list ``zhucun commands
[--json]`` prints, and the argument tables of docs/commands.md.

``python -m app.cli.reference`` rewrites each table between its markers
(``<!-- commands:begin NAME -->`` … ``<!-- commands:end NAME -->``) in docs/commands.md;
``--check`` changes nothing and exits 1, naming the commands, when the file differs from the
models (tests/test_commands_reference.py runs it with the suite).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Any

from app.commands import COMMANDS
from app.registry import CommandSpec
from app.schemas import describe_arguments

DOC = Path(__file__).resolve().parents[2] / "docs" / "commands.md"
BLOCK = re.compile(
    r"<!-- commands:begin (?P<name>[a-z0-9_]+) -->\n.*?<!-- commands:end (?P=name) -->",
    re.DOTALL,
)


def describe(spec: CommandSpec) -> dict[str, Any]:
    """One command: its name, its words, each argument and the JSON Schema of its args."""
    return {
        "name": spec.name,
        "zh": spec.zh,
        "en": spec.en,
        "arguments": describe_arguments(spec.model),
        "schema": spec.json_schema(),
    }


def catalogue() -> list[dict[str, Any]]:
    """Every command, in the order they are defined."""
    return [describe(spec) for spec in COMMANDS.values()]


def text_listing() -> str:
    """``zhucun commands``: each command and its arguments, one line each."""
    out: list[str] = []
    for command in catalogue():
        out.append(f"{command['name']} — {command['zh']} / {command['en']}")
        for a in command["arguments"]:
            need = "必填 required" if a["required"] else "选填 optional"
            out.append(
                f"  {a['name']:<24} {a['label_zh']} / {a['label_en']}; {need}; "
                f"{a['format_zh']} / {a['format_en']}"
            )
        if not command["arguments"]:
            out.append("  （无参数 / no arguments）")
    return "\n".join(out)


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def argument_table(spec: CommandSpec) -> str:
    """The Markdown table of a command's arguments, in the order they are checked."""
    rows = [
        "| 参数 / argument | 名称 / label | 必填 / required | 格式与限制 / format and limits |",
        "|---|---|---|---|",
    ]
    for a in describe_arguments(spec.model):
        need = "必填 / required" if a["required"] else "选填 / optional"
        rows.append(
            f"| `{a['name']}` | {_cell(a['label_zh'])} / {_cell(a['label_en'])} | {need} | "
            f"{_cell(a['format_zh'])}<br>{_cell(a['format_en'])} |"
        )
    return "\n".join(rows)


def block(spec: CommandSpec) -> str:
    return (
        f"<!-- commands:begin {spec.name} -->\n{argument_table(spec)}\n"
        f"<!-- commands:end {spec.name} -->"
    )


class ReferenceError(Exception):
    pass


def render(text: str) -> str:
    """``text`` with each command's table as its model defines it; a table of a command that
    does not exist, or a command without its table, is an error."""
    found: list[str] = []

    def table(match: re.Match[str]) -> str:
        name = match["name"]
        if name not in COMMANDS:
            raise ReferenceError(f"docs/commands.md has a table of no command: {name}")
        found.append(name)
        return block(COMMANDS[name])

    rendered = BLOCK.sub(table, text)
    missing = [name for name in COMMANDS if name not in found]
    twice = sorted({name for name in found if found.count(name) > 1})
    if missing or twice:
        raise ReferenceError(
            "docs/commands.md: "
            + "; ".join(
                ([f"no table of {', '.join(missing)}"] if missing else [])
                + ([f"two tables of {', '.join(twice)}"] if twice else [])
            )
        )
    return rendered


def differing(text: str) -> list[str]:
    """The commands whose table in ``text`` is not as their model defines it."""
    return [m["name"] for m in BLOCK.finditer(text) if m[0] != block(COMMANDS[m["name"]])]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m app.cli.reference", description=__doc__)
    p.add_argument("--check", action="store_true", help="change nothing; exit 1 on a difference")
    p.add_argument("path", nargs="?", type=Path, default=DOC)
    a = p.parse_args(argv)
    text = a.path.read_text(encoding="utf-8")
    try:
        rendered = render(text)
    except ReferenceError as e:
        print(e, file=sys.stderr)
        return 1
    if a.check:
        if rendered != text:
            names = ", ".join(differing(text))
            print(f"{a.path}: argument tables differ from the models: {names}", file=sys.stderr)
            print("run: python -m app.cli.reference", file=sys.stderr)
            return 1
        return 0
    if rendered != text:
        a.path.write_text(rendered, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
