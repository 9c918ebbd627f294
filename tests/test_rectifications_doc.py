"""docs/commands.md documents ``assign_rectification`` and ``zhucun rectifications``; the
command's example applies on the small network and the query prints what the doc shows."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

from click.testing import CliRunner

from app.bootstrap import bootstrap
from app.cli.main import cli
from app.commands import COMMANDS
from app.store.clock import SettableClock
from tests.builders import apply, link, small_network

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


def test_the_example_applies_and_the_query_prints_what_the_doc_shows(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/doc.db"
    z = bootstrap(url, SettableClock(datetime(2016, 12, 31, 4, tzinfo=UTC)))
    try:
        net = small_network(z)
        [example] = re.findall(r"```json\n(.*?)\n```", section(), re.S)
        line = json.loads(example)
        assert z.apply_text(example).applied == 1
        second = line | {"args": line["args"] | {"subject": net.households["A2"]}}
        second["args"]["due_on"] = "2017-06-30"
        z.apply_text(json.dumps(second, ensure_ascii=False))
        apply(z, link(net, "A2", on="2016-12-10"))
    finally:
        z.close()
    text = DOC.read_text(encoding="utf-8")
    shown = re.search(r"\$ zhucun rectifications (.*?)\n(.*?)```", text, re.S)
    assert shown
    r = CliRunner().invoke(cli, ["--db", url, "rectifications", *shown.group(1).split()])
    assert r.exit_code == 0, r.output
    assert r.output == shown.group(2)
