"""One search box (``/search?q=``): units, households by their head's name, party members,
cadres and work teams, by a part of the name, its pinyin or its initials ("wgl" finds 王桂兰),
or a unit's code — inside the logged-in account's jurisdiction. With htmx the results follow
the typing; without it the form is an ordinary GET."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import Blueprint, render_template, request, url_for

from domain.accounts import Role
from web.auth import login_required, principal
from web.deps import zhucun
from web.history import members_ever
from web.i18n import N_

bp = Blueprint("search", __name__)

KIND_WORDS = {
    "unit": N_("Unit"),
    "household": N_("Household"),
    "party_member": N_("Party member"),
    "cadre": N_("Cadre"),
    "team": N_("Work team"),
}


def _page(kind: str, key: str) -> str:
    if kind == "unit":
        return url_for("dashboard.unit", code=key)
    dashed = str(UUID(key))
    return {
        "household": lambda: url_for("history.household", household_id=dashed),
        "party_member": lambda: url_for("history.subject", subject=dashed),
        "cadre": lambda: url_for("history.cadre", cadre_id=dashed),
        "team": lambda: url_for("teams.team", team_id=dashed),
    }[kind]()


def found_in_reach(text: str) -> list[dict[str, Any]]:
    """What the search box finds of ``text`` inside the logged-in account's jurisdiction (the
    search page and the API's read both answer this)."""
    who = principal()
    assert who is not None
    found = zhucun().search(text, who.unit_path, everywhere=who.unit_level == "city")
    if who.role is Role.TEAM_MEMBER:
        # A team member's pages are their own team's: other teams of the village, and the
        # cadres who served on them, lie outside it.
        own = UUID(who.team_id).hex if who.team_id else ""
        members = {UUID(m).hex for m in members_ever(who.team_id)} if who.team_id else set()
        found = [
            r
            for r in found
            if (r["kind"] != "team" or r["key"] == own)
            and (r["kind"] != "cadre" or r["key"] in members)
        ]
    return found


@bp.get("/search")
@login_required
def index() -> str:
    text = request.args.get("q", "")
    found = found_in_reach(text)
    results: list[dict[str, Any]] = [
        r | {"page": _page(r["kind"], r["key"]), "kind_words": KIND_WORDS[r["kind"]]} for r in found
    ]
    template = "search/_results.html" if request.headers.get("HX-Request") else "search/index.html"
    return render_template(template, q=text.strip(), results=results)
