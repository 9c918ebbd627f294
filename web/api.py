"""The JSON API, version 1: the summary of a unit, and the API's own description."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import Any

from flask import Blueprint, request

from app.store.clock import CHINA_TZ
from domain.errors import InvalidInputError, NotFoundError, UnitNotFoundError
from web.auth import login_required, require_unit
from web.deps import unit_code, zhucun
from web.openapi import openapi_document

# As the description says (web/openapi.py): ASCII digits only, nothing around them.
CODE = re.compile(r"[0-9]{6,15}")
DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
MOMENT = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}(:[0-9]{2})?(Z|[+-][0-9]{2}:[0-9]{2})?)?"
)

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
    result = z.summary(code, _as_of(z.today()), as_known_at(z.today()))
    if result is None:
        raise UnitNotFoundError(code, field="code")
    return {**result, "freshness": z.freshness()}


# The clocks' bounds, as on the command line (app/cli/common.py): no day before 1900, no
# moment before 1970, nothing after today (Beijing). A value of the wrong form is invalid
# input (400); one of the right form that is no such day, or one the network is not known on,
# finds nothing (404), as the description says.
FIRST_DAY = date(1900, 1, 1)
FIRST_MOMENT = datetime(1970, 1, 1, tzinfo=CHINA_TZ)


def _clock_text(name: str, form: re.Pattern[str], shown: str) -> str | None:
    text = request.args.get(name)
    if text is not None and not form.fullmatch(text):
        raise InvalidInputError(
            name,
            f"{name} {text!r} 不对：应为 {shown}",
            f"{name} {text!r} is invalid: {shown} expected",
        )
    return text


def _unknown(name: str, text: str, bounds: str) -> NotFoundError:
    return NotFoundError(
        name,
        f"{name} {text}：没有这一天或这一刻的情况（{bounds}）",
        f"{name} {text}: nothing is known of that day or moment ({bounds})",
    )


def _as_of(today: date) -> date | None:
    text = _clock_text("as_of", DAY, "YYYY-MM-DD")
    if text is None:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        day = None
    if day is None or not FIRST_DAY <= day <= today:
        raise _unknown("as_of", text, f"{FIRST_DAY} – {today}")
    return day


def as_known_at(today: date) -> datetime | None:
    """A moment (Beijing time unless a zone is given; a date alone: the end of that day)."""
    text = _clock_text("as_known_at", MOMENT, "YYYY-MM-DD[THH:MM[:SS][+08:00]]")
    if text is None:
        return None
    moment: datetime | None
    try:
        if DAY.fullmatch(text):
            moment = datetime.combine(date.fromisoformat(text), time.max)
        else:
            moment = datetime.fromisoformat(text)
        moment = moment if moment.tzinfo else moment.replace(tzinfo=CHINA_TZ)
        if moment < FIRST_MOMENT or moment.astimezone(CHINA_TZ).date() > today:
            moment = None
    except (ValueError, OverflowError):
        moment = None
    if moment is None:
        raise _unknown("as_known_at", text, f"{FIRST_MOMENT.date()} – {today}")
    return moment


@bp.get("/openapi.json")
def openapi() -> dict[str, Any]:
    return openapi_document()
