"""``zhucun import`` as docs/commands.md shows it: its example run in order, on the files the
example names, printing what the docs print; the template; the marked workbook."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from app.cli.main import cli
from app.imports.marked import ERROR_HEADER

DOC = Path(__file__).resolve().parent.parent / "docs" / "commands.md"


def section() -> str:
    text = DOC.read_text(encoding="utf-8")
    start = text.index("### `zhucun import FILE")
    return text[start : text.index("### `zhucun commands", start)]


def units_csv() -> str:
    """The ``$ cat 单位.csv`` of the example, as the docs show it."""
    block = section().split("$ cat 单位.csv\n", 1)[1]
    return block.split("\n$ ", 1)[0] + "\n"


HOUSEHOLDS = [
    "村民小组,户主姓名,家庭人口,户主身份证号,发生日期",
    "210521100201001,王大,4,210521198001010011,2014-06-01",
    "210521100201001,李二,{members},210521197502030024,2014-06-01",
    "210521100201001,张三,5,210521196805150037,2014-06-01",
]


def households_csv(members: str) -> bytes:
    return ("\r\n".join(HOUSEHOLDS).format(members=members) + "\r\n").encode("gb18030")


@pytest.fixture
def run(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    assert runner.invoke(cli, ["--db", db_url, "init"]).exit_code == 0

    def invoke(*args: str) -> Any:
        return runner.invoke(cli, ["--db", db_url, *args])

    return invoke


def shown(after: str) -> str:
    """The docs' output of the command line that begins ``$ zhucun import`` + ``after``."""
    block = section().split(f"$ zhucun import {after}", 1)[1].split("\n", 1)[1]
    return block.split("\n$ ", 1)[0].split("\n```", 1)[0]


def test_the_documented_example_runs_and_prints_what_the_docs_print(
    run: Any, tmp_path: Path
) -> None:
    (tmp_path / "单位.csv").write_text(units_csv(), encoding="utf-8")
    r = run("import", "单位.csv", "--kind", "units", "--actor", "li.clerk", "--reason", "区划设置")
    assert r.exit_code == 0, r.output
    assert (
        r.output.strip()
        == shown("单位.csv --kind units --actor li.clerk --reason 区划设置").strip()
    )

    (tmp_path / "户.csv").write_bytes(households_csv("三"))
    r = run(
        "import", "户.csv", "--kind", "households", "--actor", "li.clerk",
        "--error-workbook", "户-错误.xlsx",
    )  # fmt: skip
    assert r.exit_code == 1
    documented = shown("户.csv --kind households --actor li.clerk --error-workbook 户-错误.xlsx")
    assert r.stderr.strip() == documented.strip()
    ws = load_workbook(tmp_path / "户-错误.xlsx").worksheets[0]
    assert ws.cell(1, 6).value == ERROR_HEADER and ws["C3"].comment is not None
    assert ws["C3"].value == "三"

    (tmp_path / "户.csv").write_bytes(households_csv("3"))
    r = run("import", "户.csv", "--kind", "households", "--actor", "li.clerk", "--json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert (data["applied"], data["skipped"], data["events"]) == (3, 0, 6)
    documented = shown("户.csv --kind households --actor li.clerk --json")
    first = re.search(r'"household": "([0-9a-f-]+)"', documented)
    assert first and data["results"][0]["household"] == first.group(1)  # derived from the row

    r = run("import", "户.csv", "--kind", "households", "--actor", "li.clerk")
    assert r.output.strip() == shown("户.csv --kind households --actor li.clerk  ").strip()


def test_the_template_command_writes_the_kind_s_template(run: Any, tmp_path: Path) -> None:
    r = run("import", "--template", "households", "--out", "户.xlsx")
    assert (
        r.exit_code == 0
        and r.output.strip() == shown("--template households --out 户.xlsx").strip()
    )
    ws = load_workbook(tmp_path / "户.xlsx").worksheets[0]
    assert ws["D1"].value == "户主身份证号*"


@pytest.mark.parametrize(
    "args",
    [
        ("import", "户.csv", "--kind", "households"),  # no actor
        ("import", "--template", "households"),  # no --out
    ],
)
def test_a_command_line_missing_a_part_is_a_usage_error(run: Any, args: tuple[str, ...]) -> None:
    assert run(*args).exit_code == 2


def test_an_unknown_kind_is_refused_by_name(run: Any, tmp_path: Path) -> None:
    (tmp_path / "x.csv").write_text("a\n", encoding="utf-8")
    r = run("import", "x.csv", "--kind", "villagers", "--actor", "li")
    assert r.exit_code == 1 and "invalid_input [kind]" in r.stderr


def test_the_help_names_every_kind() -> None:
    from app.cli.imports import KIND_NAMES
    from app.imports.kinds import KINDS

    assert ", ".join(KINDS) == KIND_NAMES
