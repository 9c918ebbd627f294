"""The summary page: a unit (the city by default) and every count under it."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from domain.errors import UnitNotFoundError
from web.deps import unit_code, zhucun

bp = Blueprint("summary", __name__)

CITY = "210500"  # 本溪市

# The table, in groups: (group title, [(summary field, label, note)]). English text,
# translated in the template.
ROWS: list[tuple[str, list[tuple[str, str, str]]]] = [
    (
        "Administrative units",
        [
            ("counties", "Counties and districts", "open, this unit and below"),
            ("townships", "Townships and subdistricts", "open, this unit and below"),
            ("villages", "Villages", "open, this unit and below"),
            ("poor_villages", "Poor villages", "not yet out of poverty"),
            ("villager_groups", "Villager groups", "open, this unit and below"),
        ],
    ),
    (
        "Households and party members",
        [
            ("households", "Households", "not moved out or dissolved"),
            ("residents", "Residents", "members of those households"),
            ("party_members", "Party members", "active in the villages"),
        ],
    ),
    (
        "Six-level service network",
        [
            ("centres", "Convenience service centres", "city, county and township"),
            ("stations", "Village service stations", "one per village"),
            ("points", "Group service points", "one per villager group"),
            ("central_households", "Party-member central households", "active"),
            (
                "linked_households",
                "Households linked to a central household",
                "linked to an active central household",
            ),
        ],
    ),
]


@bp.get("/")
def index() -> str:
    code = unit_code(request.args.get("unit", CITY))
    summary = zhucun().summary(code)
    if summary is None:
        raise UnitNotFoundError(code)
    return render_template("summary/index.html", summary=summary, rows=ROWS, city=CITY)
