"""Feeds read models from the log, exactly once: rows and position move in one transaction."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from sqlalchemy import Connection, Engine, insert, select, update

from projections import network
from projections.tables import metadata, positions


class Log(Protocol):
    def read_log(self, after: int, limit: int, upto: int | None = None) -> list[Any]: ...
    def max_position(self) -> int: ...


Project = Callable[[Connection, Any], None]

# Every read model of this module: its name and its event handler.
READ_MODELS: dict[str, Project] = {network.NAME: network.project}


class Projections:
    def __init__(self, engine: Engine, log: Log, batch_size: int = 2000) -> None:
        self.engine = engine
        self.log = log
        self.batch_size = batch_size

    def create_tables(self) -> None:
        metadata.create_all(self.engine)

    def position(self, name: str = network.NAME) -> int:
        with self.engine.connect() as conn:
            return _position(conn, name)

    def catch_up(self, progress: Callable[[int], None] | None = None) -> int:
        """Apply every event recorded since each read model's position; return how many."""
        done = 0
        for name, project in READ_MODELS.items():
            after = self.position(name)
            while True:
                page = self.log.read_log(after, self.batch_size)
                if not page:
                    break
                with self.engine.begin() as conn:
                    for logged in page:
                        project(conn, logged.event)
                    after = page[-1].position
                    _set_position(conn, name, after)
                done += len(page)
                if progress:
                    progress(len(page))
        return done

    def rebuild(self, progress: Callable[[int], None] | None = None) -> int:
        metadata.drop_all(self.engine)
        metadata.create_all(self.engine)
        return self.catch_up(progress)


def _position(conn: Connection, name: str) -> int:
    value = conn.execute(select(positions.c.position).where(positions.c.name == name)).scalar()
    return int(value or 0)


def _set_position(conn: Connection, name: str, position: int) -> None:
    changed = conn.execute(
        update(positions).where(positions.c.name == name).values(position=position)
    ).rowcount
    if not changed:
        conn.execute(insert(positions).values(name=name, position=position))
