"""The command line imports only what a command needs (ADR 045, docs/benchmarks.md: the command
line's start). Checked by the modules a fresh process holds after the command, not by time: the
help imports no store at all, and a query on a SQLite store imports neither PostgreSQL's driver
and dialect, nor the web, nor pinyin, nor the spreadsheet writer."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.builders import small_network_at

# What no command that does not need it may import: PostgreSQL's driver and SQLAlchemy's
# dialect for it, the web application, pinyin (its dictionaries take about 0.2 s), workbooks.
NEVER_FOR_SQLITE = (
    "psycopg",
    "psycopg_pool",
    "sqlalchemy.dialects.postgresql",
    "flask",
    "werkzeug",
    "jinja2",
    "web",
    "pypinyin",
    "openpyxl",
)
# And what the help needs neither: the use cases, the store, the event classes, the read
# side (the ledger's and the assessments' models with the rest).
NEVER_FOR_HELP = (
    *NEVER_FOR_SQLITE,
    "app.bootstrap",
    "sqlalchemy",
    "eventsourcing",
    "app.audit.log",
    "projections",
    "app.assessments",
    "domain.ledger",
    "domain.assessments",
)

PROBE = """
import json, sys
from app.cli.main import cli
try:
    cli.main(sys.argv[1:], prog_name="zhucun")
except SystemExit as e:
    code = e.code
else:
    code = 0
sys.stdout.flush()
sys.stderr.write("\\n@@" + json.dumps([code, sorted(sys.modules)]) + "\\n")
"""


def modules_after(*args: str) -> tuple[int, set[str]]:
    """The exit code and the modules a fresh ``zhucun ARGS`` process had imported at its end."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, check=False
    )
    code, modules = json.loads(done.stderr.rsplit("@@", 1)[1])
    assert code in (0, None), done.stderr
    return code, set(modules)


def imported(modules: set[str], names: tuple[str, ...]) -> list[str]:
    return sorted(m for m in modules for n in names if m == n or m.startswith(n + "."))


def test_the_help_imports_no_store_no_driver_no_web_no_pinyin():
    for args in (["--help"], ["gaps", "--help"], ["summary", "--help"], ["audit", "log", "--help"]):
        _, modules = modules_after(*args)
        assert imported(modules, NEVER_FOR_HELP) == [], args


def test_a_query_on_sqlite_imports_no_postgresql_no_web_no_pinyin(tmp_path):
    """The read models are caught up first (the small network's events, names included), then
    asked again in a new process: a query that has nothing to catch up spells no name."""
    url = small_network_at(f"sqlite:///{tmp_path}/zhucun.db")
    _, first = modules_after("--db", url, "summary", "--unit", "210500", "--json")
    assert imported(first, tuple(n for n in NEVER_FOR_SQLITE if n != "pypinyin")) == []
    for args in (
        ["summary", "--unit", "210500", "--json"],
        ["coverage", "--unit", "210500"],
        ["gaps", "--unit", "210500", "--json"],
    ):
        _, modules = modules_after("--db", url, *args)
        assert imported(modules, NEVER_FOR_SQLITE) == [], args


# What a summary reads nothing of: the ledger's, the assessments' and the teams' read models,
# the accounts', and the domain modules behind their handlers (ADR 045). Their positions are
# still read, and they are caught up first whenever the log has moved (tests/test_lazy_models.py).
NOT_FOR_A_SUMMARY = (
    "projections.ledger",
    "projections.assessments",
    "projections.teams.model",
    "projections.accounts",
    "app.assessments",
    "domain.assessments",
    "domain.accounts",
    "domain.ledger.measures",
)


def test_a_summary_at_the_head_imports_no_model_it_does_not_read(tmp_path):
    url = small_network_at(f"sqlite:///{tmp_path}/zhucun.db")
    modules_after("--db", url, "summary", "--unit", "210500", "--json")  # catches up
    _, modules = modules_after("--db", url, "summary", "--unit", "210500", "--json")
    assert imported(modules, NOT_FOR_A_SUMMARY) == []
