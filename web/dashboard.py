"""The dashboard of a unit and the drill-down below it: city → county → township → village →
villager group, each on the day asked for ("as of"), inside the account's jurisdiction."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

from flask import Blueprint, redirect, render_template, request, url_for
from markupsafe import Markup
from werkzeug.wrappers import Response

from app.accounts import Principal
from app.args import typed_day
from app.gaps import event_names, with_causes
from app.rectifications import EVENTS as RECTIFICATION_EVENTS
from app.rectifications import counts as rectification_counts
from app.rectifications import gap_type_of
from domain.errors import InvalidInputError, UnitNotFoundError, UnitNotYetOpenError
from projections import unit_pages
from web.auth import login_required, principal, require_unit
from web.deps import unit_code, zhucun
from web.i18n import N_, _, current_language
from web.imports import kinds_allowed
from web.page_cache import cached

bp = Blueprint("dashboard", __name__)
T = TypeVar("T")

# Gap types in the order pages show them, with their English names (translated on the page).
GAP_LABELS: dict[str, str] = {
    "unlinked_household": N_("Households not linked to a central household"),
    "group_without_point": N_("Villager groups without a service point"),
    "village_without_station": N_("Villages without a service station"),
    "unit_without_centre": N_("Units without a service centre"),
    "vacant_central_household": N_("Vacant central households"),
    "overloaded_central_household": N_("Overloaded central households"),
    "party_member_without_role": N_("Party members without a role"),
    "site_without_responsible": N_("Service sites with nobody responsible"),
    # The ledger's work gaps (projections/ledger/gaps.py).
    "poor_village_without_survey": N_("Poor villages whose survey has not begun"),
    "poor_village_without_plan": N_("Poor villages without an approved plan for the year"),
    "poor_village_without_letter": N_("Poor villages without a responsibility letter in force"),
    "overdue_measure": N_("Measures past their due date"),
    "lapsed_team_term": N_("Team terms lapsed with neither an extension nor a successor"),
}
# The tab of the village's ledger (web/ledger.py) that answers a work gap.
WORK_GAP_TABS = {
    "poor_village_without_survey": "survey",
    "poor_village_without_plan": "plans",
    "poor_village_without_letter": "letters",
    "overdue_measure": "measures",
}
# What began a work gap (``cause.type``, on the day ``cause.on``).
WORK_GAP_CAUSES: dict[str, str] = {
    "declared_poor": N_("declared a poor village on %(day)s"),
    "year_began": N_("the year began on %(day)s"),
    "plan_revised": N_("the approved plan was revised on %(day)s and not approved again"),
    "letter_term_ended": N_("the letter's term ended on %(day)s"),
    "due_date_passed": N_("due on %(day)s"),
    "term_ended": N_("the term ended on %(day)s"),
}
SITE_KINDS = {
    "centre": N_("Convenience service centre"),
    "station": N_("Service station"),
    "point": N_("Service point"),
}
# Gap lists are shown where they stay short enough to read; above, the counts and a drill-down.
LISTED_LEVELS = ("township", "village", "group")
MAX_LISTED = 20  # the first rows, a preview; the work list (web/gaps.py) pages through the rest


def read(query: Callable[..., T], *args: Any) -> T:
    z = zhucun()
    with z.engine.connect() as conn:
        return query(conn, *args)


def unit_in_reach(value: str) -> str:
    """The unit code of an address, normalised; refused (403, recorded) outside the logged-in
    account's jurisdiction."""
    code = unit_code(value, field="code")
    require_unit(code, field="code")
    return code


def as_of_day() -> date | None:
    day = typed_day("as_of", request.args.get("as_of"))
    if day is None:
        return None
    today = zhucun().today()
    if day > today:
        raise InvalidInputError(
            "as_of",
            f"日期 {day} 晚于今天 {today.isoformat()}",
            f"date {day} is after today ({today.isoformat()})",
        )
    return day


def work_gaps(code: str, day: date) -> dict[str, dict[str, int]]:
    """The work gaps per village under the unit on the day, kept across the events that
    cannot change them (a household registered, a member linked), which the network's
    figures are not."""
    z = zhucun()
    return cached(
        z,
        ("work-gaps", code, day),
        day,
        lambda: z.work_gap_counts(code, day),
        ignored=z.not_work_events,
    )


def network(code: str, day: date) -> dict[str, Any] | None:
    """The unit's subtree with each unit's figures on the day (one grouped count, kept)."""
    z = zhucun()
    return cached(
        z,
        ("network", code, day),
        day,
        lambda: read(unit_pages.network_tree, code, day, day >= z.today(), work_gaps(code, day)),
    )


def children(code: str, day: date) -> list[dict[str, str]]:
    """The units (and villager groups) directly under ``code`` on that day, by code."""
    return read(unit_pages.children, code, day)


def child_rows(code: str, day: date) -> list[dict[str, Any]]:
    """Households, link rate and blind spots of each unit directly under ``code``: the top of
    the network tree, which the page's treemap asks for next."""
    tree = network(code, day)
    if tree is None:
        return []
    return [{k: v for k, v in c.items() if k != "children"} for c in tree["children"]]


def _ancestors(code: str) -> list[dict[str, Any]]:
    return [
        {**a, "path": read(unit_pages.unit_path, a["code"]) or ""}
        for a in read(unit_pages.ancestors, code)
    ]


def path_of(code: str) -> str | None:
    """The unit's materialised path (None: no such unit)."""
    return read(unit_pages.unit_path, code)


def trail_of(code: str, who: Principal) -> list[dict[str, Any]]:
    """The units above ``code``, top first, that the account sees: a page's trail."""
    return [a for a in _ancestors(code) if who.covers(a["path"])]


def unit_data(code: str, day: date) -> dict[str, Any]:
    """Everything the unit page shows on a day, but for what depends on who is asking."""
    z = zhucun()

    def compute() -> dict[str, Any]:
        coverage = z.coverage(code, day, work=work_gaps(code, day))
        if coverage is None:
            opened = read(unit_pages.opened_on, code)
            if opened is not None and day < opened:
                raise UnitNotYetOpenError(code, opened.isoformat())
            raise UnitNotFoundError(code, field="code")
        children = child_rows(code, day)
        listed = coverage["level"] in LISTED_LEVELS
        gaps, totals = z.first_gaps(code, day, MAX_LISTED) if listed else ([], {})
        ancestors = _ancestors(code)
        return {
            "coverage": coverage,
            "children": children,
            "listed": listed,
            "gaps": gaps,
            "gap_totals": totals,
            "ancestors": ancestors,
            "sites": read(unit_pages.sites_on, [code] + [c["code"] for c in children], day),
        }

    return cached(z, ("unit", code, day), day, compute)


@bp.get("/")
@login_required
def home() -> Response:
    who = principal()
    assert who is not None
    return redirect(url_for("dashboard.unit", code=who.unit_code))


@bp.get("/units/<code>")
@login_required
def unit(code: str) -> str:
    code = unit_in_reach(code)
    z = zhucun()
    day = as_of_day() or z.today()
    data = unit_data(code, day)
    given = request.args.get("gap", "")
    kind = gap_type_of(given, "gap") if given.strip() else None
    who = principal()
    assert who is not None
    trail = [a for a in data["ancestors"] if who.covers(a["path"])]
    rectified = cached(
        z,
        ("rectified", code, day),
        day,
        lambda: rectification_counts(z, code, day),
        also=RECTIFICATION_EVENTS,
    )
    lang = current_language()

    def body() -> Markup:
        gaps = [g for g in data["gaps"] if kind is None or g["type"] == kind]
        totals = data["gap_totals"]
        return Markup(
            render_template(
                "dashboard/_unit_body.html",
                c=data["coverage"],
                day=day,
                today=z.today(),
                trail=trail,
                children=data["children"],
                gaps=with_causes(z, code, gaps[:MAX_LISTED]),
                gaps_total=sum(totals.values()) if kind is None else totals.get(kind, 0),
                gap_kind=kind,
                listed=data["listed"],
                sites=data["sites"],
                gap_labels=GAP_LABELS,
                # Translated once per page, not once per row.
                gap_names={kind: _(label) for kind, label in GAP_LABELS.items()},
                cause_names={kind: _(label) for kind, label in WORK_GAP_CAUSES.items()},
                event_names=event_names(lang),
                ledger_tabs=WORK_GAP_TABS,
                site_names={kind: _(label) for kind, label in SITE_KINDS.items()},
                rectified=rectified,
            )
        )

    # The page's content is the same for everyone who sees the same trail, may import the
    # same, in the same language, with the same rectification counts (their events are not
    # among those that change the pages): rendered once and kept with the figures, as under
    # load many requests follow each write.
    shown = (
        tuple(a["code"] for a in trail),
        tuple(sorted(rectified.items())) if rectified else None,
        bool(kinds_allowed()),  # the link to the import page
    )
    key = ("unit-body", code, day, z.today(), lang, kind, *shown)
    content = cached(z, key, day, body)
    return render_template("dashboard/unit.html", c=data["coverage"], body=content)


@bp.get("/units/<code>/children.json")
@login_required
def children_json(code: str) -> dict[str, Any]:
    """Link rate by child unit, for the chart."""
    code = unit_in_reach(code)
    day = as_of_day() or zhucun().today()
    return {"unit": code, "as_of": day.isoformat(), "children": child_rows(code, day)}


@bp.get("/units/<code>/network.json")
@login_required
def network_json(code: str) -> dict[str, Any]:
    """The unit's part of the network, each unit with its households and blind spots: the
    treemap's data."""
    code = unit_in_reach(code)
    return network_of(code, as_of_day() or zhucun().today())


def network_of(code: str, day: date) -> dict[str, Any]:
    """A unit in reach's part of the network on the day, each unit with its households and
    blind spots, and the units above it the account sees: for the map and the API alike."""
    tree = network(code, day)
    if tree is None:
        raise UnitNotFoundError(code, field="code")
    who = principal()
    assert who is not None
    # The units above, as far as the account sees: the trail over the map opened in place.
    trail = [{"code": a["code"], "name": a["name"]} for a in trail_of(code, who)]
    return {"unit": code, "as_of": day.isoformat(), "trail": trail, "tree": tree}


@bp.get("/units/<code>/trend.json")
@login_required
def trend_json(code: str) -> dict[str, Any]:
    """The unit's link rate at month ends from its opening to the day: the line chart's data."""
    code = unit_in_reach(code)
    return trend_of(code, as_of_day() or zhucun().today())


def trend_of(code: str, day: date) -> dict[str, Any]:
    """A unit in reach's link rate at month ends from its opening to the day: for the line
    chart and the API alike."""
    z = zhucun()
    first = read(unit_pages.opened_on, code) or day
    days = unit_pages.trend_days(first, day)
    points = cached(
        z, ("trend", code, day), day, lambda: read(unit_pages.link_rate_over_time, code, days)
    )
    return {"unit": code, "as_of": day.isoformat(), "points": points}
