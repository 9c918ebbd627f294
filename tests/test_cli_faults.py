"""Faults and extreme input on the command line: each gives a named error in Chinese and
English and exit code 1 (refused, bad input) or 2 (usage), never a traceback; a refused
command writes nothing and makes no store."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from app.cli.main import cli
from tests.builders import CITY, answer, cmd, open_unit

ROOT = Path(__file__).resolve().parent.parent


def run(db: str, *args: str, stdin: str | bytes | None = None) -> Result:
    return CliRunner().invoke(cli, ["--db", db, *args], input=stdin)


def assert_refused(r: Result, code: int, zh: str, en: str) -> None:
    text = r.output  # stdout and stderr together
    assert r.exit_code == code, text
    assert zh in text and en in text, text
    assert "Traceback" not in text
    assert r.exception is None or isinstance(r.exception, SystemExit), repr(r.exception)


def lines(*objs: dict[str, Any]) -> str:
    return "".join(json.dumps(o, ensure_ascii=False) + "\n" for o in objs)


CITY_LINE = cmd("open_unit", on="2014-01-01", code=CITY, name="本溪市", level="city")


@pytest.fixture
def sqlite_store(tmp_path: Path) -> str:
    db = f"sqlite:///{tmp_path}/zhucun.db"
    assert run(db, "init").exit_code == 0
    return db


def positions(db: str) -> int:
    r = run(db, "projections", "status", "--json")
    assert r.exit_code == 0, r.output
    return int(json.loads(r.stdout)["log_head"])


# -- files and store paths ------------------------------------------------------------------------


def test_a_file_that_is_not_utf8_is_refused_naming_the_file(
    sqlite_store: str, tmp_path: Path
) -> None:
    batch = tmp_path / "gbk.jsonl"
    batch.write_bytes(lines(CITY_LINE).encode("gb18030"))
    r = run(sqlite_store, "apply", str(batch))
    assert_refused(r, 1, "不是 UTF-8 编码的文本", "is not UTF-8 text")
    assert "gbk.jsonl" in r.output
    assert positions(sqlite_store) == 0


def test_stdin_that_is_not_utf8_is_refused(sqlite_store: str) -> None:
    r = run(sqlite_store, "apply", "-", stdin=b"\xff\xfe{}\n")
    assert_refused(r, 1, "不是 UTF-8 编码的文本", "is not UTF-8 text")


@pytest.mark.parametrize(
    "args",
    [
        ("summary", "--unit", CITY),
        ("apply", "-"),
        ("coverage", "--unit", CITY),
        ("gaps", "--unit", CITY),
        ("teams", "--unit", CITY),
        ("history", "--unit", CITY),
        ("projections", "status"),
        ("projections", "rebuild"),
        ("audit", "log"),
        ("audit", "verify"),
        ("users", "list"),
        ("users", "token", "list"),
    ],
)
def test_a_mistyped_sqlite_path_is_refused_by_every_command_but_init_and_demo(
    tmp_path: Path, args: tuple[str, ...]
) -> None:
    missing = tmp_path / "no-such-dir" / "zhucun.db"
    r = run(f"sqlite:///{missing}", *args, stdin=lines(CITY_LINE))
    assert_refused(r, 1, "找不到存储", "no store at")
    assert str(missing) in r.output
    assert not missing.parent.exists()  # nothing made, not even the directory


def test_init_makes_the_store_and_its_directory(tmp_path: Path) -> None:
    path = tmp_path / "new" / "zhucun.db"
    assert run(f"sqlite:///{path}", "init").exit_code == 0
    assert path.is_file()
    assert run(f"sqlite:///{path}", "summary", "--unit", CITY).exit_code == 1  # empty: no unit


def test_a_directory_given_as_the_database_is_refused(tmp_path: Path) -> None:
    r = run(f"sqlite:///{tmp_path}", "summary", "--unit", CITY)
    assert_refused(r, 1, "是目录，不是数据库文件", "is a directory, not a database file")


@pytest.mark.parametrize("command", [("summary", "--unit", CITY), ("apply", "-"), ("init",)])
def test_a_corrupt_database_is_refused(tmp_path: Path, command: tuple[str, ...]) -> None:
    path = tmp_path / "zhucun.db"
    path.write_bytes(b"this is not a database, whatever its name says\n" * 200)
    r = run(f"sqlite:///{path}", *command, stdin=lines(CITY_LINE))
    assert_refused(r, 1, "不是可用的 SQLite 数据库", "is not a usable SQLite database")


@pytest.fixture
def read_only_store(tmp_path: Path) -> Iterator[str]:
    """A store whose file cannot be written: immutable for root (chattr +i), read-only for
    anyone else."""
    path = tmp_path / "zhucun.db"
    db = f"sqlite:///{path}"
    assert run(db, "init").exit_code == 0
    assert run(db, "apply", "-", stdin=lines(CITY_LINE)).exit_code == 0
    run(db, "projections", "checksum")  # the read models caught up: reads need not write
    if os.geteuid() == 0:
        chattr = shutil.which("chattr")
        if chattr is None or subprocess.run([chattr, "+i", str(path)]).returncode != 0:
            pytest.skip("running as root without chattr +i: cannot make a read-only file")
        try:
            yield db
        finally:
            subprocess.run([chattr, "-i", str(path)], check=True)
    else:
        path.chmod(0o444)
        yield db


def test_writing_to_a_read_only_database_is_refused(read_only_store: str) -> None:
    line = cmd("open_unit", on="2014-01-01", code="210521", name="县", level="county", parent=CITY)
    r = run(read_only_store, "apply", "-", stdin=lines(line))
    assert_refused(r, 1, "是只读的，无法写入", "is read-only: nothing can be written")


def test_a_read_only_database_can_still_be_read(read_only_store: str) -> None:
    r = run(read_only_store, "summary", "--unit", CITY, "--json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["unit"] == CITY


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 2 MB file system (tmpfs) of its own, as a disk that fills up."""
    mount = tmp_path / "small"
    mount.mkdir()
    made = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)], capture_output=True
    )
    if made.returncode != 0:
        pytest.skip(f"cannot mount a small file system here: {made.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=True)


def test_a_full_disk_is_reported_and_the_batch_is_not_written(small_disk: Path) -> None:
    db = f"sqlite:///{small_disk}/zhucun.db"
    assert run(db, "init").exit_code == 0
    county = cmd(
        "open_unit", on="2014-01-01", code="210521", name="县", level="county", parent=CITY
    )
    townships = [
        open_unit(f"210521{i:03d}", f"乡镇{i}", "township", "210521") | {"reason": "事由" * 400}
        for i in range(1, 600)
    ]
    # In a subprocess: a full disk can leave the process's SQLite handles in any state.
    r = subprocess.run(
        [sys.executable, "-m", "app.cli", "--db", db, "apply", "-"],
        input=lines(CITY_LINE, county, *townships).encode(),
        capture_output=True,
        cwd=ROOT,
    )
    err = r.stderr.decode()
    assert r.returncode == 1, err
    assert "磁盘已满" in err and "is full" in err and "Traceback" not in err


# -- dates, times and positions -----------------------------------------------------------------

QUERIES = [
    ("coverage", "--unit", CITY),
    ("coverage", "--unit", CITY, "--households"),
    ("gaps", "--unit", CITY),
    ("teams", "--unit", CITY),
]


@pytest.mark.parametrize("query", [*QUERIES, ("residency", "--unit", CITY, "--month", "2016-05")])
@pytest.mark.parametrize(
    ("moment", "zh", "en"),
    [
        ("0001-01-01T00:00", "早于 1970-01-01", "is before 1970-01-01"),
        ("0001-01-01", "早于 1970-01-01", "is before 1970-01-01"),
        ("1969-12-31T23:59+14:00", "早于 1970-01-01", "is before 1970-01-01"),
        ("9999-12-31T23:59:59", "晚于今天", "is after today"),
        ("9999-12-31T23:59-12:00", "晚于今天", "is after today"),
        ("2999-01-01", "晚于今天", "is after today"),
    ],
)
def test_an_extreme_as_known_at_is_refused_by_every_query(
    sqlite_store: str, query: tuple[str, ...], moment: str, zh: str, en: str
) -> None:
    assert_refused(run(sqlite_store, *query, "--as-known-at", moment), 1, zh, en)


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize(
    ("day", "zh", "en"),
    [
        ("0001-01-01", "早于 1900-01-01", "is before 1900-01-01"),
        ("9999-12-31", "晚于今天", "is after today"),
        ("2999-06-01", "晚于今天", "the network of a day to come is not known"),
    ],
)
def test_an_extreme_or_future_as_of_is_refused_by_every_query(
    sqlite_store: str, query: tuple[str, ...], day: str, zh: str, en: str
) -> None:
    assert_refused(run(sqlite_store, *query, "--as-of", day), 1, zh, en)


def test_a_month_at_the_end_of_the_calendar_is_refused_or_answered(sqlite_store: str) -> None:
    for month in ("9999-12", "0001-01"):
        r = run(sqlite_store, "residency", "--unit", CITY, "--month", month)
        assert r.exit_code in (0, 1) and "Traceback" not in r.output, r.output


@pytest.mark.parametrize(
    "args",
    [
        ("--from", "0001-01-01"),
        ("--to", "9999-12-31"),
        ("--recorded-from", "0001-01-01", "--recorded-to", "9999-12-31"),
        ("--from", "9999-12-31", "--to", "0001-01-01"),
        ("--backdated-days", "36500"),
    ],
)
def test_the_audit_log_takes_the_ends_of_the_calendar(
    sqlite_store: str, args: tuple[str, ...]
) -> None:
    assert run(sqlite_store, "apply", "-", stdin=lines(CITY_LINE)).exit_code == 0
    r = run(sqlite_store, "audit", "log", *args)
    assert r.exit_code == 0, r.output


@pytest.mark.parametrize(
    "args",
    [
        ("--after", str(2**63)),
        ("--after", str(10**400)),
        ("--limit", str(2**63)),
        ("--limit", "2", "--page", str(2**63)),
        ("--backdated-days", str(10**6)),
        ("--after", "9" * 5000),
    ],
)
def test_a_page_position_beyond_what_a_log_holds_is_a_usage_error(
    sqlite_store: str, args: tuple[str, ...]
) -> None:
    r = run(sqlite_store, "audit", "log", *args)
    assert r.exit_code == 2 and "Traceback" not in r.output, r.output
    assert "之间的整数" in r.output and "is not a whole number from" in r.output


def test_the_largest_page_position_answers_an_empty_page(sqlite_store: str) -> None:
    assert run(sqlite_store, "apply", "-", stdin=lines(CITY_LINE)).exit_code == 0
    r = run(sqlite_store, "audit", "log", "--json", "--after", str(2**63 - 1))
    assert r.exit_code == 0 and answer(r.stdout) == [], r.output


# -- PostgreSQL ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "schema",
    ['a";drop schema public cascade;--', "Upper", "1digit", "with space", "x" * 64, "dash-ed"],
)
def test_a_schema_name_that_is_not_a_plain_identifier_is_refused(schema: str) -> None:
    from urllib.parse import quote

    r = run(f"postgresql://postgres@127.0.0.1:5432/test?schema={quote(schema)}", "init")
    assert_refused(r, 1, "模式名", "the schema name")


def test_an_unreachable_postgresql_is_reported_with_its_address() -> None:
    r = run("postgresql://postgres@127.0.0.1:1/test?schema=nowhere", "summary", "--unit", CITY)
    assert_refused(r, 1, "无法连接 PostgreSQL 服务器 127.0.0.1:1", "cannot reach the PostgreSQL")


@pytest.mark.postgres
def test_a_postgresql_schema_that_holds_no_store_is_refused_and_not_made() -> None:
    from tests.conftest import pg_url_for_new_schema

    url = pg_url_for_new_schema()
    r = run(url, "summary", "--unit", CITY)
    assert_refused(r, 1, "找不到存储", "no store at")
    assert run(url, "init").exit_code == 0
    assert run(url, "summary", "--unit", CITY).exit_code == 1  # now a store, with no such unit
    assert "找不到存储" not in run(url, "summary", "--unit", CITY).output
