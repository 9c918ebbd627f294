"""docs/commands.md documents the work gaps and ``zhucun measures``, and their examples print
what is shown, on the network of 4.1–4.2 after the examples of 4.5, 4.7–4.10 and 4.12."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from click.testing import CliRunner

from app.cli.ledger import measures
from app.cli.main import cli
from projections.ledger.gaps import CAUSES, WORK_GAPS
from tests.builders import small_network
from tests.test_ledger_commands_doc import examples, section, survey_section
from tests.test_teams_commands_doc import work_teams_section

DOC = Path(__file__).resolve().parent.parent / "docs" / "commands.md"
PROJECTIONS = DOC.parent / "projections.md"


def command_section(head: str) -> str:
    text = DOC.read_text(encoding="utf-8")
    start = text.index(f"### `zhucun {head}")
    following = re.search(r"\n#{2,3} ", text[start + 1 :])
    return text[start : start + 1 + following.start()] if following else text[start:]


def shell_examples(text: str) -> list[tuple[list[str], list[str]]]:
    """Each ``$ zhucun …`` line of the text's plain code blocks, with the lines it prints."""
    out: list[tuple[list[str], list[str]]] = []
    for block in re.findall(r"```\n(.*?)```", text, flags=re.S):
        shown: list[str] | None = None
        for line in block.splitlines():
            if line.startswith("$ zhucun "):
                shown = []
                out.append((shlex.split(line)[2:], shown))
            elif shown is not None:
                shown.append(line)
    return out


def test_every_work_gap_type_and_cause_is_documented():
    gaps = command_section("gaps --unit CODE")
    projections = PROJECTIONS.read_text(encoding="utf-8")
    for name in (*WORK_GAPS, *CAUSES):
        assert f"`{name}`" in gaps, name
        assert f"`{name}`" in projections, name


def test_every_option_of_zhucun_measures_is_documented():
    text = command_section("measures --unit CODE")
    for param in measures.params:
        for option in param.opts:
            assert option in text, option


def test_the_documented_examples_print_what_is_shown(zhucun):
    small_network(zhucun)
    lines = examples(work_teams_section()) + examples(survey_section())
    for title in ("plans", "measures", "responsibility letters", "four-source funding"):
        lines += examples(section(title))
    zhucun.apply_text("\n".join(lines))
    gaps = [
        (args, shown)
        for args, shown in shell_examples(command_section("gaps --unit CODE"))
        if set(args) & set(WORK_GAPS)
    ]
    listed = shell_examples(command_section("measures --unit CODE"))
    assert len(gaps) == 3 and len(listed) == 2
    for args, shown in gaps + listed:
        r = CliRunner().invoke(cli, ["--db", zhucun.config.url, *args])
        assert r.exit_code == 0, r.output
        assert r.output.splitlines() == shown, args
