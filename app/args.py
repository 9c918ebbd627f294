"""Reading a command's arguments: each refusal names the field and says why, in zh and en."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any, TypeVar
from uuid import UUID

from domain.errors import InvalidInputError

E = TypeVar("E", bound=StrEnum)


class Args:
    def __init__(self, raw: Any) -> None:
        if raw is None:
            raw = {}
        if not isinstance(raw, dict):
            raise InvalidInputError("args", "args 应为一个对象", "args must be a JSON object")
        self._raw: dict[str, Any] = raw
        self._used: set[str] = set()

    def _get(self, name: str, required: bool) -> Any:
        self._used.add(name)
        value = self._raw.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                raise InvalidInputError(name, f"缺少 {name}", f"{name} is required")
            return None
        return value

    def text(self, name: str) -> str:
        value = self._get(name, True)
        if not isinstance(value, str):
            raise InvalidInputError(name, f"{name} 应为文字", f"{name} must be a string")
        return value.strip()

    def opt_text(self, name: str, default: str = "") -> str:
        value = self._get(name, False)
        if value is None:
            return default
        if not isinstance(value, str):
            raise InvalidInputError(name, f"{name} 应为文字", f"{name} must be a string")
        return value.strip()

    def code(self, name: str) -> str:
        value = self._get(name, True)
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str) or not value.strip().isdigit():
            raise InvalidInputError(
                name, f"{name} 应为数字组成的区划代码", f"{name} must be a code made of digits"
            )
        return value.strip()

    def opt_code(self, name: str) -> str | None:
        if self._raw.get(name) in (None, ""):
            self._used.add(name)
            return None
        return self.code(name)

    def integer(self, name: str) -> int:
        value = self._get(name, True)
        if isinstance(value, bool) or not isinstance(value, int):
            raise InvalidInputError(name, f"{name} 应为整数", f"{name} must be a whole number")
        return value

    def uuid(self, name: str) -> UUID:
        value = self._get(name, True)
        try:
            return UUID(str(value))
        except ValueError:
            raise InvalidInputError(
                name, f"{name} 不是有效的编号：{value!r}", f"{name} is not a valid id: {value!r}"
            ) from None

    def opt_uuid(self, name: str) -> UUID | None:
        if self._raw.get(name) in (None, ""):
            self._used.add(name)
            return None
        return self.uuid(name)

    def enum(self, name: str, kind: type[E]) -> E:
        value = self._get(name, True)
        try:
            return kind(value)
        except ValueError:
            allowed = ", ".join(m.value for m in kind)
            raise InvalidInputError(
                name, f"{name} 应为以下之一：{allowed}", f"{name} must be one of: {allowed}"
            ) from None

    def finish(self) -> None:
        unknown = sorted(set(self._raw) - self._used)
        if unknown:
            names = ", ".join(unknown)
            raise InvalidInputError(
                unknown[0], f"未知参数：{names}", f"unknown argument(s): {names}"
            )


def parse_date(value: Any, field: str = "occurred_on") -> date:
    if not isinstance(value, str):
        raise InvalidInputError(
            field, f"{field} 应为日期 YYYY-MM-DD", f"{field} must be a date YYYY-MM-DD"
        )
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInputError(
            field,
            f"{field} 不是有效日期：{value!r}（应为 YYYY-MM-DD）",
            f"{field} is not a valid date: {value!r} (expected YYYY-MM-DD)",
        ) from None
