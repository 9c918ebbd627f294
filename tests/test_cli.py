"""The command line: exit codes, all-or-nothing apply, JSON output."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from app.cli.main import cli
from tests.builders import CITY, VILLAGE_A, answer, cmd, open_unit, small_network


@pytest.fixture
def run(db_url):
    runner = CliRunner()
    assert runner.invoke(cli, ["--db", db_url, "init"]).exit_code == 0  # only init makes a store

    def invoke(*args: str, stdin: str | None = None):
        return runner.invoke(cli, ["--db", db_url, *args], input=stdin)

    return invoke


def lines(*objs) -> str:
    return "\n".join(json.dumps(o, ensure_ascii=False) for o in objs) + "\n"


def test_init_creates_an_empty_store(run):
    r = run("init")
    assert r.exit_code == 0, r.output
    assert "log position 0" in r.output


def test_apply_then_summary_and_history_as_json(run, tmp_path):
    batch = tmp_path / "batch.jsonl"
    batch.write_text(
        lines(
            cmd("open_unit", on="2014-01-01", code=CITY, name="本溪市", level="city"),
            open_unit("210521", "本溪满族自治县", "county", CITY),
        ),
        encoding="utf-8",
    )
    r = run("apply", str(batch))
    assert r.exit_code == 0, r.output
    assert "applied 2 command(s), 2 event(s)" in r.output
    r = run("summary", "--unit", CITY, "--json")
    assert r.exit_code == 0
    data = answer(r.output)
    assert data["counties"] == 1 and data["poor_villages"] == 0
    for key in (
        "villages",
        "poor_villages",
        "villager_groups",
        "households",
        "party_members",
        "centres",
        "stations",
        "points",
        "central_households",
        "linked_households",
    ):
        assert key in data
    r = run("history", "--unit", "210521", "--json")
    assert answer(r.output)[0]["event"] == "Unit.Opened"


def test_apply_refuses_a_bad_batch_whole_with_the_line_number(run):
    r = run(
        "apply",
        "-",
        stdin=lines(
            cmd("open_unit", on="2014-01-01", code=CITY, name="本溪市", level="city"),
            open_unit("210521", "本溪县", "county", "210599"),
        ),
    )
    assert r.exit_code == 1
    assert "line 2" in r.stderr and "unit_not_found" in r.stderr
    assert "210599" in r.stderr
    r = run("summary", "--unit", CITY)
    assert r.exit_code == 1  # the city of line 1 was not written either


def test_apply_refuses_a_line_that_is_not_json(run):
    r = run("apply", "-", stdin='{"command": "open_unit",\n')
    assert r.exit_code == 1
    assert "line 1" in r.stderr


def test_usage_errors_exit_with_2(run):
    assert run("history").exit_code == 2
    assert run("summary").exit_code == 2
    assert run("no-such-command").exit_code == 2


def test_a_refused_query_exits_with_1_and_says_why_on_stderr(run):
    r = run("summary", "--unit", "999999")
    assert r.exit_code == 1
    assert "999999" in r.stderr


def test_history_of_a_household_by_id(zhucun, db_url):
    net = small_network(zhucun)
    r = CliRunner().invoke(cli, ["--db", db_url, "history", "--id", net.households["A1"]])
    assert r.exit_code == 0, r.output
    assert "household registered" in r.output and "central household designated" in r.output
    r = CliRunner().invoke(cli, ["--db", db_url, "summary", "--unit", VILLAGE_A])
    assert "党员中心户" in r.output


def test_a_bad_database_url_is_refused(tmp_path):
    r = CliRunner().invoke(cli, ["--db", "mysql://x/y", "init"])
    assert r.exit_code == 1
    assert "sqlite:///" in r.stderr


def test_apply_can_report_the_ids_it_created_as_json(run):
    r = run(
        "apply",
        "--json",
        "-",
        stdin=lines(
            cmd("open_unit", on="2014-01-01", code=CITY, name="本溪市", level="city"),
        ),
    )
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)
    assert out["applied"] == 1 and out["lines"][0]["unit"] == CITY and out["lines"][0]["id"]


def test_the_command_line_starts_without_the_store_or_its_drivers():
    """``zhucun --help`` and a command's help import neither the use cases nor PostgreSQL's
    driver (docs/benchmarks.md: the command line's start)."""
    import subprocess
    import sys

    probe = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from app.cli.main import cli\n"
        "for args in (['--help'], ['gaps', '--help'], ['audit', 'log', '--help']):\n"
        "    assert CliRunner().invoke(cli, args).exit_code == 0, args\n"
        "heavy = ('app.bootstrap', 'psycopg', 'sqlalchemy', 'app.audit.log', 'flask')\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_audit_log_help_shows_the_backdated_default_the_audit_log_uses():
    from app.audit.entries import BACKDATED_DAYS
    from app.cli import audit

    assert audit.BACKDATED_DAYS == BACKDATED_DAYS
