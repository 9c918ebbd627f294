"""A page of the events of a few aggregates, by log position: the newest (or oldest) ``limit``
events before (or after) a position. Only the page's events are read and decoded; the
positions are found in the store's own index of originator ids."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from uuid import UUID

from app.store.event_store import EventStore, LoggedEvent


def events_page(
    store: EventStore,
    originator_ids: Iterable[UUID],
    after: int | None,
    limit: int,
    newest_first: bool,
) -> list[LoggedEvent]:
    """At most ``limit`` events of the aggregates, in the order asked, beyond ``after``: older
    than it when newest first, younger otherwise (None: from the start of that order)."""
    ids = list(dict.fromkeys(originator_ids))
    if not ids or limit <= 0:
        return []
    direction = "DESC" if newest_first else "ASC"
    beyond = "<" if newest_first else ">"
    bound = after if after is not None else (2**62 if newest_first else 0)
    if store.config.is_postgres:
        table = f'"{store.config.schema or "public"}".{store.events_table}'
        sql = (
            "SELECT notification_id AS position, originator_id, originator_version, topic, state "
            f"FROM {table} WHERE originator_id = ANY(%s) AND notification_id {beyond} %s "
            f"ORDER BY notification_id {direction} LIMIT %s"
        )
        datastore: Any = store.recorder.datastore  # type: ignore[attr-defined]
        with datastore.get_connection() as conn, conn.cursor() as curs:
            curs.execute(sql, (ids, bound, limit))
            rows = [dict(r) for r in curs.fetchall()]
    else:
        marks = ",".join("?" * len(ids))
        table = store.events_table
        # The positions first, from the originator index alone (no row is read but the
        # page's): the planner would otherwise walk the whole table by rowid.
        sql = (
            f"SELECT rowid AS position, originator_id, originator_version, topic, state "
            f"FROM {table} WHERE rowid IN (SELECT rowid FROM {table} INDEXED BY "
            f"sqlite_autoindex_{table}_1 WHERE originator_id IN ({marks}) "
            f"AND rowid {beyond} ? ORDER BY rowid {direction} LIMIT ?) ORDER BY rowid {direction}"
        )
        with store.recorder.datastore.transaction(commit=False) as c:  # type: ignore[attr-defined]
            c.execute(sql, [*(i.hex for i in ids), bound, limit])
            rows = [dict(r) for r in c.fetchall()]
    return store.logged(rows)
