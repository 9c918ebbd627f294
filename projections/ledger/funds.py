"""Queries of the four-source funding (四位一体资金): what was allocated to the villages under a
unit from each source, what they spent and what is left, on a day (``as_of``) as known once
the log had reached a position (``upto``; None: now) — and, for one village, its entries and
its measures' funds.

Sums are grouped in SQL over the facts of ``lg_fund_allocations``, ``lg_fund_expenditures``
and ``lg_fund_reversals`` (a reversal takes its entry's amount back from its own day), one
query for any number of villages: a province's roll-up reads no village on its own.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from sqlalchemy import (
    BigInteger,
    Connection,
    Table,
    case,
    func,
    literal_column,
    select,
    union_all,
)

from domain.ledger.funds import EntryKind
from domain.ledger.measures import FundingSource
from domain.ledger.money import yuan_text
from projections.ledger.tables import (
    fund_allocations,
    fund_expenditures,
    fund_reversals,
    measures,
    seen,
)
from projections.ledger.tables import fund_totals as account_totals
from projections.queries import unit_row
from projections.tables import units

ENTRIES = (fund_allocations, fund_expenditures, fund_reversals)


def money(name: str, fen: int) -> dict[str, Any]:
    """``name_fen`` and ``name_yuan``, as the ledger's JSON gives money."""
    return {f"{name}_fen": fen, f"{name}_yuan": yuan_text(fen)}


def _sums(allocated: int, spent: int) -> dict[str, Any]:
    return (
        money("allocated", allocated) | money("spent", spent) | money("balance", allocated - spent)
    )


def villages_under(path: str) -> Any:
    """The codes of the villages under the unit of ``path`` (itself included), as today's
    tree has them: a subquery, so that sums over them stay one query."""
    return (
        select(units.c.code)
        .where(units.c.path.startswith(path, autoescape=True), units.c.level == "village")
        .scalar_subquery()
    )


def _where(
    table: Table,
    villages: Any,
    as_of: date,
    upto: int | None,
    source: FundingSource | None,
    measure: UUID | None,
) -> list[Any]:
    found = [table.c.village_code.in_(villages), seen(table, as_of, upto)]
    if source is not None:
        found.append(table.c.source == source.value)
    if measure is not None:
        found.append(table.c.measure_id == measure.hex)
    return found


def _movements(*where: Any) -> Any:
    """Every allocation (+ allocated), expenditure (+ spent) and reversal (- the one or the
    other), as rows (village, source, measure, allocated, spent) to be summed."""
    a, e, r = fund_allocations, fund_expenditures, fund_reversals
    zero = literal_column("0", BigInteger)
    undone = -r.c.amount_fen
    was_allocation = r.c.entry == EntryKind.ALLOCATION.value
    columns = ("village_code", "source", "measure_id")
    return union_all(
        select(
            *(a.c[c] for c in columns), a.c.amount_fen.label("allocated"), zero.label("spent")
        ).where(*where[0]),
        select(*(e.c[c] for c in columns), zero, e.c.amount_fen).where(*where[1]),
        select(
            *(r.c[c] for c in columns),
            case((was_allocation, undone), else_=0),
            case((was_allocation, 0), else_=undone),
        ).where(*where[2]),
    ).subquery("movements")


def fund_totals(
    conn: Connection,
    villages: Any,
    as_of: date,
    upto: int | None,
    source: FundingSource | None = None,
    measure: UUID | None = None,
) -> dict[str, Any]:
    """Per source (all four, zero where nothing) and in total: allocated, spent and the
    balance, in fen and yuan, over the villages given (a list of codes or a subquery)."""
    found = None if measure is not None else _from_totals(conn, villages, as_of, upto, source)
    if found is None:
        m = _movements(*(_where(t, villages, as_of, upto, source, measure) for t in ENTRIES))
        found = {
            s: (int(a or 0), int(e or 0))
            for s, a, e in conn.execute(
                select(m.c.source, func.sum(m.c.allocated), func.sum(m.c.spent)).group_by(
                    m.c.source
                )
            )
        }
    by_source = {
        s.value: {"source_zh": s.zh, **_sums(*found.get(s.value, (0, 0)))}
        for s in FundingSource
        if source is None or s is source
    }
    allocated = sum(a for a, _ in found.values())
    spent = sum(e for _, e in found.values())
    return {"by_source": by_source, "total": _sums(allocated, spent)}


def _from_totals(
    conn: Connection, villages: Any, as_of: date, upto: int | None, source: FundingSource | None
) -> dict[str, tuple[int, int]] | None:
    """The sums from the accounts' totals, when no entry of these villages is dated after
    ``as_of`` nor recorded after ``upto``: then the clocks leave out nothing, and the totals
    are the sums of the entries. None otherwise (the entries must be summed)."""
    t = account_totals.c
    query = (
        select(
            t.source,
            func.sum(t.allocated_fen),
            func.sum(t.spent_fen),
            func.max(t.last_day),
            func.max(t.last_position),
        )
        .where(t.village_code.in_(villages))
        .group_by(t.source)
    )
    if source is not None:
        query = query.where(t.source == source.value)
    found: dict[str, tuple[int, int]] = {}
    for s, allocated, spent, last_day, last_position in conn.execute(query):
        if last_day > as_of or (upto is not None and last_position > upto):
            return None
        found[s] = (int(allocated), int(spent))
    return found


def funds(
    conn: Connection,
    code: str,
    as_of: date,
    upto: int | None,
    source: FundingSource | None = None,
    measure: UUID | None = None,
) -> dict[str, Any] | None:
    """The funds of a unit: for a village its totals, entries and measures; for a township,
    a county or the city the totals of the villages under it. None for an unknown unit."""
    root = unit_row(conn, code)
    if root is None:
        return None
    village = root["level"] == "village"
    villages = [root["code"]] if village else villages_under(root["path"])
    out: dict[str, Any] = {
        "unit": root["code"],
        "name": root["name"],
        "level": root["level"],
        "as_of": as_of.isoformat(),
        "source": source.value if source else None,
        "measure": str(measure) if measure else None,
        **fund_totals(conn, villages, as_of, upto, source, measure),
    }
    if village:
        where = [_where(t, villages, as_of, upto, source, measure) for t in ENTRIES]
        return out | {
            "entries": _entries(conn, where, as_of, upto),
            "measures": _by_measure(conn, where),
        }
    funded = conn.execute(
        select(func.count(func.distinct(fund_allocations.c.village_code))).where(
            *_where(fund_allocations, villages, as_of, upto, source, measure)
        )
    ).scalar_one()
    count = conn.execute(select(func.count()).where(units.c.code.in_(villages))).scalar_one()
    return out | {"villages": int(count), "villages_funded": int(funded)}


def _entries(
    conn: Connection, where: list[list[Any]], as_of: date, upto: int | None
) -> list[dict[str, Any]]:
    """A village's allocations and expenditures by day, each with its reversal if one was
    made by the day."""
    reversals = {
        (r["account_id"], r["voucher"]): {"on": r["day"].isoformat(), "because": r["because"]}
        for r in conn.execute(select(fund_reversals).where(*where[2])).mappings()
    }
    rows: list[dict[str, Any]] = []
    for table, kind, own in (
        (fund_allocations, EntryKind.ALLOCATION, ("allocated_by", "document")),
        (fund_expenditures, EntryKind.EXPENDITURE, ("payee", "purpose")),
    ):
        index = 0 if kind is EntryKind.ALLOCATION else 1
        for r in conn.execute(select(table).where(*where[index])).mappings():
            source = FundingSource(r["source"])
            rows.append(
                {
                    "on": r["day"].isoformat(),
                    "entry": kind.value,
                    "entry_zh": kind.zh,
                    "source": source.value,
                    "source_zh": source.zh,
                    "voucher": r["voucher"],
                    **money("amount", int(r["amount_fen"])),
                    "plan": str(UUID(r["plan_id"])),
                    "measure": str(UUID(r["measure_id"])) if r["measure_id"] else None,
                    **{k: r[k] for k in own},
                    "reversed": reversals.get((r["account_id"], r["voucher"])),
                    "_order": (r["day"], r["position"]),
                }
            )
    rows.sort(key=lambda r: r.pop("_order"))
    return rows


def _by_measure(conn: Connection, where: list[list[Any]]) -> list[dict[str, Any]]:
    """Per measure of the village that funds went to: its budget, and what was allocated to
    it and spent on it (net of reversals)."""
    m = _movements(*where)
    sums = (
        select(m.c.measure_id, func.sum(m.c.allocated).label("a"), func.sum(m.c.spent).label("e"))
        .where(m.c.measure_id != "")
        .group_by(m.c.measure_id)
        .subquery("sums")
    )
    query = (
        select(sums, measures.c.title, measures.c.budget_fen, measures.c.sources)
        .join(measures, measures.c.measure_id == sums.c.measure_id)
        .order_by(measures.c.due_on, measures.c.position)
    )
    return [
        {
            "measure": str(UUID(r["measure_id"])),
            "title": r["title"],
            **money("budget", int(r["budget_fen"])),
            "sources": r["sources"].split(",") if r["sources"] else [],
            **_sums(int(r["a"] or 0), int(r["e"] or 0)),
        }
        for r in conn.execute(query).mappings()
    ]
