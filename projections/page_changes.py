"""Whether what the unit pages show of a day has changed between two positions of the log.

The unit pages (figures, blind spots, the network below, people, sites, the trend) are read
from the coverage and network read models, and the work gaps from a few events of the ledger
and the teams (``projections/ledger/gaps.py``, ``CONSUMED``). Any other event cannot change
them: a check-in, a diary, a login. An event about households, party members or central
households counts from the day it occurred: a page of an earlier day reads the same after
it; so does each event the work gaps depend on (a measure's status, a term extended).
Anything else (a unit renamed, a site opened: pages show names and sites as they stand now)
changes the pages of every day. The events between the two positions are read from the
audit index, which holds one entry per event with its type and day (projections/audit/index.py).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Connection, select

from domain.households import Household
from domain.party import CentralHousehold, PartyMember
from projections.audit.index import entries
from projections.coverage.facts import consumed as coverage_consumes
from projections.ledger.gaps import CONSUMED as work_consumes
from projections.network import HANDLERS as network_consumes

# Beyond this many events, computing the page again is the cheaper way to know.
MOST = 500
_DATED = (Household, PartyMember, CentralHousehold)


def _kinds() -> tuple[frozenset[str], frozenset[str]]:
    read = {c.__qualname__ for c in (*coverage_consumes(), *network_consumes)}
    dated = {k for k in read if k.split(".", 1)[0] in {c.__name__ for c in _DATED}}
    work = {c.__qualname__ for c in work_consumes}
    return frozenset(read | work), frozenset(dated | work)


PAGE_EVENTS, DATED_EVENTS = _kinds()
# What the work gaps cannot show: households, party members and central households (a
# village's work gaps are its survey, plan, measures, letters and team).
NOT_WORK_EVENTS = DATED_EVENTS - {c.__qualname__ for c in work_consumes}


def unchanged_on(
    conn: Connection,
    after: int,
    upto: int,
    day: date,
    ignored: frozenset[str] = frozenset(),
    also: frozenset[str] = frozenset(),
) -> bool:
    """Do the unit pages of ``day`` read the same with the log at ``upto`` as at ``after``?
    (The audit index must have reached ``upto``.) ``ignored``: event types the piece asked
    about cannot show, whatever their day (a village's central households do not change
    when a household is registered: it is linked by an event of its own). ``also``: event
    types beyond the pages' that the piece shows, whatever their day (a rectification)."""
    if upto == after:
        return True
    found = conn.execute(
        select(entries.c.event, entries.c.occurred_on)
        .where(entries.c.position > after, entries.c.position <= upto)
        .limit(MOST + 1)
    ).all()
    if len(found) > MOST:
        return False
    for kind, occurred in found:
        if kind in also:
            return False
        if kind not in PAGE_EVENTS or kind in ignored:
            continue
        if kind in DATED_EVENTS and occurred > day:
            continue
        return False
    return True
