"""The period an assessment covers: a year (年度考核, ``2014``) or a half-year (半年检查,
``2014H1``, ``2014H2``), its first and last days and its months."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from domain.assessments.errors import InvalidAssessmentPeriodError, PeriodNotEndedError
from domain.worded import Worded


class RunKind(Worded):
    HALF_YEAR = "half_year"  # 半年检查
    ANNUAL = "annual"  # 年度考核

    __zh__: ClassVar[dict[str, str]] = {"half_year": "半年检查", "annual": "年度考核"}


_PATTERNS = {
    RunKind.ANNUAL: re.compile(r"(\d{4})"),
    RunKind.HALF_YEAR: re.compile(r"(\d{4})H([12])"),
}


@dataclass(frozen=True)
class Period:
    kind: RunKind
    text: str  # "2014", "2014H1"
    year: int
    first_day: date
    last_day: date

    @classmethod
    def parse(cls, kind: RunKind, text: str) -> Period:
        given = text.strip().upper()
        found = _PATTERNS[kind].fullmatch(given)
        if found is None or not 2000 <= int(found.group(1)) <= 2100:
            raise InvalidAssessmentPeriodError(text[:20], kind.value)
        year = int(found.group(1))
        if kind is RunKind.ANNUAL:
            return cls(kind, given, year, date(year, 1, 1), date(year, 12, 31))
        if found.group(2) == "1":
            return cls(kind, given, year, date(year, 1, 1), date(year, 6, 30))
        return cls(kind, given, year, date(year, 7, 1), date(year, 12, 31))

    def months(self) -> list[tuple[str, date, date]]:
        """Each month of the period: ``YYYY-MM``, its first and its last day."""
        out = []
        for month in range(self.first_day.month, self.last_day.month + 1):
            last = calendar.monthrange(self.year, month)[1]
            first = date(self.year, month, 1)
            out.append((f"{first:%Y-%m}", first, first.replace(day=last)))
        return out

    def check_ended(self, today: date) -> None:
        if self.last_day >= today:
            raise PeriodNotEndedError(self.text, self.last_day.isoformat(), today.isoformat())
