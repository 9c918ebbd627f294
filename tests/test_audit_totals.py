"""The audit log's totals and later pages, counted by the database over the scopes listed in
full (projections/audit/counting.py): for every filter the total is the number of rows of
the whole log's answer and page K is that answer's K-th slice, however the index is
searched, on both engines; the command line's ``--page`` is the same slice."""

from __future__ import annotations

from typing import Any

import pytest

from app.audit import lookup as audit_lookup
from app.audit.log import AuditFilter, audit_page, counted_page, scan_rows
from app.bootstrap import Zhucun
from app.store.clock import SettableClock
from domain.errors import TeamNotFoundError, UnitNotFoundError
from projections.audit import counting
from tests.test_audit_log_index import _filters, _history

SIZE = 7
WAYS = {
    "chosen": {},
    "broad-units": {"LISTED_UNITS": 0, "LISTED_SHARE": 10**9},
}


@pytest.mark.parametrize("way", WAYS)
@pytest.mark.parametrize(
    "form", ["ids", "entries", None], ids=["from-the-ids", "entry-by-entry", "chosen"]
)
def test_every_filter_s_total_and_pages_are_those_of_the_whole_log(
    zhucun: Zhucun,
    clock: SettableClock,
    way: str,
    form: str | None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _history(zhucun, clock)
    for name, value in WAYS[way].items():
        monkeypatch.setattr(audit_lookup, name, value)
    # Every scope counted from its ids, or every scope checked at each entry, or as chosen.
    monkeypatch.setattr(counting, "FORM", form)
    store, engine = zhucun.store, zhucun.engine
    counted = 0
    for kw in _filters(zhucun):
        kw = {k: v for k, v in kw.items() if k not in ("limit", "page")}
        try:
            whole = [r["position"] for r in scan_rows(store, engine, AuditFilter(**kw))]
        except (UnitNotFoundError, TeamNotFoundError) as e:
            with pytest.raises(type(e)):
                counted_page(store, engine, AuditFilter(**kw, limit=SIZE))
            continue
        last = max(1, -(-len(whole) // SIZE))
        for page in sorted({1, 2, last, last + 1}):
            got = counted_page(store, engine, AuditFilter(**kw, limit=SIZE, page=page))
            assert got.total == len(whole), kw
            wanted = whole[(page - 1) * SIZE : page * SIZE]
            assert [r["position"] for r in got.rows] == wanted, (kw, page)
            assert got.more == (page * SIZE < len(whole)), (kw, page)
        counted += bool(whole)
    assert counted > 40  # the filters are not all empty


def test_a_later_page_of_the_command_line_is_the_slice_of_the_whole_answer(
    zhucun: Zhucun, clock: SettableClock
) -> None:
    _history(zhucun, clock)
    store, engine = zhucun.store, zhucun.engine
    for kw in ({}, {"unit": "210521"}, {"backdated_only": True}, {"person": "张队长"}):
        whole = [r["position"] for r in scan_rows(store, engine, AuditFilter(**kw))]
        for page in (2, 3, 40):
            f: Any = AuditFilter(**kw, limit=5, page=page)
            rows = audit_page(store, engine, f).rows
            assert [r["position"] for r in rows] == whole[(page - 1) * 5 : page * 5], kw


def test_a_store_whose_index_is_behind_is_counted_from_the_whole_log(
    zhucun: Zhucun, clock: SettableClock
) -> None:
    _history(zhucun, clock)
    store, engine = zhucun.store, zhucun.engine
    f = AuditFilter(unit="210521", limit=SIZE, page=2)
    whole = [r["position"] for r in scan_rows(store, engine, AuditFilter(unit="210521"))]
    # Asked to reach a position the index has not read: the whole log is read instead.
    got = counted_page(store, engine, f, head=store.max_position() + 1)
    assert got.total == len(whole)
    assert [r["position"] for r in got.rows] == whole[SIZE : 2 * SIZE]
