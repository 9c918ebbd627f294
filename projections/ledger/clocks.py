"""The two clocks over the ledger's tables, where every row is a fact with its ``day`` and its
log ``position``: as of a day D (``day <= D``), as known at a position P (``position <= P``)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Table, and_


def seen(table: Table, as_of: date, upto: int | None) -> Any:
    """The rows of ``table`` that had happened by ``as_of`` and were known at ``upto``."""
    if upto is None:
        return table.c.day <= as_of
    return and_(table.c.day <= as_of, table.c.position <= upto)
