"""Reading a command's arguments: each value is normalised once, checked against its definition
(domain/fields.py), and only then handed to the command; each refusal names the field by its
label and says why, in zh and en.

Normalising means: text is put in Unicode NFC with line breaks as ``\\n`` and trimmed; codes
may be written with full-width digits, which become ASCII; ids become canonical UUIDs; enum
values are trimmed and lower-cased. A value that does not read as its kind is refused, never
passed on. Codes and ids that name something recorded are then shown to the jurisdiction
check (app/jurisdiction.py) as the very values the command will use.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Callable
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any, TypeVar
from uuid import UUID

from domain.errors import InvalidInputError
from domain.fields import (
    CITED_MAX,
    MONEY_MAX_FEN,
    POSITION_MAX,
    Field,
    field,
    first_refused_character,
    voucher_number,
)
from domain.ledger.money import fen_of_yuan

E = TypeVar("E", bound=StrEnum)

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


class Args:
    def __init__(self, raw: Any, check: ReferenceCheck | None = None) -> None:
        if raw is None:
            raw = {}
        if not isinstance(raw, dict):
            raise InvalidInputError("args", "args 应为一个对象", "args must be a JSON object")
        self._raw: dict[str, Any] = raw
        self._used: set[str] = set()
        self._check = check

    def _get(self, name: str, required: bool) -> Any:
        self._used.add(name)
        value = self._raw.get(name)
        if is_blank(value):
            if required:
                raise refuse(name, "为必填项", "is required")
            return None
        return value

    def _refer(self, name: str, value: Any) -> None:
        if self._check is not None:
            self._check(name, value)

    def text(self, name: str, spec: Field | None = None) -> str:
        return clean_text(name, self._get(name, True), spec)

    def opt_text(self, name: str, default: str = "", spec: Field | None = None) -> str:
        value = self._get(name, False)
        if value is None:
            return default
        return clean_text(name, value, spec)

    def code(self, name: str) -> str:
        """A unit code: ASCII digits after normalising, 6, 9, 12 or 15 of them."""
        value = self._get(name, True)
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            raise refuse(name, "应为文字（由数字组成的区划代码）", "must be a string of digits")
        code = value.strip().translate(FULL_WIDTH_DIGITS)
        if not (code.isascii() and code.isdigit() and len(code) in (6, 9, 12, 15)):
            raise refuse(
                name,
                "应为 6、9、12 或 15 位数字组成的区划代码",
                "must be a division code of 6, 9, 12 or 15 digits",
            )
        self._refer(name, code)
        return code

    def _left_out(self, name: str) -> bool:
        """Whether the optional argument ``name`` is absent or blank (it then counts as read)."""
        if is_blank(self._raw.get(name)):
            self._used.add(name)
            return True
        return False

    def opt_code(self, name: str) -> str | None:
        return None if self._left_out(name) else self.code(name)

    def left_out(self, name: str) -> bool:
        """Whether the optional argument ``name`` is absent or blank."""
        return self._left_out(name)

    def integer(self, name: str, minimum: int = INT32_MIN, maximum: int = INT32_MAX) -> int:
        value = self._get(name, True)
        if isinstance(value, bool) or not isinstance(value, int):
            raise refuse(name, "应为整数", "must be a whole number")
        if not minimum <= value <= maximum:
            raise refuse(
                name,
                f"应在 {minimum} 至 {maximum} 之间",
                f"must be between {minimum} and {maximum}",
            )
        return value

    def opt_integer(self, name: str, minimum: int, maximum: int, default: int = 0) -> int:
        return default if self._left_out(name) else self.integer(name, minimum, maximum)

    def money(self, name: str) -> int:
        """An amount in yuan, at least 0 and with at most two decimals (a JSON number, or
        digits as text: ``"12345.60"``), as whole fen (ADR 023)."""
        value = self._get(name, True)
        if isinstance(value, str):
            value = value.strip().replace(",", "").replace("，", "").translate(FULL_WIDTH_DIGITS)
        elif isinstance(value, bool) or not isinstance(value, int | float):
            value = None
        try:
            # A JSON number read as a float keeps its shortest decimal form in ``repr``.
            amount = Decimal(repr(value) if isinstance(value, float) else str(value))
            if value is None or not amount.is_finite():
                raise InvalidOperation(value)
        except InvalidOperation:
            raise refuse(
                name, "应为金额（元），例如 12345.67", "must be an amount in yuan, e.g. 12345.67"
            ) from None
        if amount != amount.quantize(Decimal("0.01")):
            raise refuse(name, "最多保留两位小数（到分）", "has more than two decimals (fen)")
        most = Decimal(MONEY_MAX_FEN) / 100
        if not 0 <= amount <= most:
            raise refuse(
                name, f"应在 0 至 {most:.0f} 元之间", f"must be between 0 and {most:.0f} yuan"
            )
        return fen_of_yuan(amount)

    def uuids(self, name: str) -> list[UUID]:
        """An optional list of ids, each read as ``uuid`` reads one; an id given twice counts
        once, in the order first given."""
        value = self._get(name, False)
        if value is None:
            return []
        if not isinstance(value, list):
            raise refuse(name, "应为编号的列表", "must be a list of ids")
        if len(value) > CITED_MAX:
            raise refuse(name, f"最多 {CITED_MAX} 个", f"holds at most {CITED_MAX} ids")
        found: list[UUID] = []
        for item in value:
            if not isinstance(item, str):
                raise refuse(name, "应为编号（文字）的列表", "must be a list of ids (strings)")
            try:
                parsed = _ascii_uuid(item)
            except ValueError:
                bad = item.strip()[:40]
                raise refuse(
                    name, f"中有无效的编号 {bad!r}", f"holds an invalid id {bad!r}"
                ) from None
            if parsed not in found:
                self._refer(name, parsed)
                found.append(parsed)
        return found

    def enums(self, name: str, kind: type[E]) -> list[E]:
        """An optional list of values of ``kind``; one given twice counts once."""
        value = self._get(name, False)
        if value is None:
            return []
        allowed = ", ".join(m.value for m in kind)
        if not isinstance(value, list):
            raise refuse(
                name, f"应为列表，每项为以下之一：{allowed}", f"must be a list of: {allowed}"
            )
        found: list[E] = []
        for item in value:
            try:
                if not isinstance(item, str):
                    raise ValueError(item)
                parsed = kind(item.strip().lower())
            except ValueError:
                raise refuse(
                    name, f"每项应为以下之一：{allowed}", f"each must be one of: {allowed}"
                ) from None
            if parsed not in found:
                found.append(parsed)
        return found

    def objects(
        self,
        name: str,
        most: int,
        required: bool = True,
        keys: tuple[str, ...] = (),
        noun: str = "item",
    ) -> list[dict[str, Any]]:
        """A list of JSON objects (each read further by the command), at most ``most``; with
        ``keys``, each object has exactly those keys, none blank (a refusal names the
        ``noun`` by its number: "item 2 has no text")."""
        value = self._get(name, required)
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise refuse(name, "应为对象的列表", "must be a list of objects")
        if len(value) > most:
            raise refuse(name, f"最多 {most} 项", f"holds at most {most} items")
        for n, raw in enumerate(value, 1):
            unknown = ", ".join(sorted(set(raw) - set(keys))) if keys else ""
            if unknown:
                raise refuse(
                    name,
                    f"第 {n} 项有未知的键：{unknown}",
                    f"{noun} {n} has unknown key(s): {unknown}",
                )
            for part in keys:
                if is_blank(raw.get(part)):
                    raise refuse(name, f"第 {n} 项缺少 {part}", f"{noun} {n} has no {part}")
        return value

    def mapping(self, name: str) -> dict[str, Any]:
        """A JSON object, read further by the command (a rule set's document)."""
        value = self._get(name, True)
        if not isinstance(value, dict):
            raise refuse(name, "应为一个对象", "must be a JSON object")
        return value

    def number(self, name: str) -> float | None:
        """An optional number; its range is the domain's rule."""
        value = self._get(name, False)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise refuse(name, "应为数字，例如 41.3", "must be a number, e.g. 41.3")
        try:
            number = float(value)
        except OverflowError:
            number = math.inf
        return number  # NaN and infinities fail the domain's range, by the field's label

    def position(self, name: str) -> int:
        """A position in the log, which names the record it holds."""
        value = self.integer(name, 0, POSITION_MAX)
        self._refer(name, value)
        return value

    def uuid(self, name: str) -> UUID:
        value = self._get(name, True)
        if not isinstance(value, str):
            raise refuse(name, "应为文字（编号）", "must be a string (an id)")
        try:
            parsed = _ascii_uuid(value)
        except ValueError:
            raise refuse(name, "不是有效的编号", "is not a valid id") from None
        self._refer(name, parsed)
        return parsed

    def opt_uuid(self, name: str) -> UUID | None:
        return None if self._left_out(name) else self.uuid(name)

    def enum(self, name: str, kind: type[E], spec: Field | None = None) -> E:
        value = self._get(name, True)
        allowed = ", ".join(m.value for m in kind)
        if not isinstance(value, str):
            raise refuse(name, f"应为以下之一：{allowed}", f"must be one of: {allowed}", spec)
        try:
            return kind(value.strip().lower())
        except ValueError:
            raise refuse(
                name, f"应为以下之一：{allowed}", f"must be one of: {allowed}", spec
            ) from None

    def voucher(self, name: str) -> str:
        """A voucher number, as it is kept and compared (``voucher_number``: full-width as
        half-width, spaces collapsed, upper case), within its length."""
        spec = field(name)
        kept = voucher_number(clean_text(name, self._get(name, True), spec))
        if len(kept) > spec.max_length:
            raise refuse(
                name,
                f"不能超过 {spec.max_length} 个字，实为 {len(kept)} 个",
                f"must be at most {spec.max_length} characters, not {len(kept)}",
            )
        return kept

    def opt_enum(self, name: str, kind: type[E]) -> E | None:
        """As ``enum``; None when not given."""
        if is_blank(self._raw.get(name)):
            self._used.add(name)
            return None
        return self.enum(name, kind)

    def boolean(self, name: str, required: bool) -> bool | None:
        value = self._get(name, required)
        if value is not None and not isinstance(value, bool):
            raise refuse(name, "应为 true 或 false", "must be true or false")
        return value

    def day(self, name: str) -> date:
        return parse_date(self._get(name, True), name)

    def opt_day(self, name: str) -> date | None:
        value = self._get(name, False)
        return None if value is None else parse_date(value, name)

    def finish(self) -> None:
        unknown = sorted(set(self._raw) - self._used)
        if unknown:
            names = ", ".join(unknown)
            raise InvalidInputError(
                unknown[0], f"未知参数：{names}", f"unknown argument(s): {names}"
            )


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


def _ascii_uuid(value: str) -> UUID:
    """``value`` as an id, stripped; a ValueError unless it is one in ASCII (UUID() would
    take other digits)."""
    text = value.strip()
    if not text.isascii():
        raise ValueError(text)
    return UUID(text)
