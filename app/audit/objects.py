"""Where the subject of each audit log entry can be looked at: a unit (by its code), a
household, a party member, a central household, a service site, a work team or a cadre who
served on one.
A member's month is looked at on its cadre's page, a leave request on its team's; what has
no page of its own (an account, a login, a read, the village ledger's records) has none."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from uuid import UUID

from sqlalchemy import Engine

from projections.audit.sql import rows_in

# The aggregate an entry is about (the first part of its event type) -> the kind of page.
PAGES = {
    "Household": "household",
    "PartyMember": "party_member",
    "CentralHousehold": "central_household",
    "Site": "site",
    "Team": "team",
}
# Found through the read models: a unit's code, a month's cadre, a leave request's team; a
# cadre has a page once they have served on a team.
LOOKED_UP = {
    "Unit": ("unit", "SELECT id, code FROM rm_units WHERE id IN ({ins})"),
    "Cadre": (
        "cadre",
        "SELECT DISTINCT cadre_id, cadre_id FROM tm_memberships WHERE cadre_id IN ({ins})",
    ),
    "MemberMonth": ("cadre", "SELECT id, cadre_id FROM tm_member_months WHERE id IN ({ins})"),
    "LeaveRequest": ("team", "SELECT stream, team FROM audit_streams WHERE stream IN ({ins})"),
}


def aggregate_of(row: dict[str, Any]) -> str:
    """The kind of aggregate an entry is about: a correction is about what it corrects."""
    event = row["details"].get("corrected_event") if row["correction"] else row["event"]
    return str(event or "").split(".", 1)[0]


def pages_of(engine: Engine, rows: Iterable[dict[str, Any]]) -> dict[str, tuple[str, str]]:
    """Subject id -> (kind of page, its key: a unit's code, else an id) for the entries'
    subjects that have a page."""
    out: dict[str, tuple[str, str]] = {}
    wanted: dict[str, dict[str, str]] = {}  # aggregate -> hex -> subject as shown
    for row in rows:
        subject, aggregate = row["subject"], aggregate_of(row)
        if aggregate in PAGES:
            out[subject] = (PAGES[aggregate], subject)
        elif aggregate in LOOKED_UP:
            wanted.setdefault(aggregate, {})[UUID(subject).hex] = subject
    if wanted:
        with engine.connect() as conn:
            for aggregate, subjects in wanted.items():
                kind, sql = LOOKED_UP[aggregate]
                for found, key in rows_in(conn, sql, sorted(subjects)):
                    if key:
                        out[subjects[found]] = (kind, key if kind == "unit" else str(UUID(key)))
    return out
