"""A village's gaps are read through the index of rows by their last day in force
(``ix_cov_rows_scope_kind_lasting``, projections/coverage/tables.py): the rows still in force
are a range of the index, not a filter on every gap the village ever had."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Connection

from app.bootstrap import Zhucun
from projections.coverage import queries
from projections.coverage.sweep import GAPS
from tests.builders import VILLAGE_A, apply, link, small_network


def linked_later(z: Zhucun) -> None:
    """Village A with gaps that closed in the past (households linked after registering)."""
    net = small_network(z)
    apply(z, link(net, "A1b"), link(net, "A2"))


def plan(conn: Connection, as_of: date) -> str:
    """The engine's plan for a village's gaps on ``as_of``, as known now."""
    statement = queries._GAPS[True].params(
        as_of=as_of, known_at=None, scopes=[VILLAGE_A], kinds=list(GAPS)
    )
    sql = str(
        statement.compile(
            dialect=conn.dialect,
            compile_kwargs={"literal_binds": True, "render_postcompile": True},
        )
    )
    if conn.dialect.name == "sqlite":
        return "\n".join(str(r[-1]) for r in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}"))
    # A table of a few rows is read whole whichever index exists: ask whether the index
    # can serve the condition at all.
    conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
    return "\n".join(str(r[0]) for r in conn.exec_driver_sql(f"EXPLAIN {sql}"))


def test_a_village_s_gaps_today_are_a_range_of_the_index(zhucun: Zhucun) -> None:
    linked_later(zhucun)
    zhucun.projections.catch_up()
    with zhucun.engine.begin() as conn:
        found = plan(conn, date(2016, 12, 31))
    assert "ix_cov_rows_scope_kind_lasting" in found, found
    if zhucun.engine.dialect.name == "sqlite":
        assert "<expr>>?" in found, found  # the last day in force bounds the search
    else:
        condition = next(line for line in found.splitlines() if "Index Cond" in line)
        assert "COALESCE(valid_to, 'infinity'::date) >" in condition, found


def gap_rows(z: Zhucun, as_of: date) -> list[tuple[Any, ...]]:
    found = z.gaps(VILLAGE_A, as_of=as_of) or []
    return sorted((g["type"], g["subject"]["name"]) for g in found)


def test_rows_in_force_are_the_same_on_any_day_up_to_the_last_one_there_is(
    zhucun: Zhucun,
) -> None:
    """A row still in force lasts after every day, the last date there is included: the
    stand-in for "no last day" sorts after all of them on both engines."""
    linked_later(zhucun)
    today = gap_rows(zhucun, date(2016, 12, 31))
    assert today and ("unlinked_household", "李二") not in today
    assert gap_rows(zhucun, date(9999, 12, 31)) == today
    before = gap_rows(zhucun, date(2014, 6, 2))  # the day before the links
    assert ("unlinked_household", "李二") in before
