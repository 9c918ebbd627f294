"""The audit log page's filters, read once from a request (the page's address or the export
form) and checked: each value normalised as the rest of the web reads it (codes with
full-width digits, text trimmed), each bad value named beside its field in the page's
language, and the unit and team held to the account's jurisdiction (a unit or team outside
it is refused and recorded, as everywhere else).

The scope is always inside the jurisdiction: the unit asked for, else the account's own
unit; only an account whose unit holds every unit of the store sees the whole log by
default, with what no unit holds (accounts, logins, reads and exports)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any
from uuid import UUID

from werkzeug.datastructures import MultiDict

from app.args import FULL_WIDTH_DIGITS, typed_day
from app.audit.entries import AuditFilter
from app.audit.export import DEFAULT_REASON
from app.audit.people import holds_every_unit
from app.describe import WORDS
from domain.account_errors import OutsideJurisdictionError, RoleNotAllowedError
from domain.errors import InvalidInputError, ZhucunError
from domain.fields import LONG_TEXT_MAX, PERSON_NAME_MAX
from web.auth import principal, require_unit
from web.deps import unit_code, zhucun
from web.errors import status_of
from web.i18n import current_language
from web.teams import team_in_reach

# The fields of the form, as they appear in the page's address.
TEXTS = ("unit", "team", "person", "type", "from", "to", "recorded_from", "recorded_to")
FLAGS = ("backdated", "corrections")
PAGE_MAX = 10**9
ON = ("1", "on")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass
class Asked:
    """The filters as asked and as understood."""

    filter: AuditFilter
    values: dict[str, str]  # the form's fields, normalised, for the form and the links
    errors: dict[str, str] = field(default_factory=dict)  # field -> message, page's language
    status: int = 200  # of the first refusal, when there are errors
    unit: str | None = None  # the scope's unit; None: the whole log
    team_name: str = ""
    page: int = 1
    reason: str = DEFAULT_REASON

    def args(self, **changed: Any) -> dict[str, str]:
        """The address's arguments for these filters (a link to another page of them)."""
        out = {k: v for k, v in self.values.items() if v and k != "reason"}
        out.update({k: str(v) for k, v in changed.items() if v is not None})
        return out


def read_filters(source: MultiDict[str, str], size: int) -> Asked:
    """Read the filters and the page from ``source``; refusals beside their fields, but a
    unit or team outside the jurisdiction is refused outright (403, recorded)."""
    who = principal()
    assert who is not None
    z = zhucun()
    values = {k: source.get(k, "").strip() for k in TEXTS}
    values.update({k: "1" if source.get(k, "").strip() in ON else "" for k in FLAGS})
    errors: dict[str, ZhucunError] = {}
    found: dict[str, Any] = {}

    def check(name: str, read: Any) -> None:
        try:
            found[name] = read(values[name])
        except (OutsideJurisdictionError, RoleNotAllowedError):
            raise  # recorded already: the refusal page, as everywhere
        except ZhucunError as e:
            errors[name] = e

    for name in FLAGS:
        given = source.get(name, "").strip()
        if given and given not in ON:
            errors[name] = InvalidInputError(
                name, f"{given!r} 不对：勾选或不勾选", f"{given!r} is invalid: ticked or not"
            )
    check("unit", _unit)
    if found.get("unit"):
        values["unit"] = found["unit"]
    check("team", _team)
    if found.get("team"):
        values["team"] = found["team"]["team_id"]
    check("person", person_filter)
    check("type", type_filter)
    for name in ("from", "to", "recorded_from", "recorded_to"):
        check(name, lambda text, name=name: typed_day(name, text))
    for start, end in (("from", "to"), ("recorded_from", "recorded_to")):
        if found.get(start) and found.get(end) and found[start] > found[end]:
            errors[end] = InvalidInputError(
                end,
                f"结束日期 {found[end]} 早于开始日期 {found[start]}",
                f"the last day {found[end]} is before the first day {found[start]}",
            )
    page = _page(source.get("page", "").strip(), errors)
    values["reason"] = source.get("reason", "").strip()
    reason = _reason(values["reason"], errors)
    unit = found.get("unit")
    if unit is None and not holds_every_unit(z.engine, who.unit_code):
        unit = who.unit_code
    team = found.get("team") or {}
    f = AuditFilter(
        unit=unit,
        team=UUID(team["team_id"]) if team else None,
        person=found.get("person") or None,
        event=found.get("type") or None,
        occurred_from=found.get("from"),
        occurred_to=found.get("to"),
        recorded_from=found.get("recorded_from"),
        recorded_to=found.get("recorded_to"),
        backdated_only=values["backdated"] == "1",
        corrections_only=values["corrections"] == "1",
        backdated_days=z.rules.backdated_after_days,
    )
    lang = current_language()
    first = next(iter(errors.values()), None)
    return Asked(
        filter=replace(f, limit=size, page=page),
        values=values,
        errors={k: e.message(lang) for k, e in errors.items()},
        status=status_of(first)[0] if first is not None else 200,
        unit=unit,
        team_name=team.get("name", ""),
        page=page,
        reason=reason,
    )


def _unit(text: str) -> str | None:
    """A unit code inside the jurisdiction (refused and recorded outside it)."""
    if not text:
        return None
    code = unit_code(text)
    require_unit(code)
    return code


def _team(text: str) -> dict[str, Any] | None:
    if not text:
        return None
    try:
        key = UUID(text)
    except ValueError:
        raise InvalidInputError(
            "team", f"{text!r} 不是工作队编号", f"{text!r} is not a team's id"
        ) from None
    return team_in_reach(str(key))


def person_filter(text: str) -> str | None:
    if len(text) > PERSON_NAME_MAX:
        raise InvalidInputError(
            "person",
            f"姓名或编号最长 {PERSON_NAME_MAX} 个字符",
            f"a name or an id has at most {PERSON_NAME_MAX} characters",
        )
    return text or None


def type_filter(text: str) -> str | None:
    if text and text not in WORDS:
        raise InvalidInputError(
            "type", f"没有 {text!r} 这类事项", f"there is no kind of entry {text!r}"
        )
    return text or None


def _page(text: str, errors: dict[str, ZhucunError]) -> int:
    if not text:
        return 1
    plain = text.translate(FULL_WIDTH_DIGITS)
    if plain.isascii() and plain.isdigit() and 1 <= int(plain) <= PAGE_MAX:
        return int(plain)
    errors["page"] = InvalidInputError(
        "page", f"页码 {text!r} 不对：应为正整数", f"page {text!r} is invalid: a whole number"
    )
    return 1


def _reason(text: str, errors: dict[str, ZhucunError]) -> str:
    try:
        return export_reason(text)
    except InvalidInputError as e:
        errors["reason"] = e
        return DEFAULT_REASON


def export_reason(text: str) -> str:
    """An export's reason, stripped (the default when none is given), or a refusal naming
    the field: for the page and the API alike."""
    reason = text.strip()
    if len(reason) > LONG_TEXT_MAX:
        raise InvalidInputError(
            "reason",
            f"事由最长 {LONG_TEXT_MAX} 个字符",
            f"a reason has at most {LONG_TEXT_MAX} characters",
        )
    return reason or DEFAULT_REASON
