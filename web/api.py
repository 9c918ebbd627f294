"""The JSON API, version 1: the summary of a unit, and the API's own description."""

from __future__ import annotations

from typing import Any

from flask import Blueprint

from domain.errors import UnitNotFoundError
from web.auth import login_required, require_unit
from web.deps import unit_code, zhucun
from web.openapi import openapi_document

bp = Blueprint("api", __name__, url_prefix="/api/v1")


@bp.get("/summary/<code>")
@login_required
def summary(code: str) -> dict[str, Any]:
    code = unit_code(code, field="code")
    require_unit(code, field="code")
    result = zhucun().summary(code)
    if result is None:
        raise UnitNotFoundError(code, field="code")
    return result


@bp.get("/openapi.json")
def openapi() -> dict[str, Any]:
    return openapi_document()
