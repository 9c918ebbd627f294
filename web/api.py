"""The JSON API, version 1: the summary of a unit, and the API's own description."""

from __future__ import annotations

from typing import Any

from flask import Blueprint

from domain.errors import InvalidInputError, UnitNotFoundError
from web.api_clocks import CODE, as_known_at, as_of
from web.api_models import freshness
from web.auth import login_required, require_unit
from web.deps import unit_code, zhucun
from web.openapi import openapi_document

bp = Blueprint("api", __name__, url_prefix="/api/v1")


@bp.get("/summary/<code>")
@login_required
def summary(code: str) -> dict[str, Any]:
    if not CODE.fullmatch(code):
        raise InvalidInputError(
            "code",
            f"区划代码 {code!r} 不对：应为 6 至 15 位数字",
            f"unit code {code!r} is invalid: it has 6 to 15 digits",
        )
    code = unit_code(code, field="code")
    require_unit(code, field="code")
    z = zhucun()
    result = z.summary(code, as_of(z.today()), as_known_at(z.today()))
    if result is None:
        raise UnitNotFoundError(code, field="code")
    return {**result, "freshness": freshness(z)}


@bp.get("/openapi.json")
def openapi() -> dict[str, Any]:
    return openapi_document()
