"""The command line's option values, read and refused in Chinese and English.

click's own types (``IntRange``, ``Choice``, ``DateTime``, ``Path(exists=True)``) refuse in
English only, and some of them read more than they say: ``int`` takes full-width digits
and padded zeros. Each type here strips the spaces around the text once, then checks exactly
the value the command will use, and names the option by its label in both languages.
A default given as the value itself (not as text) is taken as it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import click

NOTHING_WRITTEN = "未写入任何内容 / nothing was written"


class BadValue(click.BadParameter):
    """click's refusal of a value, its opening words in both languages too; raised by the
    types below, and by commands that read an option's value themselves."""

    def format_message(self) -> str:
        hint = self.param_hint
        if hint is None and self.param is not None:
            hint = self.param.get_error_hint(self.ctx)
        if not hint:
            return f"值无效 / invalid value: {self.message}"
        return f"{hint} 的值无效 / invalid value for {hint}: {self.message}"


class _Bilingual(click.ParamType[Any, Any]):
    def __init__(self, label_zh: str, label_en: str) -> None:
        self.label_zh, self.label_en = label_zh, label_en

    def refuse(self, zh: str, en: str, param: Any, ctx: Any) -> Any:
        message = f"{zh}（{self.label_zh}）/ {en} ({self.label_en}); {NOTHING_WRITTEN}"
        raise BadValue(message, ctx, param)


class _Ranged(_Bilingual):
    """A number from ``low`` to ``high``, read from its text by ``read`` (None: not one)."""

    kind_zh = kind_en = ""

    def __init__(self, label_zh: str, label_en: str, low: float, high: float) -> None:
        super().__init__(label_zh, label_en)
        self.low, self.high = low, high

    def read(self, text: str) -> Any:
        raise NotImplementedError

    def convert(self, value: Any, param: Any, ctx: Any) -> Any:
        if isinstance(value, int | float):
            return value
        number = self.read(str(value).strip())
        if number is None or not self.low <= number <= self.high:  # NaN is in no range
            self.refuse(
                f"{value!r} 不是 {self.low} 到 {self.high} 之间的{self.kind_zh}",
                f"{value!r} is not {self.kind_en} from {self.low} to {self.high}",
                param,
                ctx,
            )
        return number


class WholeNumber(_Ranged):
    """A whole number, written in ASCII digits without padding."""

    name, kind_zh, kind_en = "integer", "整数", "a whole number"

    def read(self, text: str) -> int | None:
        # 30 digits are more than any option takes, and fewer than int()'s limit of 4,300
        if not (text.isascii() and text.lstrip("+-").isdigit() and len(text) <= 30):
            return None
        number = int(text)
        return number if str(number) == text.lstrip("+") else None


class Seconds(_Ranged):
    """A number of seconds, in ASCII digits (a decimal point allowed)."""

    name, kind_zh, kind_en = "seconds", "秒数", "a number of seconds"

    def read(self, text: str) -> float | None:
        digits = text.replace(".", "", 1)
        return float(text) if text.isascii() and digits.isdigit() else None


class OneOf(_Bilingual):
    """One of the given words, exactly as written (after the spaces around it)."""

    name = "choice"

    def __init__(self, label_zh: str, label_en: str, choices: Sequence[str]) -> None:
        super().__init__(label_zh, label_en)
        self.choices = tuple(choices)

    def get_metavar(self, param: Any, ctx: Any = None) -> str:
        return "[" + "|".join(self.choices) + "]"

    def convert(self, value: Any, param: Any, ctx: Any) -> str:
        text = str(value).strip()
        if text not in self.choices:
            words = "、".join(self.choices)
            self.refuse(
                f"{value!r} 不是以下之一：{words}",
                f"{value!r} is not one of: {', '.join(self.choices)}",
                param,
                ctx,
            )
        return text


class Day(_Bilingual):
    """A day written YYYY-MM-DD, given to the command as midnight of that day."""

    name = "date"

    def convert(self, value: Any, param: Any, ctx: Any) -> datetime:
        if isinstance(value, datetime):
            return value
        text = str(value).strip()
        try:
            day = date.fromisoformat(text) if len(text) == 10 and text.isascii() else None
        except ValueError:
            day = None
        if day is None:
            self.refuse(
                f"{value!r} 不是日期（年-月-日，如 2014-12-31）",
                f"{value!r} is not a day written YYYY-MM-DD",
                param,
                ctx,
            )
        return datetime.combine(day, datetime.min.time())  # type: ignore[arg-type]


class ExistingFile(_Bilingual):
    """The path of a file that exists (not a folder)."""

    name = "file"

    def convert(self, value: Any, param: Any, ctx: Any) -> Path:
        path = Path(value)
        if not path.is_file():
            self.refuse(f"找不到文件 {str(value)!r}", f"no file {str(value)!r}", param, ctx)
        return path
