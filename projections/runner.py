"""Feeds read models from the log, exactly once: rows and position move in one transaction."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol

from sqlalchemy import Connection, Engine, MetaData, insert, select, update

from domain.rules import DEFAULT_RULES, RuleSet
from projections.coverage.model import CoverageModel
from projections.network import NetworkModel
from projections.tables import positions, tracking


class Log(Protocol):
    def read_log(self, after: int, limit: int, upto: int | None = None) -> list[Any]: ...
    def max_position(self) -> int: ...


class ReadModel(Protocol):
    name: str
    metadata: MetaData

    def process(self, conn: Connection, page: Sequence[Any]) -> None: ...


def default_models(rules: RuleSet = DEFAULT_RULES) -> list[ReadModel]:
    return [NetworkModel(), CoverageModel(rules)]


class Projections:
    def __init__(
        self,
        engine: Engine,
        log: Log,
        models: list[ReadModel] | None = None,
        batch_size: int = 2000,
    ) -> None:
        self.engine = engine
        self.log = log
        self.models = models if models is not None else default_models()
        self.batch_size = batch_size

    def create_tables(self) -> None:
        tracking.create_all(self.engine)
        for model in self.models:
            model.metadata.create_all(self.engine)
        with self.engine.begin() as conn:
            have = set(conn.execute(select(positions.c.name)).scalars())
            for model in self.models:
                if model.name not in have:
                    conn.execute(insert(positions).values(name=model.name, position=0))

    def positions(self) -> dict[str, int]:
        with self.engine.connect() as conn:
            return {m.name: _position(conn, m.name) for m in self.models}

    def position(self, name: str) -> int:
        return self.positions()[name]

    def catch_up(self, progress: Callable[[int], None] | None = None) -> int:
        """Apply every event recorded since each read model's position; return how many.

        Each page is read and applied inside one transaction that first takes the model's
        position row for writing, so two processes catching up at once take turns instead
        of applying the same page twice.
        """
        done = 0
        for model in self.models:
            while True:
                with self.engine.begin() as conn:
                    after = _lock_position(conn, model.name)
                    page = self.log.read_log(after, self.batch_size)
                    if not page:
                        break
                    model.process(conn, page)
                    _set_position(conn, model.name, page[-1].position)
                done += len(page)
                if progress:
                    progress(len(page))
        return done

    def drop_tables(self) -> None:
        for model in self.models:
            model.metadata.drop_all(self.engine)
        tracking.drop_all(self.engine)

    def rebuild(self, progress: Callable[[int], None] | None = None) -> int:
        self.drop_tables()
        self.create_tables()
        return self.catch_up(progress)


def _position(conn: Connection, name: str) -> int:
    value = conn.execute(select(positions.c.position).where(positions.c.name == name)).scalar()
    return int(value or 0)


def _lock_position(conn: Connection, name: str) -> int:
    """Take the model's position row for writing (creating it at 0), and return it."""
    touched = conn.execute(
        update(positions).where(positions.c.name == name).values(position=positions.c.position)
    ).rowcount
    if not touched:
        # Two first-ever catch-ups may race here; the loser's transaction fails on the
        # primary key and its caller retries on the next read.
        conn.execute(insert(positions).values(name=name, position=0))
    return _position(conn, name)


def _set_position(conn: Connection, name: str, position: int) -> None:
    conn.execute(update(positions).where(positions.c.name == name).values(position=position))
