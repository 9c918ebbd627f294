"""Normalising a command's values: each value is normalised once, checked against its
definition (domain/fields.py), and only then handed to the command; each refusal names the
field by its label and says why, in zh and en. The arguments each command takes are its model
in app/schemas.py, which reads each value with these.

Normalising means: text is put in Unicode NFC with line breaks as ``\\n`` and trimmed; codes
may be written with full-width digits, which become ASCII; ids become canonical UUIDs; enum
values are trimmed and lower-cased. A value that does not read as its kind is refused, never
passed on. Codes and ids that name something recorded are then shown to the jurisdiction
check (app/jurisdiction.py) as the very values the command will use.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import date
from typing import Any
from uuid import UUID

from domain.errors import InvalidInputError
from domain.fields import (
    Field,
    field,
    first_refused_character,
)

# Shown each code and id a command names, after normalising (app/jurisdiction.py).
ReferenceCheck = Callable[[str, Any], None]

FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2199, 12, 31)


def refuse(name: str, zh: str, en: str, spec: Field | None = None) -> InvalidInputError:
    """A refusal of argument ``name``: ``zh`` and ``en`` follow the field's label."""
    spec = spec or field(name)
    return InvalidInputError(
        name, f"{spec.label(name, 'zh')}{zh}", f"{spec.label(name, 'en')} {en}"
    )


def clean_text(name: str, value: Any, spec: Field | None = None) -> str:
    """A text value as it will be stored: NFC, ``\\n`` line breaks, trimmed, within its
    length, without characters no text may hold."""
    spec = spec or field(name)
    if not isinstance(value, str):
        raise refuse(name, "应为文字", "must be a string", spec)
    text = unicodedata.normalize("NFC", value.replace("\r\n", "\n").replace("\r", "\n")).strip()
    bad = first_refused_character(text, spec.multiline)
    if bad is not None:
        raise refuse(
            name,
            f"含有不允许的字符 U+{ord(bad):04X}",
            f"holds a character that is not allowed: U+{ord(bad):04X}",
            spec,
        )
    if len(text) > spec.max_length:
        raise refuse(
            name,
            f"不能超过 {spec.max_length} 个字，实为 {len(text)} 个",
            f"must be at most {spec.max_length} characters, not {len(text)}",
            spec,
        )
    return text


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def parse_date(value: Any, name: str = "occurred_on") -> date:
    """A day written YYYY-MM-DD, from 1900 to 2199."""
    if not isinstance(value, str):
        raise refuse(name, "应为日期文字 YYYY-MM-DD", "must be a date string YYYY-MM-DD")
    text = value.strip()
    try:
        if not (text.isascii() and len(text) == 10):
            raise ValueError(text)
        day = date.fromisoformat(text)
    except ValueError:
        raise refuse(
            name,
            f"不是有效日期：{text[:40]!r}（应为 YYYY-MM-DD）",
            f"is not a valid date: {text[:40]!r} (expected YYYY-MM-DD)",
        ) from None
    if not FIRST_DAY <= day <= LAST_DAY:
        raise refuse(
            name,
            f"应在 {FIRST_DAY} 至 {LAST_DAY} 之间",
            f"must be between {FIRST_DAY} and {LAST_DAY}",
        )
    return day


def invalid_day(name: str, text: str) -> InvalidInputError:
    """The one refusal of a day that is not written YYYY-MM-DD (or is no day at all)."""
    return InvalidInputError(
        name,
        f"日期 {text[:40]!r} 不对：应为 YYYY-MM-DD，如 2014-12-31",
        f"date {text[:40]!r} is invalid: YYYY-MM-DD expected, e.g. 2014-12-31",
    )


_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def typed_day(name: str, value: str | None) -> date | None:
    """A day as a person types it in a form or an address: full-width digits and dashes
    folded (NFKC), spaces around it dropped, then exactly YYYY-MM-DD; None when blank."""
    text = unicodedata.normalize("NFKC", value or "").strip()
    if not text:
        return None
    try:
        if not _DAY.fullmatch(text):
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        raise invalid_day(name, text) from None


def read_id(name: str, value: str) -> UUID:
    """An id as typed on the command line or in an address: surrounding blanks ignored, any
    case; refused by ``name`` when it is no id at all."""
    try:
        return UUID(value.strip())
    except ValueError:
        raise InvalidInputError(
            name, f"{name} {value!r} 不是有效编号", f"{name} {value!r} is not a valid id"
        ) from None


def ascii_uuid(value: str) -> UUID:
    """``value`` as an id, stripped; a ValueError unless it is one in ASCII (UUID() would
    take other digits)."""
    text = value.strip()
    if not text.isascii():
        raise ValueError(text)
    return UUID(text)
