"""What every read of the JSON API reads from its address the same way: the two clocks
(``as_of``, ``as_known_at``) and the codes and ids it names, each checked against the
account's jurisdiction before anything is read (web/auth.py)."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from uuid import UUID

from flask import request

from app.args import read_id
from app.store.clock import CHINA_TZ
from domain.errors import InvalidInputError, NotFoundError
from web.auth import require_unit
from web.deps import unit_code

# As the description says (web/openapi.py): ASCII digits only, nothing around them.
CODE = re.compile(r"[0-9]{6,15}")
DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
MOMENT = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}(:[0-9]{2})?(Z|[+-][0-9]{2}:[0-9]{2})?)?"
)

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


def as_of(today: date) -> date | None:
    """``?as_of=YYYY-MM-DD``: a day from 1900-01-01 to today."""
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


def code_in_reach(text: str, field: str = "code") -> str:
    """A unit code of an address, held to the jurisdiction first: another jurisdiction's code
    is refused (403, recorded) however it is written (padded, full-width digits); one inside
    it must then be written as the description says, ASCII digits only (400 otherwise)."""
    code = unit_code(text, field=field)
    require_unit(code, field=field)
    if not CODE.fullmatch(text):
        raise InvalidInputError(
            field,
            f"区划代码 {text!r} 不对：应为 6 至 15 位半角数字，前后无空白",
            f"unit code {text!r} is invalid: 6 to 15 ASCII digits, nothing around them",
        )
    return code


ID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def plain_id(text: str, field: str) -> None:
    """After the jurisdiction's check: an id written as the description says (a UUID's 36
    characters, in either case, nothing around them), 400 otherwise."""
    if not ID.fullmatch(text):
        raise InvalidInputError(
            field,
            f"{field} {text!r} 不对：应为 36 个字符的编号，前后无空白",
            f"{field} {text!r} is invalid: an id of 36 characters, nothing around it",
        )


def uuid_of(text: str, field: str) -> UUID:
    """An id of an address, read as the pages read it (surrounding blanks ignored, any case)
    so that the jurisdiction's check comes first; 400 when it is no id at all."""
    return read_id(field, text)
