"""Each command's arguments, defined once as a typed model (a ``msgspec.Struct``, ADR 039).

A model lists its arguments in the order they are checked; each argument's type carries one
``Arg`` that says what it accepts: whether it is required, its format, its bounds (taken from
domain/fields.py, so that the read models and the commands cannot drift apart) and how its
value is normalised (app/args.py, ADR 019). The same definition gives:

* the reading of a command's arguments on every path (``zhucun apply``, the web's forms):
  ``Model.read(raw, check)``, each refusal a named error in zh and en naming the field by its
  label, the first refusal in the model's order;
* the JSON Schema of each command (``command_json_schema``);
* ``zhucun commands [--json]`` and the argument tables of docs/commands.md
  (``describe_arguments``; ``python -m app.cli.reference``).

An argument left out, ``null`` or blank is absent: refused when required, else its default.
Codes and ids that name something recorded are shown to the jurisdiction check
(app/jurisdiction.py) as the very values the command will use.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Self, get_type_hints
from uuid import UUID

import msgspec

from app.args import (
    FIRST_DAY,
    FULL_WIDTH_DIGITS,
    INT32_MAX,
    INT32_MIN,
    LAST_DAY,
    ReferenceCheck,
    ascii_uuid,
    clean_text,
    is_blank,
    parse_date,
    refuse,
)
from domain.errors import InvalidInputError
from domain.fields import CITED_MAX, MONEY_MAX_FEN, POSITION_MAX, Field, field, voucher_number
from domain.identity import validate_identity_number
from domain.ledger.money import fen_of_yuan
from domain.levels import Level

# ``Read`` is typing's ``Annotated`` to the type checker, imported; listing it here exports it
# (every name defined here is exported anyway).
__all__ = ["Read"]

UNIT_CODE_LENGTHS = (6, 9, 12, 15)  # county and up, township, village, villager group


class Arg:
    """What one argument accepts. ``read`` gets a value that is present and not blank;
    ``spec`` overrides the label and bounds the argument's name has in domain/fields.py."""

    kind = "text"  # as ``zhucun commands`` shows it
    refers = False  # names something recorded: shown to the jurisdiction check

    def __init__(self, required: bool = True, default: Any = None, spec: Field | None = None):
        self.required = required
        self.default = default
        self.spec = spec

    def take(self, name: str, value: Any) -> Any:
        """The value the command will use: its default when absent or blank (refused when
        required), else the value read."""
        if is_blank(value):
            return self.absent(name)
        return self.read(name, value)

    def absent(self, name: str) -> Any:
        """The value of the argument left out or blank: refused when required."""
        if self.required:
            raise refuse(name, "为必填项", "is required", self.spec)
        return list(self.default) if self.default.__class__ is list else self.default

    def read(self, name: str, value: Any) -> Any:
        raise NotImplementedError

    def field(self, name: str) -> Field:
        return self.spec or field(name)

    # -- what the definition says, for the schema and the docs ----------------------------

    def json_schema(self, name: str) -> dict[str, Any]:
        return {"type": "string"}

    def rule(self, name: str, lang: str) -> str:
        """The format and the limits in words."""
        return ""


def _words(zh: str, en: str, lang: str) -> str:
    return zh if lang == "zh" else en


class Code(Arg):
    """A unit code: ASCII digits after normalising (full-width digits are the same), 6, 9, 12
    or 15 of them."""

    kind = "unit code"
    refers = True

    def __init__(self, required: bool = True, level: Level | None = None) -> None:
        super().__init__(required)
        # The level the code must name: its length, for the schema and the docs; a code of
        # another level is refused by the use case, by name (not_a_villager_group, ...).
        self.level = level

    def read(self, name: str, value: Any) -> str:
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            raise refuse(name, "应为文字（由数字组成的区划代码）", "must be a string of digits")
        code = value.strip().translate(FULL_WIDTH_DIGITS)
        if not (code.isascii() and code.isdigit() and len(code) in UNIT_CODE_LENGTHS):
            raise refuse(
                name,
                "应为 6、9、12 或 15 位数字组成的区划代码",
                "must be a division code of 6, 9, 12 or 15 digits",
            )
        return code

    def json_schema(self, name: str) -> dict[str, Any]:
        if self.level is not None:
            return {"type": "string", "pattern": f"^[0-9]{{{self.level.code_length}}}$"}
        return {"type": "string", "pattern": "^([0-9]{6}|[0-9]{9}|[0-9]{12}|[0-9]{15})$"}

    def rule(self, name: str, lang: str) -> str:
        if self.level is not None:
            digits, level = self.level.code_length, self.level
            return _words(
                f"{level.zh}的区划代码：{digits} 位数字",
                f"division code of a {'villager group' if level is Level.GROUP else level}: "
                f"{digits} digits",
                lang,
            )
        return _words(
            "区划代码：6 位（县及以上）、9 位（乡镇）、12 位（村）或 15 位（村民小组）数字",
            "division code: 6 digits (county and up), 9 (township), 12 (village) "
            "or 15 (villager group)",
            lang,
        )


class Text(Arg):
    """Text as it will be stored: NFC, ``\\n`` line breaks, trimmed, within its length,
    without characters no text may hold (app/args.py)."""

    def __init__(
        self,
        required: bool = True,
        default: Any = "",
        spec: Field | None = None,
        then: Callable[[str], Any] | None = None,
    ):
        super().__init__(required, default, spec)
        self.then = then  # reads the clean text further: a file's hash, a gap's type

    def read(self, name: str, value: Any) -> Any:
        text = clean_text(name, value, self.field(name))
        return text if self.then is None else self.then(text)

    def json_schema(self, name: str) -> dict[str, Any]:
        return {"type": "string", "maxLength": self.field(name).max_length}

    def rule(self, name: str, lang: str) -> str:
        spec = self.field(name)
        lines = "，可分行" if spec.multiline else ""
        return _words(
            f"文字，至多 {spec.max_length} 个字{lines}",
            f"text, at most {spec.max_length} characters"
            + (", may span lines" if spec.multiline else ""),
            lang,
        )


class Voucher(Text):
    """A voucher number as it is kept and compared (``voucher_number``), within its length."""

    kind = "voucher number"

    def read(self, name: str, value: Any) -> str:
        spec = self.field(name)
        kept = voucher_number(clean_text(name, value, spec))
        if len(kept) > spec.max_length:
            raise refuse(
                name,
                f"不能超过 {spec.max_length} 个字，实为 {len(kept)} 个",
                f"must be at most {spec.max_length} characters, not {len(kept)}",
            )
        return kept

    def rule(self, name: str, lang: str) -> str:
        most = self.field(name).max_length
        return _words(
            f"凭证号，至多 {most} 个字（全角字符按半角、大写比较）",
            f"voucher number, at most {most} characters (compared half-width, upper case)",
            lang,
        )


class IdentityNumber(Text):
    """A resident identity number (GB 11643): 17 digits and a check digit or X that matches."""

    kind = "identity number"

    def read(self, name: str, value: Any) -> str:
        return validate_identity_number(clean_text(name, value, self.field(name)))

    def json_schema(self, name: str) -> dict[str, Any]:
        return {"type": "string", "maxLength": 18, "pattern": "^[0-9]{17}[0-9Xx]$"}

    def rule(self, name: str, lang: str) -> str:
        return _words(
            "公民身份号码（GB 11643）：18 位，末位为校验码（数字或 X）",
            "resident identity number (GB 11643): 18 characters, the last a check digit or X",
            lang,
        )


class Integer(Arg):
    kind = "integer"

    def __init__(
        self,
        minimum: int = INT32_MIN,
        maximum: int = INT32_MAX,
        required: bool = True,
        default: int | None = 0,
    ):
        super().__init__(required, default)
        self.minimum, self.maximum = minimum, maximum

    def read(self, name: str, value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise refuse(name, "应为整数", "must be a whole number")
        if not self.minimum <= value <= self.maximum:
            raise refuse(
                name,
                f"应在 {self.minimum} 至 {self.maximum} 之间",
                f"must be between {self.minimum} and {self.maximum}",
            )
        return value

    def json_schema(self, name: str) -> dict[str, Any]:
        return {"type": "integer", "minimum": self.minimum, "maximum": self.maximum}

    def rule(self, name: str, lang: str) -> str:
        return _words(
            f"整数，{self.minimum} 至 {self.maximum}",
            f"whole number, {self.minimum} to {self.maximum}",
            lang,
        )


class Position(Integer):
    """A position in the log, which names the record it holds."""

    kind = "log position"
    refers = True

    def __init__(self) -> None:
        super().__init__(0, POSITION_MAX)


class Money(Arg):
    """An amount in yuan, at least 0 and with at most two decimals (a JSON number, or digits
    as text: ``"12345.60"``), as whole fen (ADR 023)."""

    kind = "amount"

    def read(self, name: str, value: Any) -> int:
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

    def json_schema(self, name: str) -> dict[str, Any]:
        most = MONEY_MAX_FEN // 100
        return {
            "oneOf": [
                {"type": "number", "minimum": 0, "maximum": most},
                {"type": "string", "pattern": r"^[0-9,，０-９]+(\.[0-9０-９]{1,2})?$"},
            ]
        }

    def rule(self, name: str, lang: str) -> str:
        most = MONEY_MAX_FEN // 100
        return _words(
            f"金额（元），0 至 {most}，至多两位小数",
            f"amount in yuan, 0 to {most}, at most two decimals",
            lang,
        )


class Number(Arg):
    """A number; its range is the domain's rule (NaN and infinities fail it, by the field's
    label)."""

    kind = "number"

    def read(self, name: str, value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise refuse(name, "应为数字，例如 41.3", "must be a number, e.g. 41.3")
        try:
            return float(value)
        except OverflowError:
            return math.inf

    def json_schema(self, name: str) -> dict[str, Any]:
        return {"type": "number"}

    def rule(self, name: str, lang: str) -> str:
        return _words("数字", "number", lang)


class Id(Arg):
    kind = "id"
    refers = True

    def read(self, name: str, value: Any) -> UUID:
        if not isinstance(value, str):
            raise refuse(name, "应为文字（编号）", "must be a string (an id)")
        try:
            return ascii_uuid(value)
        except ValueError:
            raise refuse(name, "不是有效的编号", "is not a valid id") from None

    def json_schema(self, name: str) -> dict[str, Any]:
        return {"type": "string", "format": "uuid"}

    def rule(self, name: str, lang: str) -> str:
        return _words("编号（UUID）", "id (UUID)", lang)


class Ids(Arg):
    """A list of ids; an id given twice counts once, in the order first given."""

    kind = "ids"
    refers = True

    def __init__(self, required: bool = False) -> None:
        super().__init__(required, [])

    def read(self, name: str, value: Any) -> list[UUID]:
        if not isinstance(value, list):
            raise refuse(name, "应为编号的列表", "must be a list of ids")
        if len(value) > CITED_MAX:
            raise refuse(name, f"最多 {CITED_MAX} 个", f"holds at most {CITED_MAX} ids")
        found: list[UUID] = []
        for item in value:
            if not isinstance(item, str):
                raise refuse(name, "应为编号（文字）的列表", "must be a list of ids (strings)")
            try:
                parsed = ascii_uuid(item)
            except ValueError:
                bad = item.strip()[:40]
                raise refuse(
                    name, f"中有无效的编号 {bad!r}", f"holds an invalid id {bad!r}"
                ) from None
            if parsed not in found:
                found.append(parsed)
        return found

    def json_schema(self, name: str) -> dict[str, Any]:
        return {
            "type": "array",
            "items": {"type": "string", "format": "uuid"},
            "maxItems": CITED_MAX,
        }

    def rule(self, name: str, lang: str) -> str:
        return _words(f"编号的列表，至多 {CITED_MAX} 个", f"list of ids, at most {CITED_MAX}", lang)


def _choices(kind: type[StrEnum]) -> str:
    return ", ".join(m.value for m in kind)


def choice_labels(value: StrEnum) -> dict[str, str]:
    """A value's words: its ``zh`` and its ``en`` (else the value in words)."""
    en = getattr(value, "en", None) or value.value.replace("_", " ")
    return {"zh": getattr(value, "zh", value.value), "en": en}


class Choice(Arg):
    """One value of an enumeration, trimmed and lower-cased."""

    kind = "choice"

    def __init__(
        self, choices: type[StrEnum], required: bool = True, spec: Field | None = None
    ) -> None:
        super().__init__(required, None, spec)
        self.choices = choices
        self.allowed = _choices(choices)

    def read(self, name: str, value: Any) -> StrEnum:
        if isinstance(value, str):
            try:
                return self.choices(value.strip().lower())
            except ValueError:
                pass
        raise refuse(
            name, f"应为以下之一：{self.allowed}", f"must be one of: {self.allowed}", self.spec
        )

    def json_schema(self, name: str) -> dict[str, Any]:
        return {
            "type": "string",
            "enum": [m.value for m in self.choices],
            "x-labels": {m.value: choice_labels(m) for m in self.choices},
        }

    def rule(self, name: str, lang: str) -> str:
        return _words(f"以下之一：{self.labelled('zh')}", f"one of: {self.labelled('en')}", lang)

    def labelled(self, lang: str) -> str:
        """The values, each with its label: ``county（县(区)）``."""
        if lang == "zh":
            return "、".join(f"{m.value}（{choice_labels(m)['zh']}）" for m in self.choices)
        return ", ".join(f"{m.value} ({choice_labels(m)['en']})" for m in self.choices)


class Choices(Choice):
    """A list of values of an enumeration; one given twice counts once."""

    kind = "choices"

    def __init__(self, choices: type[StrEnum], required: bool = False) -> None:
        super().__init__(choices, required)
        self.default = []

    def read(self, name: str, value: Any) -> Any:
        if not isinstance(value, list):
            raise refuse(
                name,
                f"应为列表，每项为以下之一：{self.allowed}",
                f"must be a list of: {self.allowed}",
            )
        found: list[StrEnum] = []
        for item in value:
            try:
                if not isinstance(item, str):
                    raise ValueError(item)
                parsed = self.choices(item.strip().lower())
            except ValueError:
                raise refuse(
                    name,
                    f"每项应为以下之一：{self.allowed}",
                    f"each must be one of: {self.allowed}",
                ) from None
            if parsed not in found:
                found.append(parsed)
        if self.required and not found:
            raise refuse(name, "为必填项", "is required")
        return found

    def json_schema(self, name: str) -> dict[str, Any]:
        schema = {"type": "array", "items": super().json_schema(name)}
        return schema | ({"minItems": 1} if self.required else {})

    def rule(self, name: str, lang: str) -> str:
        return _words(
            f"列表，每项为以下之一：{self.labelled('zh')}",
            f"list, each one of: {self.labelled('en')}",
            lang,
        )


class Day(Arg):
    """A day written YYYY-MM-DD, from 1900 to 2199."""

    kind = "date"

    def read(self, name: str, value: Any) -> date:
        return parse_date(value, name)

    def json_schema(self, name: str) -> dict[str, Any]:
        return {"type": "string", "format": "date"}

    def rule(self, name: str, lang: str) -> str:
        return _words(
            f"日期 YYYY-MM-DD，{FIRST_DAY} 至 {LAST_DAY}",
            f"date YYYY-MM-DD, {FIRST_DAY} to {LAST_DAY}",
            lang,
        )


class Flag(Arg):
    kind = "boolean"

    def read(self, name: str, value: Any) -> bool:
        if not isinstance(value, bool):
            raise refuse(name, "应为 true 或 false", "must be true or false")
        return value

    def json_schema(self, name: str) -> dict[str, Any]:
        return {"type": "boolean"}

    def rule(self, name: str, lang: str) -> str:
        return "true / false"


class JsonObject(Arg):
    """A JSON object, read further by the command (a rule set's document)."""

    kind = "object"

    def read(self, name: str, value: Any) -> Any:
        if not isinstance(value, dict):
            raise refuse(name, "应为一个对象", "must be a JSON object")
        return value

    def json_schema(self, name: str) -> dict[str, Any]:
        return {"type": "object"}

    def rule(self, name: str, lang: str) -> str:
        return _words("JSON 对象", "JSON object", lang)


class Objects(Arg):
    """A list of JSON objects, at most ``most``, each with exactly ``keys``, none blank (a
    refusal names the ``noun`` by its number: "item 2 has no text"); ``item`` reads each
    further (its number, the object), by the argument's name."""

    kind = "list"

    def __init__(
        self, most: int, keys: tuple[str, ...], noun: str = "item", required: bool = True
    ) -> None:
        super().__init__(required, [])
        self.most, self.keys, self.noun = most, keys, noun

    def read(self, name: str, value: Any) -> list[Any]:
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise refuse(name, "应为对象的列表", "must be a list of objects")
        if len(value) > self.most:
            raise refuse(name, f"最多 {self.most} 项", f"holds at most {self.most} items")
        for n, raw in enumerate(value, 1):
            unknown = ", ".join(sorted(set(raw) - set(self.keys)))
            if unknown:
                raise refuse(
                    name,
                    f"第 {n} 项有未知的键：{unknown}",
                    f"{self.noun} {n} has unknown key(s): {unknown}",
                )
            for part in self.keys:
                if is_blank(raw.get(part)):
                    raise refuse(name, f"第 {n} 项缺少 {part}", f"{self.noun} {n} has no {part}")
        return [self.item(name, n, raw) for n, raw in enumerate(value, 1)]

    def item(self, name: str, n: int, raw: dict[str, Any]) -> Any:
        return raw

    def json_schema(self, name: str) -> dict[str, Any]:
        return {
            "type": "array",
            "maxItems": self.most,
            "items": {
                "type": "object",
                "required": list(self.keys),
                "properties": {k: {} for k in self.keys},
                "additionalProperties": False,
            },
        }

    def rule(self, name: str, lang: str) -> str:
        keys = ", ".join(self.keys)
        return _words(
            f"对象的列表，至多 {self.most} 项，每项有 {keys}",
            f"list of objects, at most {self.most}, each with {keys}",
            lang,
        )


if TYPE_CHECKING:
    from typing import Annotated as Read  # as the type checker reads Read[T, Arg(...)]
else:

    class Read:
        """``Read[T, Arg(...)]``: an argument of type ``T`` (as the type checker sees it),
        read by its ``Arg``. msgspec sees ``Any`` and takes the value as sent: every check is
        the ``Arg``'s, so that each refusal is ours, by the field's label."""

        def __class_getitem__(cls, params: tuple[Any, ...]) -> Any:
            return Annotated[(Any, *params[1:])]


class _Arguments(msgspec.StructMeta):
    """An argument declared without a default gets ``None``: absent, then read by its
    ``Arg``."""

    def __new__(mcls, name: str, bases: Any, namespace: dict[str, Any], **kw: Any) -> Any:
        for field_name, hint in namespace.get("__annotations__", {}).items():
            if field_name not in namespace and "ClassVar" not in str(hint):
                namespace[field_name] = None
        cls: Any = super().__new__(mcls, name, bases, namespace, **kw)
        hints = get_type_hints(cls, include_extras=True)
        cls.__arguments__ = tuple(
            (name, next(m for m in hints[name].__metadata__ if isinstance(m, Arg)))
            for name in cls.__struct_fields__
        )
        cls.__names__ = frozenset(cls.__struct_fields__)
        return cls


class CommandArgs(msgspec.Struct, metaclass=_Arguments):
    """A command's arguments, read: each attribute is the value the command will use.

    A subclass lists its arguments as ``name: Read[type, Arg(...)]`` (or an alias below), in
    the order they are checked."""

    # Each argument's name and definition, in order; the names, as a set.
    __arguments__: ClassVar[tuple[tuple[str, Arg], ...]] = ()
    __names__: ClassVar[frozenset[str]] = frozenset()

    @classmethod
    def read(cls, raw: Any, check: ReferenceCheck | None = None) -> Self:
        """``raw`` (a JSON object) read: the first refusal in the model's order, then any
        argument the command does not take. Each code and id read is shown to ``check``."""
        if raw is None:
            raw = {}
        if not isinstance(raw, dict):
            raise InvalidInputError("args", "args 应为一个对象", "args must be a JSON object")
        args = msgspec.convert(raw, cls)
        for name, arg in cls.__arguments__:
            value = getattr(args, name)
            if value is None or (value.__class__ is str and not value.strip()):  # blank
                value = arg.absent(name)
            else:
                value = arg.read(name, value)
                if check is not None and arg.refers:
                    for one in value if isinstance(value, list) else (value,):
                        check(name, one)
            setattr(args, name, value)
        if not cls.__names__.issuperset(raw):
            unknown = sorted(set(raw) - cls.__names__)
            names = ", ".join(unknown)
            raise InvalidInputError(
                unknown[0], f"未知参数：{names}", f"unknown argument(s): {names}"
            )
        return args

    @classmethod
    def arguments(cls) -> tuple[tuple[str, Arg], ...]:
        """Each argument's name and definition, in order."""
        return cls.__arguments__


def argument_label(name: str, arg: Arg, lang: str) -> str:
    spec = arg.field(name)
    return spec.zh if lang == "zh" else spec.en


def describe_arguments(model: type[CommandArgs]) -> list[dict[str, Any]]:
    """Each argument as ``zhucun commands --json`` and the reference show it."""
    return [
        {
            "name": name,
            "label_zh": argument_label(name, arg, "zh"),
            "label_en": argument_label(name, arg, "en"),
            "type": arg.kind,
            "required": arg.required,
            "format_zh": arg.rule(name, "zh"),
            "format_en": arg.rule(name, "en"),
            "schema": arg.json_schema(name),
        }
        for name, arg in model.arguments()
    ]


def json_schema(model: type[CommandArgs], title: str, description: str) -> dict[str, Any]:
    """The JSON Schema (2020-12) of a command's ``args``."""
    properties: dict[str, Any] = {}
    required: list[str] = []
    for name, arg in model.arguments():
        properties[name] = {
            "title": argument_label(name, arg, "zh"),
            "description": argument_label(name, arg, "en"),
            **arg.json_schema(name),
        }
        if arg.required:
            required.append(name)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": title,
        "description": description,
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }


# The arguments most commands take, as types (``name: CodeArg``).
CodeArg = Read[str, Code()]
VillageCode = Read[str, Code(level=Level.VILLAGE)]
GroupCode = Read[str, Code(level=Level.GROUP)]
OptCodeArg = Read[str | None, Code(required=False)]
IdArg = Read[UUID, Id()]
OptIdArg = Read[UUID | None, Id(required=False)]
TextArg = Read[str, Text()]
OptTextArg = Read[str, Text(required=False)]
DayArg = Read[date, Day()]
OptDayArg = Read[date | None, Day(required=False)]
IdsArg = Read[list[UUID], Ids()]
