"""An assessment computed from its facts under a rule set: for each team and member each
input's figure (numerator, denominator, value), the score, the grade, the criticism
triggers, and the commendations within the quota. Pure: the same facts and rules always
give the same result, which holds no float (``canonical``)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from fractions import Fraction
from typing import Any

from domain.assessments.facts import Entry, Facts, TeamFacts
from domain.assessments.periods import RunKind
from domain.assessments.rules import INPUTS, AssessmentRules, Scope
from domain.rules import days_required
from domain.teams import add_years

Figure = dict[str, Any]  # numerator, denominator, value


def decimal_text(q: Fraction) -> str:
    """A non-negative number to two decimals, halves rounded up: "87.50"."""
    hundredths = (q * 100 + Fraction(1, 2)).__floor__()
    return f"{hundredths // 100}.{hundredths % 100:02d}"


def figure(numerator: int, denominator: int, percent: bool) -> Figure:
    value = None
    if denominator:
        value = decimal_text(Fraction(numerator * (100 if percent else 1), denominator))
    return {"numerator": numerator, "denominator": denominator, "value": value}


def exact(f: Figure, percent: bool) -> Fraction:
    return Fraction(f["numerator"] * (100 if percent else 1), f["denominator"])


@dataclass
class MemberMonths:
    """One member on one team over the period, month by month."""

    cadre_id: str
    name: str
    served: dict[str, int] = field(default_factory=dict)  # month -> days served
    required: dict[str, int] = field(default_factory=dict)  # month -> days owed
    checked: dict[str, int] = field(default_factory=dict)  # month -> days checked in

    def served_months(self) -> list[str]:
        return [m for m, days in self.served.items() if days > 0]

    def resident_months(self) -> list[str]:
        return [m for m in self.served_months() if self.checked.get(m, 0) >= self.required[m]]


def _overlap(a: date, b: date, c: date, d: date) -> int:
    return max(0, (min(b, d) - max(a, c)).days + 1)


def member_months(facts: Facts, team: TeamFacts, min_days: int) -> dict[str, MemberMonths]:
    """Each member's months on the team: days served (their time on it, within the team's),
    days owed and days checked in."""
    out: dict[str, MemberMonths] = {}
    months = facts.period.months()
    for s in facts.stints:
        if s.team_id != team.team_id:
            continue
        mm = out.setdefault(s.cadre_id, MemberMonths(s.cadre_id, s.name))
        last = s.last_day or date.max
        for key, first_day, last_day in months:
            days = _overlap(
                max(s.first_day, team.first_day), min(last, team.last_day), first_day, last_day
            )
            mm.served[key] = mm.served.get(key, 0) + days
    for key, first_day, last_day in months:
        for mm in out.values():
            mm.served.setdefault(key, 0)
            mm.required[key] = days_required(
                min_days, mm.served[key], (last_day - first_day).days + 1
            )
    keys: dict[date, str] = {}  # a day's month, formatted once (a year is 365 days, not 68,000)
    for e in facts.checkins:
        if e.team_id == team.team_id and e.cadre_id in out:
            month = keys.get(e.day)
            if month is None:
                month = keys[e.day] = f"{e.day:%Y-%m}"
            checked = out[e.cadre_id].checked
            checked[month] = checked.get(month, 0) + 1
    return out


def _count(entries: Iterable[Entry]) -> dict[str, int]:
    n: dict[str, int] = defaultdict(int)
    for e in entries:
        n[e.cadre_id] += 1
    return n


def _households(entries: Iterable[Entry]) -> dict[str, set[str]]:
    seen: dict[str, set[str]] = defaultdict(set)
    for e in entries:
        seen[e.cadre_id].add(e.household)
    return seen


def measures_figure(facts: Facts, team: TeamFacts) -> Figure:
    due = [m for m in facts.measures if m.village == team.village and m.status != "dropped"]
    return figure(sum(1 for m in due if m.status == "done"), len(due), True)


def satisfaction_figure(facts: Facts, team: TeamFacts) -> Figure:
    """The team's 述职评议 of the year: an annual assessment's only (docs/adr/027)."""
    found = [e for e in facts.evaluations if e.team_id == team.team_id]
    if facts.period.kind is not RunKind.ANNUAL or not found:
        return figure(0, 0, True)
    e = found[0]
    votes = e.satisfied + e.basically_satisfied + e.dissatisfied
    return figure(e.satisfied + e.basically_satisfied, votes, True)


def _mine(entries: list[Entry], team: TeamFacts) -> list[Entry]:
    return [e for e in entries if e.team_id == team.team_id]


def team_result(facts: Facts, team: TeamFacts, rules: AssessmentRules) -> dict[str, Any]:
    months = member_months(facts, team, rules.min_days_in_village_per_month)
    checkins, absences = _count(_mine(facts.checkins, team)), _count(_mine(facts.absences, team))
    diaries, visits = _count(_mine(facts.diaries, team)), _households(_mine(facts.visits, team))
    for cadre in set(checkins) | set(absences) | set(diaries) | set(visits):
        months.setdefault(cadre, MemberMonths(cadre, ""))  # records of someone not on it
    team_wide = {
        "measures_done": measures_figure(facts, team),
        "satisfaction": satisfaction_figure(facts, team),
    }
    members = []
    for mm in sorted(months.values(), key=lambda m: (m.name, m.cadre_id)):
        served = len(mm.served_months())
        inputs = {
            "months_regularly_resident": figure(len(mm.resident_months()), served, True),
            "days_checked_in": figure(
                checkins.get(mm.cadre_id, 0), sum(mm.required.values()), True
            ),
            "diary_entries": figure(diaries.get(mm.cadre_id, 0), served, False),
            "households_visited": figure(len(visits.get(mm.cadre_id, ())), served, False),
            "absences_found": figure(absences.get(mm.cadre_id, 0), served, False),
            **team_wide,
        }
        members.append(
            {
                "cadre_id": mm.cadre_id,
                "name": mm.name,
                "months_not_resident": served - len(mm.resident_months()),
                "inputs": inputs,
                **_graded(inputs, rules),
            }
        )
    inputs = {}
    for name, kind in INPUTS.items():
        if kind.scope is Scope.TEAM:
            inputs[name] = team_wide[name]
            continue
        num = sum(m["inputs"][name]["numerator"] for m in members)
        if name == "households_visited":
            num = len(set().union(*visits.values())) if visits else 0
        den = sum(m["inputs"][name]["denominator"] for m in members)
        inputs[name] = figure(num, den, kind.percent)
    out = {
        "team_id": team.team_id,
        "team_name": team.name,
        "village": team.village,
        "dispatching_unit": team.dispatching_unit,
        "first_day": team.first_day.isoformat(),
        "last_day": team.last_day.isoformat(),
        "inputs": inputs,
        **_graded(inputs, rules),
        "criticisms": _criticisms(inputs, members, rules),
        "members": members,
    }
    if rules.extension is not None:  # version 2 on: a result of version 1 is as it was
        out["extension"] = extension(facts, team, rules.extension)
    return out


def extension(facts: Facts, team: TeamFacts, rule: tuple[int, int, int | None]) -> dict[str, Any]:
    """不脱贫不脱钩: the village still poor on the period's last day, and the team there for
    at least ``rule[0]`` years by then, its term still running: extend it by ``rule[1]``.
    With ``rule[2]`` (months), the run proposes it ahead, while the term runs: when the term
    as known ends within that many months after the period's last day, the team having
    served ``rule[0]`` years by its term's end (docs/rules/benxi-2014-assessment.md)."""
    after, by, within = rule
    ends = team.term_ends_on
    by_day = facts.period.last_day if within is None or ends is None else ends
    served = team.dispatched_on is not None and add_years(
        team.dispatched_on, after
    ) <= by_day + timedelta(days=1)
    due = within is None or (
        ends is not None and ends <= month_end_after(facts.period.last_day, within)
    )
    proposed = team.village_poor and served and due and ends is not None
    return {
        "village_poor": team.village_poor,
        "dispatched_on": team.dispatched_on.isoformat() if team.dispatched_on else None,
        "term_ends_on": team.term_ends_on.isoformat() if team.term_ends_on else None,
        "proposed": proposed,
        "until": add_years(team.term_ends_on, by).isoformat()
        if proposed and team.term_ends_on
        else None,
    }


def month_end_after(day: date, months: int) -> date:
    """The last day of the month ``months`` months after ``day``'s."""
    index = day.year * 12 + day.month - 1 + months + 1  # the month after that one
    return date(index // 12, index % 12 + 1, 1) - timedelta(days=1)


def _graded(inputs: dict[str, Figure], rules: AssessmentRules) -> dict[str, Any]:
    points: dict[str, str | None] = {}
    earned, weights = Fraction(0), 0
    for w in rules.inputs:
        f = inputs[w.input]
        if not f["denominator"]:
            points[w.input] = None  # not applicable: its weight is left out
            continue
        share = min(exact(f, INPUTS[w.input].percent) / w.full_marks_at, Fraction(1))
        points[w.input] = decimal_text(w.weight * share)
        earned += w.weight * share
        weights += w.weight
    if not weights:
        return {
            "score": None,
            "points": points,
            "grade": None,
            "grade_zh": None,
            "capped_by_absences": False,
        }
    score = decimal_text(earned * 100 / weights)
    rank = next(i for i, g in enumerate(rules.grades) if Fraction(score) >= g.at_least)
    absences = inputs["absences_found"]["numerator"]
    capped = max((rules.grade_rank(g) for n, g in rules.absence_caps if absences >= n), default=0)
    best = max(rank, capped)
    grade = rules.grades[best]
    return {
        "score": score,
        "points": points,
        "grade": grade.grade,
        "grade_zh": grade.zh,
        "capped_by_absences": capped > rank,
    }


def _criticisms(
    inputs: dict[str, Figure], members: list[dict[str, Any]], rules: AssessmentRules
) -> list[dict[str, Any]]:
    out = []
    for t in rules.criticism:
        if t.months_at_least is not None:
            who = [m["cadre_id"] for m in members if m["months_not_resident"] >= t.months_at_least]
            if who:
                out.append({"reason": t.reason.value, "reason_zh": t.reason.zh, "members": who})
            continue
        assert t.input is not None and t.below is not None
        f = inputs[t.input]
        if f["denominator"] and exact(f, INPUTS[t.input].percent) < t.below:
            out.append(
                {
                    "reason": t.reason.value,
                    "reason_zh": t.reason.zh,
                    "input": t.input,
                    "value": f["value"],
                    "below": decimal_text(t.below),
                }
            )
    return out


def by_team(facts: Facts) -> dict[str, Facts]:
    """The facts of each team alone (its members, entries, its village's measures, its
    evaluation): each team is then computed from its own, not by a scan of everyone's."""
    out = {t.team_id: Facts(facts.period, facts.unit, teams=[t]) for t in facts.teams}
    for kind in ("stints", "checkins", "absences", "diaries", "visits", "evaluations"):
        for item in getattr(facts, kind):
            mine = out.get(item.team_id)
            if mine is not None:
                getattr(mine, kind).append(item)
    villages: dict[str, list[Facts]] = {}
    for t in facts.teams:
        villages.setdefault(t.village, []).append(out[t.team_id])
    for m in facts.measures:
        for mine in villages.get(m.village, []):
            mine.measures.append(m)
    return out


def assess(facts: Facts, rules: AssessmentRules) -> dict[str, Any]:
    """The whole result: every team under the unit, commendations within the quota, and a
    summary; the rules it was computed under are part of it."""
    split = by_team(facts)
    teams = [
        team_result(split[t.team_id], t, rules)
        for t in sorted(facts.teams, key=lambda t: (t.village, t.team_id))
    ]
    assessed = [t for t in teams if t["score"] is not None]
    limit = rules.grade_rank(rules.commendation_grade)
    eligible = [
        t for t in assessed if rules.grade_rank(t["grade"]) <= limit and not t["criticisms"]
    ]
    eligible.sort(key=lambda t: (-Fraction(t["score"]), t["team_id"]))
    quota = (len(assessed) * rules.commendation_quota_percent / 100).__floor__()
    commended = sorted(t["team_id"] for t in eligible[:quota])
    for t in teams:
        t["commended"] = t["team_id"] in commended
    return {
        "kind": facts.period.kind.value,
        "period": facts.period.text,
        "first_day": facts.period.first_day.isoformat(),
        "last_day": facts.period.last_day.isoformat(),
        "unit": facts.unit,
        "rules": {"name": rules.name, "version": rules.version, "content": rules.content},
        "teams": teams,
        "summary": {
            "teams": len(teams),
            "assessed": len(assessed),
            "by_grade": {
                g.grade: sum(1 for t in assessed if t["grade"] == g.grade) for g in rules.grades
            },
            "criticised": sorted(t["team_id"] for t in teams if t["criticisms"]),
            "commendation_quota": quota,
            "commended": commended,
        },
    }
