"""Shared fixtures: every store-backed test runs on SQLite and on PostgreSQL.

PostgreSQL tests use the server on 127.0.0.1:5432 (database ``test`` unless
ZHUCUN_TEST_PG_URL says otherwise), each test in a fresh schema of its own. Without a
reachable server they are skipped with the reason, except under CI=true, where they fail.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner, Result
from xdist.scheduler import LoadFileScheduling

from app.bootstrap import Zhucun, bootstrap
from app.cli.main import cli
from app.store.clock import SettableClock

PG_BASE = os.environ.get("ZHUCUN_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
RUN_TAG = f"zt{os.getpid()}_{uuid.uuid4().hex[:6]}"
ON_CI = os.environ.get("CI", "").lower() == "true"


def _pg_reachable() -> str | None:
    try:
        with psycopg.connect(
            PG_BASE.replace("postgresql://", "postgresql://", 1), connect_timeout=3
        ):
            return None
    except Exception as e:
        return f"PostgreSQL not reachable at {PG_BASE}: {e}".splitlines()[0]


_PG_PROBLEM = _pg_reachable()
_schemas: list[str] = []


def pg_url_for_new_schema() -> str:
    if _PG_PROBLEM:
        if ON_CI:
            pytest.fail(f"CI=true and {_PG_PROBLEM}")
        pytest.skip(_PG_PROBLEM)
    schema = f"{RUN_TAG}_{len(_schemas)}"
    _schemas.append(schema)
    return _pg_url(schema)


def _pg_url(schema: str) -> str:
    sep = "&" if "?" in PG_BASE else "?"
    return f"{PG_BASE}{sep}schema={schema}"


# Test files that share the session's demo store (``demo_store``): `make test` runs them in one
# process, which builds that store once.
ON_THE_DEMO_STORE = {"tests/test_demo_store.py", "tests/test_docs_run.py"}


class _FilesSharingTheDemoStore(LoadFileScheduling):
    """pytest-xdist's whole-file scheduling (``--dist loadfile``), with the files that share
    the demo's store given to one process together."""

    def _split_scope(self, nodeid: str) -> str:
        path = nodeid.split("::", 1)[0]
        return "the demo's store" if path in ON_THE_DEMO_STORE else path


def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object | None:
    if config.getvalue("dist") == "loadfile":
        return _FilesSharingTheDemoStore(config, log)  # type: ignore[arg-type]
    return None


@pytest.fixture(scope="session", autouse=True)
def _drop_test_schemas() -> Iterator[None]:
    yield
    if _schemas and not _PG_PROBLEM:
        with psycopg.connect(PG_BASE, autocommit=True) as conn:
            for schema in _schemas:
                conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


class _EmptiedSchemas:
    """PostgreSQL schemas of this process, emptied after a test for the next one.

    A new schema costs its tables and indexes (0.44 s on this machine, against 0.06 s for a
    store on one that exists; docs/adr/054). A test that opens its store at once (the
    ``zhucun`` fixture) cannot tell a new store from one whose tables are emptied and whose
    rows and sequences are put back as a new store has them, copied from a reference schema
    made once. A schema goes back only when its relations (names, kinds, columns) are those
    of the reference: one a rebuild, a switch or a test changed is left to the session's end.
    """

    SHAPE = (
        "select coalesce(md5(string_agg(relname::text || ':' || relkind::text || ':' "
        "|| relnatts::text, ',' order by relname)), '') from pg_class "
        "where relnamespace = to_regnamespace(%s)"
    )

    def __init__(self) -> None:
        self.free: list[str] = []
        self.reference: str | None = None
        self.shape = ""
        self.tables: list[str] = []
        self.filled: list[str] = []
        self.sequences: list[tuple[str, int, bool]] = []
        self.conn: psycopg.Connection | None = None

    def take(self) -> str:
        """The address of an emptied schema, or of a new one."""
        return _pg_url(self.free.pop()) if self.free else pg_url_for_new_schema()

    def _read_reference(self, conn: psycopg.Connection) -> None:
        url = pg_url_for_new_schema()
        self.reference = _schemas[-1]
        bootstrap(url, SettableClock(datetime(2016, 12, 31, 4, tzinfo=UTC))).close()
        ref = self.reference
        self.shape = conn.execute(self.SHAPE, (ref,)).fetchone()[0]  # type: ignore[index]
        self.tables = [
            t
            for (t,) in conn.execute(
                "select tablename from pg_tables where schemaname = %s", (ref,)
            )
        ]
        self.filled = [
            t
            for t in self.tables
            if conn.execute(f'select exists (select from "{ref}"."{t}")').fetchone()[0]  # type: ignore[index]
        ]
        for (seq,) in conn.execute(
            "select relname from pg_class"
            " where relkind = 'S' and relnamespace = to_regnamespace(%s)",
            (ref,),
        ).fetchall():
            last, called = conn.execute(
                f'select last_value, is_called from "{ref}"."{seq}"'
            ).fetchone()  # type: ignore[misc]
            self.sequences.append((seq, last, called))

    def give_back(self, schema: str) -> None:
        try:
            if self.conn is None or self.conn.closed:
                self.conn = psycopg.connect(PG_BASE, autocommit=True)
            conn = self.conn
            if self.reference is None:
                self._read_reference(conn)
            if conn.execute(self.SHAPE, (schema,)).fetchone()[0] != self.shape:  # type: ignore[index]
                return
            ref = self.reference
            steps = ["set local lock_timeout = '2s'"]
            steps += [f'delete from "{schema}"."{t}"' for t in self.tables]
            steps += [
                f'insert into "{schema}"."{t}" select * from "{ref}"."{t}"' for t in self.filled
            ]
            steps += [
                f'select setval(\'"{schema}"."{seq}"\', {last}, {str(called).lower()})'
                for seq, last, called in self.sequences
            ]
            # One round trip: the statements of a simple query run as one transaction.
            conn.execute(("; ".join(steps)).encode())
        except psycopg.Error:
            return  # held by a connection the test left open, or gone: dropped at the end
        self.free.append(schema)


_emptied = _EmptiedSchemas()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: object) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/zhucun.db"  # type: ignore[operator]
    elif "zhucun" in request.fixturenames and not _PG_PROBLEM:
        url = _emptied.take()
        yield url
        _emptied.give_back(url.rsplit("schema=", 1)[1])
    else:
        yield pg_url_for_new_schema()


@pytest.fixture
def clock() -> SettableClock:
    return SettableClock(datetime(2016, 12, 31, 4, 0, tzinfo=UTC))


@pytest.fixture
def zhucun(db_url: str, clock: SettableClock) -> Iterator[Zhucun]:
    z = bootstrap(db_url, clock)
    yield z
    z.close()


@pytest.fixture
def run(zhucun: Zhucun) -> Callable[..., Result]:
    """The command line on the test's store: ``run("ledger", "--unit", code)``."""

    def invoke(*args: str) -> Result:
        return CliRunner().invoke(cli, ["--db", zhucun.config.url, *args])

    return invoke


@pytest.fixture
def encrypted(
    db_url: str, clock: SettableClock, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Zhucun]:
    """A store whose events are encrypted at rest (``CIPHER_KEY``, docs/audit.md)."""
    from eventsourcing.cipher import AESCipher

    monkeypatch.setenv("CIPHER_KEY", AESCipher.create_key(16))
    z = bootstrap(db_url, clock)
    assert z.config.encrypted and z.store.mapper.cipher is not None
    yield z
    z.close()


@pytest.fixture(scope="session")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite store the demo built (``zhucun init`` and ``zhucun demo``), once per session:
    the file's path. The demo takes minutes; ZHUCUN_TEST_DEMO_DB may name a store the demo
    built before (its file path), which is then used as it is. Tests copy it before writing."""
    prebuilt = os.environ.get("ZHUCUN_TEST_DEMO_DB")
    if prebuilt:
        return Path(prebuilt)
    path = tmp_path_factory.mktemp("demo_store") / "demo.db"
    zhucun = Path(sys.executable).with_name("zhucun")
    for step in ("init", "demo"):
        subprocess.run(
            [str(zhucun), "--db", f"sqlite:///{path}", step], check=True, capture_output=True
        )
    return path
