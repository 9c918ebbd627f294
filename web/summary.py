"""The summary page: a unit (the account's own by default) and every count under it."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from domain.errors import UnitNotFoundError
from web.auth import login_required, principal, require_unit
from web.deps import unit_code, zhucun
from web.i18n import N_

bp = Blueprint("summary", __name__)

# The table, in groups: (group title, [(summary field, label, note)]). English text,
# translated in the template.
ROWS: list[tuple[str, list[tuple[str, str, str]]]] = [
    (
        N_("Administrative units"),
        [
            ("counties", N_("Counties and districts"), N_("open, this unit and below")),
            ("townships", N_("Townships and subdistricts"), N_("open, this unit and below")),
            ("villages", N_("Villages"), N_("open, this unit and below")),
            ("poor_villages", N_("Poor villages"), N_("not yet out of poverty")),
            ("villager_groups", N_("Villager groups"), N_("open, this unit and below")),
        ],
    ),
    (
        N_("Households and party members"),
        [
            ("households", N_("Households"), N_("not moved out or dissolved")),
            ("residents", N_("Residents"), N_("members of those households")),
            ("party_members", N_("Party members"), N_("active in the villages")),
        ],
    ),
    (
        N_("Six-level service network"),
        [
            ("centres", N_("Convenience service centres"), N_("city, county and township")),
            ("stations", N_("Village service stations"), N_("one per village")),
            ("points", N_("Group service points"), N_("one per villager group")),
            ("central_households", N_("Party-member central households"), N_("active")),
            (
                "linked_households",
                N_("Households linked to a central household"),
                N_("linked to an active central household"),
            ),
        ],
    ),
]


@bp.get("/summary")
@login_required
def index() -> str:
    who = principal()
    assert who is not None
    code = unit_code(request.args.get("unit", who.unit_code))
    require_unit(code)
    summary = zhucun().summary(code)
    if summary is None:
        raise UnitNotFoundError(code)
    return render_template("summary/index.html", summary=summary, rows=ROWS)
