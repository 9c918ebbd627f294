"""Fresh, empty event stores for benchmark runs, and their removal afterwards.

A run never touches an existing store: on SQLite each store is a new file in a temporary
directory; on PostgreSQL each is a new schema named after the one in the URL, dropped at the end.
The one exception is the main store of a run that asks to keep it (a SQLite file named in the
URL, or with ``keep`` a PostgreSQL schema named in the URL): it must be new or empty, and it
stays, so that later runs can measure it again (``python -m bench.coverage --existing``).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
import uuid
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from app.store.config import StoreConfig, parse_database_url
from app.store.event_store import EventStore


class FreshStores:
    def __init__(self, base_url: str | None, keep: bool = False) -> None:
        self.base_url = base_url
        self.keep = keep  # the main store goes to the PostgreSQL schema named in the URL
        self._tmp: Path | None = None
        self._schemas: list[StoreConfig] = []
        self._tag = f"{os.getpid()}_{uuid.uuid4().hex[:6]}"
        self._count = 0

    @property
    def engine(self) -> str:
        return "postgresql" if self.base_url and self.base_url.startswith("postgres") else "sqlite"

    def url(self, name: str, main: bool = False) -> str:
        """The URL of a new store; ``name`` only makes it recognisable.

        A SQLite file given in the URL receives the main run and is kept; every other
        SQLite store is a file in a temporary directory, removed at the end.
        """
        self._count += 1
        if self.engine == "sqlite":
            if main and self.base_url:
                path = Path(self.base_url[len("sqlite:///") :])
                if path.exists():
                    raise SystemExit(f"{path} exists: benchmarks load into a new file")
                return self.base_url
            if self._tmp is None:
                self._tmp = Path(tempfile.mkdtemp(prefix="zhucun-bench-"))
            return f"sqlite:///{self._tmp / f'{self._count:02d}-{name}.db'}"
        assert self.base_url is not None
        parts = urlsplit(self.base_url)
        query = dict(parse_qsl(parts.query))
        if main and self.keep:
            if "schema" not in query:
                raise SystemExit("--keep on PostgreSQL needs the schema to keep: ?schema=NAME")
            return self.base_url
        base = query.get("schema", "bench")
        query["schema"] = f"{base}_{self._tag}_{self._count}"
        return urlunsplit(parts._replace(query=urlencode(query)))

    def open(self, name: str, main: bool = False) -> EventStore:
        config = parse_database_url(self.url(name, main))
        if config.is_postgres and not self._kept(config):
            self._schemas.append(config)
        store = EventStore(config)
        if store.max_position():
            store.close()
            raise SystemExit(f"{config.url} is not empty: benchmarks load into a new store")
        return store

    def size_mib(self, store: EventStore) -> float:
        config = store.config
        if config.sqlite_path is not None:
            # Once the write-ahead log is folded in, the file is all there is.
            with sqlite3.connect(config.sqlite_path) as conn:
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            return config.sqlite_path.stat().st_size / 2**20
        with config.postgres_connection() as conn:
            row = conn.execute(
                "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = %s AND c.relkind = 'r'",
                (config.schema,),
            ).fetchone()
            return float(str(row[0])) / 2**20 if row else 0.0

    def drop(self, store: EventStore) -> None:
        """Close a store and remove what it wrote (but not a SQLite file named in the URL)."""
        config = store.config
        store.close()
        if self._kept(config):
            return
        if config.sqlite_path is not None:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{config.sqlite_path}{suffix}").unlink(missing_ok=True)
        else:
            with config.postgres_connection() as conn:
                conn.execute(f'DROP SCHEMA IF EXISTS "{config.schema}" CASCADE')
            self._schemas.remove(config)

    def _kept(self, config: StoreConfig) -> bool:
        if not self.base_url or config.url != self.base_url:
            return False
        return config.sqlite_path is not None or self.keep

    def cleanup(self) -> None:
        for config in list(self._schemas):
            with config.postgres_connection() as conn:
                conn.execute(f'DROP SCHEMA IF EXISTS "{config.schema}" CASCADE')
        self._schemas.clear()
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)
