"""The recorded things behind a figure (``zhucun assess explain``): for each input of a team
(or of one member), the entries it counts, each with the log position it was recorded at;
and, for the residency inputs, the months that make the figure. ``positions_behind`` gives
every position a team's figures rest on, for the diff of a replay (docs/adr/027)."""

from __future__ import annotations

from typing import Any

from domain.assessments.facts import Entry, Facts, TeamFacts
from domain.assessments.rules import AssessmentRules
from domain.assessments.scoring import member_months

ENTRIES = {
    "months_regularly_resident": "checkins",
    "days_checked_in": "checkins",
    "diary_entries": "diaries",
    "households_visited": "visits",
    "absences_found": "absences",
}


def _names(facts: Facts, team: TeamFacts) -> dict[str, str]:
    return {s.cadre_id: s.name for s in facts.stints if s.team_id == team.team_id}


def _entry(e: Entry, names: dict[str, str]) -> dict[str, Any]:
    out = {
        "position": e.position,
        "day": e.day.isoformat(),
        "cadre_id": e.cadre_id,
        "name": names.get(e.cadre_id, ""),
    }
    if e.household:
        out["household_id"] = e.household
    return out


def explain(
    facts: Facts, rules: AssessmentRules, team: TeamFacts, name: str, cadre: str | None = None
) -> dict[str, Any]:
    """What the figure ``name`` of the team (or of member ``cadre``) counts: ``entries``
    (each with its position), ``months`` for the residency inputs, ``measures`` or
    ``evaluation`` for the team's own inputs, and ``roster``: the versions of the team's
    record and of its members' time on it that the figure's days were counted from."""
    names = _names(facts, team)
    out: dict[str, Any] = {"input": name}
    if name in ENTRIES:
        entries = getattr(facts, ENTRIES[name])
        out["entries"] = [
            _entry(e, names)
            for e in sorted(entries, key=lambda e: (e.day, e.position))
            if e.team_id == team.team_id and (cadre is None or e.cadre_id == cadre)
        ]
        out["roster"] = [{"position": team.position, "what": "team"}] + [
            {
                "position": s.position,
                "what": "member",
                "cadre_id": s.cadre_id,
                "name": s.name,
                "first_day": s.first_day.isoformat(),
                "last_day": s.last_day.isoformat() if s.last_day else None,
            }
            for s in facts.stints
            if s.team_id == team.team_id and (cadre is None or s.cadre_id == cadre)
        ]
    if name in ("months_regularly_resident", "days_checked_in"):
        months = member_months(facts, team, rules.min_days_in_village_per_month)
        out["months"] = [
            {
                "cadre_id": mm.cadre_id,
                "name": mm.name,
                "month": month,
                "days_served": mm.served[month],
                "days_required": mm.required[month],
                "days_checked_in": mm.checked.get(month, 0),
                "regularly_resident": mm.checked.get(month, 0) >= mm.required[month],
            }
            for mm in sorted(months.values(), key=lambda m: (m.name, m.cadre_id))
            if cadre is None or mm.cadre_id == cadre
            for month in mm.served_months()
        ]
    if name == "measures_done":
        out["measures"] = [
            {
                "measure_id": m.measure_id,
                "title": m.title,
                "due_on": m.due_on.isoformat(),
                "status": m.status,
                "positions": list(m.positions),
            }
            for m in facts.measures
            if m.village == team.village
        ]
    if name == "satisfaction":
        out["evaluation"] = [
            {
                "position": e.position,
                "day": e.day.isoformat(),
                "attendance": e.attendance,
                "satisfied": e.satisfied,
                "basically_satisfied": e.basically_satisfied,
                "dissatisfied": e.dissatisfied,
            }
            for e in facts.evaluations
            if e.team_id == team.team_id
        ]
    return out


def positions_behind(facts: Facts, team: TeamFacts) -> set[int]:
    """Every position the team's figures rest on, and the positions of the events that
    replaced a version they read (``replaced_at``)."""
    found = {team.position}
    if team.replaced_at is not None:
        found.add(team.replaced_at)
    for s in facts.stints:
        if s.team_id == team.team_id:
            found.add(s.position)
            if s.replaced_at is not None:
                found.add(s.replaced_at)
    for kind in ("checkins", "diaries", "visits", "absences"):
        found.update(e.position for e in getattr(facts, kind) if e.team_id == team.team_id)
    for m in facts.measures:
        if m.village == team.village:
            found.update(m.positions)
    found.update(e.position for e in facts.evaluations if e.team_id == team.team_id)
    return found
