"""Assessment rule sets (考核规则) as versioned data: which recorded figures an assessment reads
(its inputs), their weights, the grades and their thresholds, the caps that absences found on
spot checks put on a grade, the criticism triggers and the commendation quota.

A rule set is a JSON document (``rules/assessment/*.json``, checked by
``rules/assessment/schema.json``); adopting or revising one is an event carrying the whole
document (``AssessmentRuleSet``), and an assessment uses the version in the log, never a file.
``read_rules`` checks a document as the schema does, and what a schema cannot say: the
weights add up to ``WEIGHTS_TOTAL``, every input and grade named is known.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from fractions import Fraction
from itertools import pairwise
from typing import Any, ClassVar
from uuid import UUID

from domain.assessments.errors import (
    EffectiveBeforeAdoptedError,
    InvalidAssessmentRulesError,
    RulesVersionNotNextError,
    UnknownAssessmentInputError,
    WeightsDoNotSumError,
)
from domain.base import Meta, NetworkAggregate, derived_id
from domain.errors import ZhucunError
from domain.fields import first_refused_character
from domain.worded import Worded

WEIGHTS_TOTAL = 100
NAME_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]{1,63}")
DECIMAL_PATTERN = re.compile(r"\d{1,3}(\.\d{1,2})?")
WORD_PATTERN = re.compile(r"[a-z][a-z_]{0,31}")


class Scope(StrEnum):
    MEMBER = "member"  # each member has a figure of their own; the team's adds them up
    TEAM = "team"  # a figure of the team (its village's measures, its 述职评议)


@dataclass(frozen=True)
class InputKind:
    """A figure the assessment knows how to compute: ``numerator`` of ``denominator``;
    ``percent``: its value is the share in per cent, else the numerator per denominator."""

    zh: str
    en: str
    numerator_en: str
    denominator_en: str
    percent: bool
    scope: Scope


INPUTS: dict[str, InputKind] = {
    "months_regularly_resident": InputKind(
        "经常性驻村的月份占比",
        "months regularly resident",
        "member-months with at least the required days checked in",
        "member-months served",
        True,
        Scope.MEMBER,
    ),
    "days_checked_in": InputKind(
        "签到天数占应驻天数",
        "days checked in of the days required",
        "days checked in",
        "days required",
        True,
        Scope.MEMBER,
    ),
    "diary_entries": InputKind(
        "民情日记（每人每月）",
        "diary entries per member-month",
        "diary entries",
        "member-months served",
        False,
        Scope.MEMBER,
    ),
    "households_visited": InputKind(
        "走访农户（每人每月）",
        "households visited per member-month",
        "households visited (each once)",
        "member-months served",
        False,
        Scope.MEMBER,
    ),
    "absences_found": InputKind(
        "抽查脱岗（每人每月）",
        "absences found per member-month",
        "absences found on spot checks",
        "member-months served",
        False,
        Scope.MEMBER,
    ),
    "measures_done": InputKind(
        "到期帮扶措施的完成率",
        "measures done of those due",
        "measures due in the period and done by its last day",
        "measures due in the period, not dropped",
        True,
        Scope.TEAM,
    ),
    "satisfaction": InputKind(
        "述职评议满意率",
        "述职评议 satisfaction",
        "满意 and 基本满意 votes",
        "votes cast",
        True,
        Scope.TEAM,
    ),
}


class Reason(Worded):
    """The seed's three reasons for a circulated criticism (通报批评)."""

    NOT_REGULARLY_RESIDENT = "not_regularly_resident"  # 没有做到经常性驻村
    TARGETS_NOT_MET = "targets_not_met"  # 没有完成目标任务
    POORLY_RATED = "poorly_rated"  # 群众评价差

    __zh__: ClassVar[dict[str, str]] = {
        "not_regularly_resident": "没有做到经常性驻村",
        "targets_not_met": "没有完成目标任务",
        "poorly_rated": "群众评价差",
    }


@dataclass(frozen=True)
class Weighted:
    input: str
    weight: int
    full_marks_at: Fraction


@dataclass(frozen=True)
class Grade:
    grade: str
    zh: str
    at_least: Fraction


@dataclass(frozen=True)
class Trigger:
    reason: Reason
    input: str | None = None  # with ``below``: the input's value below it
    below: Fraction | None = None
    months_at_least: int | None = None  # a member not regularly resident in so many months


@dataclass(frozen=True)
class AssessmentRules:
    """A rule set as read and checked; ``content`` is the document itself."""

    name: str
    version: int
    min_days_in_village_per_month: int
    inputs: tuple[Weighted, ...]
    grades: tuple[Grade, ...]  # best first
    absence_caps: tuple[tuple[int, str], ...]  # (absences at least, best grade allowed)
    criticism: tuple[Trigger, ...]
    commendation_grade: str
    commendation_quota_percent: Fraction
    content: dict[str, Any]
    # 不脱贫不脱钩 (version 2 on): (years served at least, years to extend by, and when given,
    # the months after the period's last day within which the term must end), or None
    extension: tuple[int, int, int | None] | None = None

    @property
    def ref(self) -> str:
        return f"{self.name}@{self.version}"

    def grade_rank(self, grade: str) -> int:
        return [g.grade for g in self.grades].index(grade)


# -- reading a document ------------------------------------------------------------------------

_KEYS = {
    "name": True,
    "version": True,
    "title": True,
    "residency": True,
    "inputs": True,
    "grades": True,
    "absence_caps": False,
    "criticism": True,
    "commendation": True,
    "extension": False,
}


def read_rules(content: Any) -> AssessmentRules:
    """The rule set a document describes, or the first thing wrong with it, by name."""
    doc = _object(content, "rules", _KEYS)
    name = _text(
        doc["name"],
        "name",
        NAME_PATTERN,
        "应为小写字母、数字和连字符",
        "must be lower-case letters, digits and hyphens",
    )
    version = _int(doc["version"], "version", 1, 10_000)
    title = _object(doc["title"], "title", {"zh": True, "en": True})
    for lang in ("zh", "en"):
        _words(title[lang], f"title.{lang}", 200)
    residency = _object(doc["residency"], "residency", {"min_days_in_village_per_month": True})
    min_days = _int(
        residency["min_days_in_village_per_month"], "residency.min_days_in_village_per_month", 1, 31
    )
    inputs = tuple(
        _weighted(item, f"inputs[{i}]") for i, item in enumerate(_list(doc["inputs"], "inputs", 1))
    )
    seen = [w.input for w in inputs]
    twice = next((n for i, n in enumerate(seen) if n in seen[:i]), None)
    if twice is not None:
        raise _bad("inputs", f"指标 {twice} 出现了两次", f"names {twice} twice")
    total = sum(w.weight for w in inputs)
    if total != WEIGHTS_TOTAL:
        raise WeightsDoNotSumError(total, WEIGHTS_TOTAL)
    grades = tuple(
        _grade(item, f"grades[{i}]") for i, item in enumerate(_list(doc["grades"], "grades", 2))
    )
    names = [g.grade for g in grades]
    if len(set(names)) != len(names):
        raise _bad("grades", "等次名称重复", "names a grade twice")
    if any(a.at_least <= b.at_least for a, b in pairwise(grades)):
        raise _bad(
            "grades", "各等次的分数线应从高到低排列", "must run from the highest threshold down"
        )
    if grades[-1].at_least != 0:
        raise _bad("grades", "最低一个等次的分数线应为 0", "the lowest grade starts at 0")
    caps = tuple(
        _cap(item, f"absence_caps[{i}]", names)
        for i, item in enumerate(_list(doc.get("absence_caps", []), "absence_caps", 0))
    )
    criticism = tuple(
        _trigger(item, f"criticism[{i}]", seen)
        for i, item in enumerate(_list(doc["criticism"], "criticism", 0))
    )
    commendation = _object(
        doc["commendation"], "commendation", {"grade": True, "quota_percent": True}
    )
    best = _word(commendation["grade"], "commendation.grade")
    if best not in names:
        raise _bad("commendation.grade", f"没有等次 {best}", f"names no grade {best}")
    quota = _decimal(commendation["quota_percent"], "commendation.quota_percent")
    if quota > 100:
        raise _bad("commendation.quota_percent", "不能超过 100", "must be at most 100")
    extension = None
    if "extension" in doc:
        ext = _object(
            doc["extension"],
            "extension",
            {"after_years": True, "extend_by_years": True, "term_ending_within_months": False},
        )
        within = ext.get("term_ending_within_months")
        extension = (
            _int(ext["after_years"], "extension.after_years", 1, 10),
            _int(ext["extend_by_years"], "extension.extend_by_years", 1, 10),
            None if within is None else _int(within, "extension.term_ending_within_months", 1, 24),
        )
    return AssessmentRules(
        name, version, min_days, inputs, grades, caps, criticism, best, quota, content, extension
    )


def _bad(where: str, zh: str, en: str) -> ZhucunError:
    return InvalidAssessmentRulesError(where, zh, en)


def _object(value: Any, where: str, keys: dict[str, bool]) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _bad(where, "应为对象", "must be an object")
    unknown = sorted(set(value) - set(keys))
    if unknown:
        raise _bad(
            where, f"有未知的键：{', '.join(unknown)}", f"has unknown key(s): {', '.join(unknown)}"
        )
    missing = [k for k, required in keys.items() if required and k not in value]
    if missing:
        raise _bad(where, f"缺少 {', '.join(missing)}", f"lacks {', '.join(missing)}")
    return value


def _list(value: Any, where: str, at_least: int) -> list[Any]:
    if not isinstance(value, list) or not at_least <= len(value) <= 50:
        raise _bad(
            where, f"应为 {at_least}–50 项的列表", f"must be a list of {at_least} to 50 items"
        )
    return value


def _int(value: Any, where: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise _bad(
            where, f"应为 {low}–{high} 的整数", f"must be a whole number from {low} to {high}"
        )
    return value


def _text(value: Any, where: str, pattern: re.Pattern[str], zh: str, en: str) -> str:
    if not isinstance(value, str) or not pattern.fullmatch(value):
        raise _bad(where, zh, en)
    return value


def _words(value: Any, where: str, most: int) -> str:
    """Words people read (a title): 1 to ``most`` characters, none that no text may hold."""
    if not isinstance(value, str) or not 1 <= len(value.strip()) <= most:
        raise _bad(where, f"应为 1–{most} 个字", f"must be 1 to {most} characters")
    bad = first_refused_character(value, multiline=False)
    if bad is not None:
        raise _bad(
            where,
            f"含有不允许的字符 U+{ord(bad):04X}",
            f"holds a character that is not allowed: U+{ord(bad):04X}",
        )
    return value


def _word(value: Any, where: str) -> str:
    return _text(value, where, WORD_PATTERN, "应为小写英文单词", "must be a lower-case word")


def _decimal(value: Any, where: str) -> Fraction:
    """A decimal written as text ("80", "7.5"): no float ever enters a rule set."""
    text = _text(
        value,
        where,
        DECIMAL_PATTERN,
        '应为写成文字的数，最多两位小数，如 "80"、"7.5"',
        'must be a number written as text with at most two decimals, like "80" or "7.5"',
    )
    return Fraction(text)


def _input_name(value: Any, where: str) -> str:
    if not isinstance(value, str) or value not in INPUTS:
        raise UnknownAssessmentInputError(where, str(value)[:40], ", ".join(INPUTS))
    return value


def _weighted(item: Any, where: str) -> Weighted:
    doc = _object(item, where, {"input": True, "weight": True, "full_marks_at": True})
    full = _decimal(doc["full_marks_at"], f"{where}.full_marks_at")
    if full <= 0:
        raise _bad(f"{where}.full_marks_at", "应大于 0", "must be more than 0")
    return Weighted(
        _input_name(doc["input"], f"{where}.input"),
        _int(doc["weight"], f"{where}.weight", 0, WEIGHTS_TOTAL),
        full,
    )


def _grade(item: Any, where: str) -> Grade:
    doc = _object(item, where, {"grade": True, "zh": True, "at_least": True})
    _words(doc["zh"], f"{where}.zh", 16)
    return Grade(
        _word(doc["grade"], f"{where}.grade"),
        doc["zh"],
        _decimal(doc["at_least"], f"{where}.at_least"),
    )


def _cap(item: Any, where: str, grades: list[str]) -> tuple[int, str]:
    doc = _object(item, where, {"absences_at_least": True, "grade_at_most": True})
    grade = _word(doc["grade_at_most"], f"{where}.grade_at_most")
    if grade not in grades:
        raise _bad(f"{where}.grade_at_most", f"没有等次 {grade}", f"names no grade {grade}")
    return _int(doc["absences_at_least"], f"{where}.absences_at_least", 1, 366), grade


def _trigger(item: Any, where: str, inputs: list[str]) -> Trigger:
    if isinstance(item, dict) and "months_at_least" in item:
        doc = _object(item, where, {"reason": True, "months_at_least": True})
    else:
        doc = _object(item, where, {"reason": True, "input": True, "below": True})
    try:
        reason = Reason(doc["reason"])
    except (ValueError, TypeError):
        allowed = ", ".join(r.value for r in Reason)
        raise _bad(
            f"{where}.reason", f"应为以下之一：{allowed}", f"must be one of: {allowed}"
        ) from None
    if "months_at_least" in doc:
        return Trigger(
            reason, months_at_least=_int(doc["months_at_least"], f"{where}.months_at_least", 1, 12)
        )
    name = _input_name(doc["input"], f"{where}.input")
    if name not in inputs:
        raise _bad(
            f"{where}.input",
            f"指标 {name} 不在 inputs 中",
            f"names {name}, which inputs does not list",
        )
    return Trigger(reason, input=name, below=_decimal(doc["below"], f"{where}.below"))


# -- the aggregate ------------------------------------------------------------------------------


def rule_set_id(name: str) -> UUID:
    return derived_id("assessment-rules", name)


class AssessmentRuleSet(NetworkAggregate):
    """One named rule set and its versions, each effective from a day."""

    def __init__(self) -> None:
        self.name = ""
        self.version = 0
        self.effective_from = date.min

    class Adopted(NetworkAggregate.Created):
        """Version 1: the whole document, in force from ``effective_from``."""

        name: str
        version: int
        effective_from: str
        content: dict[str, Any]

        def apply(self, rs: AssessmentRuleSet) -> None:
            self.copy_to(rs, "name", "version")
            rs.effective_from = date.fromisoformat(self.effective_from)

    class Revised(NetworkAggregate.Event):
        """A later version: the whole document again, in force from ``effective_from``."""

        version: int
        effective_from: str
        content: dict[str, Any]

        def apply(self, rs: AssessmentRuleSet) -> None:
            rs.version = self.version
            rs.effective_from = date.fromisoformat(self.effective_from)

    @classmethod
    def adopt(cls, rules: AssessmentRules, effective_from: date, meta: Meta) -> AssessmentRuleSet:
        if rules.version != 1:
            raise RulesVersionNotNextError(rules.name, rules.version, 1)
        return cls._create(
            cls.Adopted,
            id=rule_set_id(rules.name),
            name=rules.name,
            version=1,
            effective_from=effective_from.isoformat(),
            content=rules.content,
            **meta.event_kwargs(),
        )

    def revise(self, rules: AssessmentRules, effective_from: date, meta: Meta) -> None:
        if rules.version != self.version + 1:
            raise RulesVersionNotNextError(rules.name, rules.version, self.version + 1)
        if effective_from < self.effective_from:
            raise EffectiveBeforeAdoptedError(
                rules.name,
                rules.version,
                effective_from.isoformat(),
                self.effective_from.isoformat(),
            )
        self.trigger_event(
            self.Revised,
            version=rules.version,
            effective_from=effective_from.isoformat(),
            content=rules.content,
            **meta.event_kwargs(),
        )
