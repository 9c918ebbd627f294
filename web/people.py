"""The bottom of the drill-down: the people of a villager group (its households with their
link, its party members with their role, its central households) on the unit page, and a
central household's own page, each on the day asked for ("as of"), inside the account's
jurisdiction. What they show is computed by the read side (projections/people.py)."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from flask import Blueprint, render_template

from domain.errors import CentralHouseholdNotFoundError, InvalidInputError
from projections import people, queries, unit_pages
from web.auth import login_required, principal, require_unit
from web.dashboard import GAP_LABELS, as_of_day, read
from web.deps import zhucun
from web.i18n import _
from web.page_cache import cached

bp = Blueprint("people", __name__)
PEOPLE_LEVELS = ("village", "group")  # a village lists its central households only


# A village lists its central households only: a household registered there is linked (or
# not) by an event of its own, so its registration leaves the list as it was.
VILLAGE_IGNORES = frozenset({"Household.Registered"})


def unit_people(code: str, level: str, day: date) -> dict[str, Any] | None:
    """What the unit page of a village or villager group lists of its people on the day
    (kept while no event changes it, as the rest of the page)."""
    if level not in PEOPLE_LEVELS:
        return None
    z = zhucun()
    return cached(
        z,
        ("people", code, day),
        day,
        lambda: read(people.people, code, day, z.rules),
        VILLAGE_IGNORES if level == "village" else frozenset(),
    )


def _key(value: str) -> str:
    try:
        return str(UUID(value))
    except ValueError:
        raise InvalidInputError(
            "central_household", f"{value!r} 不是有效编号", f"{value!r} is not a valid id"
        ) from None


def central_household_in_reach(key: str) -> str:
    """The village of a central household, once the account's jurisdiction holds it (the
    page and the API's read both check this)."""
    village = read(people.village_of_central_household, key)
    if village is None:
        raise CentralHouseholdNotFoundError(key)
    require_unit(village, field="central_household")
    return village


def central_household_on(key: str, day: date) -> dict[str, Any]:
    """A central household on the day, as its page shows it."""
    z = zhucun()
    ch = cached(
        z, ("central", key, day), day, lambda: read(people.central_household, key, day, z.rules)
    )
    assert ch is not None
    return dict(ch)


@bp.get("/central-households/<ch_id>")
@login_required
def central_household(ch_id: str) -> str:
    key = _key(ch_id)
    village = central_household_in_reach(key)
    z = zhucun()
    day = as_of_day() or z.today()
    ch = central_household_on(key, day)
    group = ch.get("household", {}).get("group") or village
    who = principal()
    assert who is not None
    above = [*read(unit_pages.ancestors, group), *_named(group)]
    trail = [a for a in above if who.covers(read(unit_pages.unit_path, a["code"]) or "")]
    return render_template(
        "people/central_household.html",
        ch=ch,
        day=day,
        today=z.today(),
        trail=trail,
        gap_names={kind: _(label) for kind, label in GAP_LABELS.items()},
    )


def _named(code: str) -> list[dict[str, Any]]:
    row = read(queries.unit_row, code)
    return [{"code": code, "name": row["name"], "level": row["level"]}] if row else []


@bp.app_context_processor
def _helpers() -> dict[str, Any]:
    return {"unit_people": unit_people}
