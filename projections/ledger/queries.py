"""Queries of the ``ledger`` read model: a village's survey, and the roll-up of the surveys of
the villages under a township, a county or the city, on a day (``as_of``: what had happened
by then) as known once the log had reached a position (``upto``; None: now)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import (
    Connection,
    Integer,
    Select,
    Table,
    and_,
    case,
    cast,
    func,
    literal_column,
    select,
    union,
    union_all,
)

from domain.ledger.findings import RootCause
from domain.ledger.measures import FundingSource, MeasureStatus
from domain.ledger.money import yuan_text
from domain.ledger.plans import MeasureCategory, PlanKind
from domain.ledger.survey import ParticipantCategory, TableKind
from projections.ledger import goals
from projections.ledger.counts import COLUMNS, WORK_COLUMNS, empty_counts, unflatten, work_counts
from projections.ledger.funds import fund_totals
from projections.ledger.tables import (
    citations,
    classes,
    forms,
    interviews,
    letter_targets,
    letters,
    measure_notes,
    measure_now,
    measure_statuses,
    measures,
    opinions,
    periods,
    plan_approvals,
    plan_items,
    plan_revisions,
    plans,
    problem_opinions,
    problems,
    surveys,
    symposiums,
    tables,
    village_now,
    withdrawals,
)
from projections.ledger.tables import counted as not_withdrawn

# The two clocks on a fact table, for this module's queries and the ledger's others (sheets).
from projections.ledger.tables import latest as _latest
from projections.ledger.tables import seen as seen
from projections.ledger.tables import stored_answers as answers
from projections.queries import unit_row
from projections.tables import units
from projections.teams.tables import teams
from projections.teams.visits import visits

MONEY = ("collective_income", "collective_assets", "collective_debts", "per_capita_income")
DATED = (tables, symposiums, interviews, opinions, problems, forms)


def ledger(
    conn: Connection, code: str, as_of: date, upto: int | None, stored: bool = True
) -> dict[str, Any] | None:
    """The survey part of the ledger of a unit: a village's own, or the roll-up of the
    villages under any other unit (the unit itself included). None for an unknown unit.
    ``stored=False``: the roll-up counted from the facts even when the stored rows could
    answer (the benchmark's baseline)."""
    root = unit_row(conn, code)
    if root is None:
        return None
    head = {
        "unit": root["code"],
        "name": root["name"],
        "level": root["level"],
        "as_of": as_of.isoformat(),
    }
    if root["level"] == "village":
        return head | {
            "survey": village_survey(conn, root["code"], as_of, upto),
            "plans": village_plans(conn, root["code"], as_of, upto),
            "measures": village_measures(conn, root["code"], as_of, upto),
            "letters": village_letters(conn, root["code"], as_of, upto),
            "six_haves": goals.village_goals(conn, root["code"], as_of, upto),
            "funds": fund_totals(conn, [root["code"]], as_of, upto),
        }
    villages = (
        select(units.c.code)
        .where(units.c.path.startswith(root["path"], autoescape=True), units.c.level == "village")
        .scalar_subquery()
    )
    # From the villages' stored rows when the clocks leave none of their facts out (today,
    # as known now), else from the facts (ADR 028).
    work = (stored_rollup(conn, villages, as_of, upto) if stored else None) or {
        "survey": rollup(conn, villages, as_of, upto),
        "plans": plans_rollup(conn, villages, as_of, upto),
        "measures": measures_rollup(conn, villages, as_of, upto),
        "six_haves": goals.goals_rollup(conn, villages, as_of, upto),
    }
    return head | {
        "survey": work["survey"],
        "plans": work["plans"],
        "measures": work["measures"],
        "letters": letters_rollup(conn, villages, as_of, upto),
        "six_haves": work["six_haves"],
        "funds": fund_totals(conn, villages, as_of, upto),
    }


def _rows(conn: Connection, query: Select[Any]) -> list[dict[str, Any]]:
    return [dict(r) for r in conn.execute(query).mappings()]


# -- one village ---------------------------------------------------------------------------------


def village_survey(conn: Connection, village: str, as_of: date, upto: int | None) -> dict[str, Any]:
    mine = {t.name: and_(t.c.village_code == village, not_withdrawn(t, as_of, upto)) for t in DATED}
    started = conn.execute(
        select(surveys.c.day).where(surveys.c.village_code == village, seen(surveys, as_of, upto))
    ).scalar()
    form = _form(conn, village, as_of, upto)
    window = _windows(conn, [village], as_of, upto).get(village)
    table_rows = _rows(
        conn,
        select(tables).where(mine["lg_tables"]).order_by(tables.c.day, tables.c.position),
    )
    withdrawn = select(withdrawals).where(withdrawals.c.village_code == village)
    if upto is not None:
        withdrawn = withdrawn.where(withdrawals.c.position <= upto)
    withdrawn_rows = _rows(conn, withdrawn.order_by(withdrawals.c.position))
    symposium_rows = _rows(
        conn,
        select(symposiums)
        .where(mine["lg_symposiums"])
        .order_by(symposiums.c.day, symposiums.c.position),
    )
    interview_rows = _rows(
        conn,
        select(interviews)
        .where(mine["lg_interviews"])
        .order_by(interviews.c.day, interviews.c.position),
    )
    opinion_rows = _rows(
        conn,
        select(opinions).where(mine["lg_opinions"]).order_by(opinions.c.day, opinions.c.position),
    )
    problem_rows = _rows(
        conn,
        select(problems).where(mine["lg_problems"]).order_by(problems.c.day, problems.c.position),
    )
    sources: dict[str, list[str]] = {}
    if problem_rows:
        for r in conn.execute(
            select(problem_opinions)
            .where(problem_opinions.c.problem_id.in_([p["problem_id"] for p in problem_rows]))
            .order_by(problem_opinions.c.problem_id, problem_opinions.c.seq)
        ).mappings():
            sources.setdefault(r["problem_id"], []).append(_uuid(r["opinion_id"]))
    counts = _counts(conn, [village], as_of, upto).get(village, _empty_counts())
    visited = _households_visited(conn, [village], as_of, upto)
    return {
        "started_on": started.isoformat() if started else None,
        "window": _window_out(window),
        "form": form,
        **counts,
        "households_visited": visited.get(village, 0),
        "table_list": [
            {
                "activity": t["activity"],
                "on": t["day"].isoformat(),
                "kind": t["kind"],
                "handed_out": t["handed_out"],
                "returned": t["returned"],
            }
            for t in table_rows
        ],
        "symposium_list": [
            {
                "activity": s["activity"],
                "on": s["day"].isoformat(),
                "topic": s["topic"],
                "collective_consultation": bool(s["collective_consultation"]),
                "participants": {c.value: s[c.value] for c in ParticipantCategory},
            }
            for s in symposium_rows
        ],
        "interview_list": [
            {
                "activity": i["activity"],
                "on": i["day"].isoformat(),
                "interviewee": i["interviewee"],
                "category": i["interviewee_category"],
                "interviewer": i["interviewer"],
                "note": i["note"],
            }
            for i in interview_rows
        ],
        # The activities withdrawn as known then: counted on no day (ADR 034).
        "withdrawn_list": [
            {
                "activity": w["activity"],
                "kind": w["activity_kind"],
                "withdrawn_on": w["day"].isoformat(),
                "note": w["note"],
            }
            for w in withdrawn_rows
        ],
        "opinion_list": [
            {
                "id": _uuid(o["opinion_id"]),
                "on": o["day"].isoformat(),
                "source": o["source"],
                "category": o["category"],
                "text": o["text"],
            }
            for o in opinion_rows
        ],
        "problem_list": [
            {
                "id": _uuid(p["problem_id"]),
                "on": p["day"].isoformat(),
                "description": p["description"],
                "root_cause": p["root_cause"],
                "root_cause_zh": RootCause(p["root_cause"]).zh,
                "root_cause_text": p["root_cause_text"],
                "opinions": sources.get(p["problem_id"], []),
            }
            for p in problem_rows
        ],
        "class_cites": _cited(conn, village, as_of, upto),
    }


def _form(conn: Connection, village: str, as_of: date, upto: int | None) -> dict[str, Any] | None:
    """The form as of the day: its latest revision by then (by day, then by log position)."""
    row = (
        conn.execute(
            select(forms)
            .where(forms.c.village_code == village, seen(forms, as_of, upto))
            .order_by(forms.c.day.desc(), forms.c.position.desc())
            .limit(1)
        )
        .mappings()
        .first()
    )
    if row is None:
        return None
    out: dict[str, Any] = {
        "revision": row["revision"],
        "registered_on": row["day"].isoformat(),
        "committee_size": row["committee_size"],
        "secretary": row["secretary"],
        "assessment": row["assessment"],
        "main_problems": row["main_problems"],
        "recorded_by": row["actor_id"],
        "reason": row["reason"],
    }
    for name in MONEY:
        fen = int(row[f"{name}_fen"])
        out[f"{name}_fen"] = fen
        out[f"{name}_yuan"] = yuan_text(fen)
    return out


def _cited(conn: Connection, village: str, as_of: date, upto: int | None) -> list[str]:
    """The problems the village's class of that day cites."""
    latest = conn.execute(
        select(classes.c.position)
        .where(classes.c.village_code == village, seen(classes, as_of, upto))
        .order_by(classes.c.day.desc(), classes.c.position.desc())
        .limit(1)
    ).scalar()
    if latest is None:
        return []
    return [
        _uuid(pid)
        for pid in conn.execute(
            select(citations.c.problem_id)
            .where(citations.c.class_position == latest)
            .order_by(citations.c.seq)
        ).scalars()
    ]


# -- counts, for one village or many ---------------------------------------------------------


_empty_counts = empty_counts


def _counts(
    conn: Connection, villages: Any, as_of: date, upto: int | None, by_village: bool = True
) -> dict[str, dict[str, Any]]:
    """Per village (those with anything recorded): the counts of each activity; with
    ``by_village=False``, the counts of all of them together, under the key ``"*"``, added up
    by the database."""
    out: dict[str, dict[str, Any]] = {}

    def of(v: str) -> dict[str, Any]:
        found = out.get(v)
        if found is None:
            found = out[v] = _empty_counts()
        return found

    def grouped(t: Table, *columns: Any, by: tuple[Any, ...] = ()) -> Any:
        """``columns`` per village (or for all), grouped further by ``by``."""
        key = (t.c.village_code,) if by_village else ()
        query = select(*key, *by, *columns).where(
            t.c.village_code.in_(villages), not_withdrawn(t, as_of, upto)
        )
        if key or by:
            query = query.group_by(*key, *by)
        rows = conn.execute(query)
        return rows if by_village else (("*", *row) for row in rows)

    for v, kind, n, handed, returned in grouped(
        tables,
        func.count(),
        func.sum(tables.c.handed_out),
        func.sum(tables.c.returned),
        by=(tables.c.kind,),
    ):
        key = "questionnaires" if kind == TableKind.QUESTIONNAIRE else "statistics_tables"
        of(v)[key] = {"batches": n, "handed_out": int(handed), "returned": int(returned)}
        of(v)["tables_and_questionnaires"] += int(handed)
    people = [symposiums.c[c.value] for c in ParticipantCategory]
    for v, n, consultations, *sums in grouped(
        symposiums,
        func.count(),
        func.sum(cast(symposiums.c.collective_consultation, Integer)),
        *[func.sum(c) for c in people],
    ):
        if not n:
            continue  # no symposium at all: one row of nothing when not grouped by village
        of(v)["symposiums"] = n
        of(v)["collective_consultations"] = int(consultations or 0)
        of(v)["participants"] = {
            c.value: int(s or 0) for c, s in zip(ParticipantCategory, sums, strict=True)
        }
    for v, n in grouped(interviews, func.count()):
        if n:
            of(v)["interviews"] = n
    for v, source, category, n in grouped(
        opinions, func.count(), by=(opinions.c.source, opinions.c.category)
    ):
        of(v)["opinions"] += n
        of(v)["opinions_by_source"][source] += n
        of(v)["opinions_by_category"][category] += n
    for v, cause, n in grouped(problems, func.count(), by=(problems.c.root_cause,)):
        of(v)["problems"] += n
        of(v)["problems_by_root_cause"][cause] += n
    return out


# -- the survey's window and the households its teams visited -----------------------------------


def _window_query(villages: Any, as_of: date, upto: int | None) -> Any:
    """Per village (``v``), the days its survey ran (``first_day``, ``last_day``): the period
    last set by ``as_of`` (``set_survey_period``, ``explicit``), else from its first to its
    last survey activity. One query for any number of villages."""
    activity = union_all(
        *[
            select(t.c.village_code.label("v"), t.c.day.label("day")).where(
                t.c.village_code.in_(villages), not_withdrawn(t, as_of, upto)
            )
            for t in DATED
        ]
    ).subquery("activity")
    spans = (
        select(
            activity.c.v,
            func.min(activity.c.day).label("first_day"),
            func.max(activity.c.day).label("last_day"),
        )
        .group_by(activity.c.v)
        .subquery("spans")
    )
    ranked = (
        select(
            periods.c.village_code.label("v"),
            periods.c.first_day,
            periods.c.last_day,
            func.row_number()
            .over(
                partition_by=periods.c.village_code,
                order_by=(periods.c.day.desc(), periods.c.position.desc()),
            )
            .label("n"),
        )
        .where(periods.c.village_code.in_(villages), seen(periods, as_of, upto))
        .subquery("ranked")
    )
    latest = select(ranked.c.v, ranked.c.first_day, ranked.c.last_day).where(ranked.c.n == 1)
    latest_q = latest.subquery("latest")
    every = union(select(spans.c.v), select(latest_q.c.v)).subquery("every")
    return (
        select(
            every.c.v,
            func.coalesce(latest_q.c.first_day, spans.c.first_day).label("first_day"),
            func.coalesce(latest_q.c.last_day, spans.c.last_day).label("last_day"),
            latest_q.c.v.is_not(None).label("explicit"),
        )
        .select_from(
            every.outerjoin(spans, spans.c.v == every.c.v).outerjoin(
                latest_q, latest_q.c.v == every.c.v
            )
        )
        .subquery("windows")
    )


def _windows(
    conn: Connection, villages: Any, as_of: date, upto: int | None
) -> dict[str, tuple[date, date, bool]]:
    w = _window_query(villages, as_of, upto)
    return {
        v: (_as_date(first), _as_date(last), bool(explicit))
        for v, first, last, explicit in conn.execute(select(w))
    }


def _as_date(value: Any) -> date:
    """A day read back from ``coalesce``, which SQLite returns as its ISO text."""
    return value if isinstance(value, date) else date.fromisoformat(value)


def _window_out(window: tuple[date, date, bool] | None) -> dict[str, Any] | None:
    if window is None:
        return None
    first, last, explicit = window
    return {
        "first_day": first.isoformat(),
        "last_day": last.isoformat(),
        "set": "period" if explicit else "activities",
    }


def _households_visited(
    conn: Connection, villages: Any, as_of: date, upto: int | None, spans: Any = None
) -> dict[str, int]:
    """Per village: the households its teams visited within its survey's window (visits
    made by ``as_of`` and known at ``upto``). ``spans``: the windows (``v``, ``first_day``,
    ``last_day``) when already known (the stored rows, ``stored_rollup``), else worked out
    from the facts."""
    if spans is None:
        spans = _window_query(villages, as_of, upto)
    first, last = conn.execute(
        select(func.min(spans.c.first_day), func.max(spans.c.last_day))
    ).one()
    if first is None:
        return {}
    team_villages = (
        select(teams.c.team_id, teams.c.village_code)
        .where(teams.c.village_code.in_(villages))
        .distinct()
        .subquery("tv")
    )
    query = (
        select(spans.c.v, func.count(func.distinct(visits.c.household_id)))
        .select_from(
            visits.join(team_villages, team_villages.c.team_id == visits.c.team_id).join(
                spans, spans.c.v == team_villages.c.village_code
            )
        )
        .where(
            visits.c.day >= spans.c.first_day,
            visits.c.day <= spans.c.last_day,
            # The days of all the windows, as constants: the index on the visits' day then
            # reads those days only, not every visit of the teams' years in the village.
            visits.c.day >= _as_date(first),
            visits.c.day <= min(as_of, _as_date(last)),
        )
        .group_by(spans.c.v)
    )
    if upto is not None:
        query = query.where(visits.c.position <= upto)
    return {v: int(n) for v, n in conn.execute(query)}


# -- the roll-up --------------------------------------------------------------------------------


def rollup(conn: Connection, villages: Any, as_of: date, upto: int | None) -> dict[str, Any]:
    """The surveys of the villages under a unit, added up: the shape of the seed's figures."""
    total = _counts(conn, villages, as_of, upto, by_village=False).get("*", _empty_counts())
    visited = _households_visited(conn, villages, as_of, upto)
    surveyed = conn.execute(
        select(func.count()).where(surveys.c.village_code.in_(villages), seen(surveys, as_of, upto))
    ).scalar_one()
    forms_in = conn.execute(
        select(func.count(func.distinct(forms.c.village_code))).where(
            forms.c.village_code.in_(villages), seen(forms, as_of, upto)
        )
    ).scalar_one()
    return {
        "villages": _village_count(conn, villages),
        "villages_surveyed": int(surveyed),
        "forms_registered": int(forms_in),
        **total,
        "households_visited": sum(visited.values()),
    }


def _village_count(conn: Connection, villages: Any) -> int:
    return int(
        conn.execute(
            select(func.count()).select_from(units).where(units.c.code.in_(villages))
        ).scalar_one()
    )


def stored_rollup(
    conn: Connection, villages: Any, as_of: date, upto: int | None
) -> dict[str, Any] | None:
    """The survey, plans, measures and 六有 goals of the villages, added up from their stored
    rows (``tables.village_now``: one row a village, summed by the database), what the day
    decides worked out beside: the measures overdue on it (``measure_now``), the households
    visited within the stored windows. None when the clocks leave out any of the villages'
    facts: the facts must be counted then."""
    n = village_now.c
    row = conn.execute(
        select(
            func.max(n.last_day),
            func.max(n.last_position),
            func.sum(n.surveyed),
            func.sum(n.form),
            *[func.sum(n[c]) for c in (*COLUMNS, *WORK_COLUMNS)],
        ).where(n.village_code.in_(villages))
    ).one()
    last_day, last_position, surveyed, forms_in, *sums = row
    if not answers(last_day, last_position, as_of, upto):
        return None
    survey = unflatten(dict(zip(COLUMNS, sums[: len(COLUMNS)], strict=True)))
    work = unflatten(dict(zip(WORK_COLUMNS, sums[len(COLUMNS) :], strict=True)), work_counts())
    spans = (
        select(
            n.village_code.label("v"),
            n.window_first.label("first_day"),
            n.window_last.label("last_day"),
        )
        .where(n.village_code.in_(villages), n.window_first.is_not(None))
        .subquery("spans")
    )
    visited = _households_visited(conn, villages, as_of, upto, spans)
    m = measure_now.c
    overdue = conn.execute(
        select(func.count()).where(
            m.village_code.in_(villages),
            m.due_on < as_of,
            m.status.not_in((MeasureStatus.DONE.value, MeasureStatus.DROPPED.value)),
        )
    ).scalar_one()
    plans, measures, haves = work["plans"], work["measures"], work["six_haves"]
    for counted in haves["by_goal"].values():
        counted[goals.NOT_SET] = haves["villages_with_goals"] - sum(counted.values())
        counted |= {b: counted.pop(b) for b in goals.BUCKETS}  # in the facts' order
    budget = measures["budget_fen"]
    return {
        "survey": {
            "villages": _village_count(conn, villages),
            "villages_surveyed": int(surveyed or 0),
            "forms_registered": int(forms_in or 0),
            **survey,
            "households_visited": sum(visited.values()),
        },
        "plans": {
            "plans": sum(k["plans"] for k in plans["by_kind"].values()),
            "plans_approved": sum(k["approved"] for k in plans["by_kind"].values()),
            **plans,
        },
        "measures": {
            "measures": sum(measures["by_status"].values()),
            "by_status": measures["by_status"],
            "by_category": measures["by_category"],
            "overdue": int(overdue),
            "budget_fen": budget,
            "budget_yuan": yuan_text(budget),
            "measures_by_source": measures["measures_by_source"],
        },
        "six_haves": haves,
    }


def _uuid(hex_id: str) -> str:
    return f"{hex_id[:8]}-{hex_id[8:12]}-{hex_id[12:16]}-{hex_id[16:20]}-{hex_id[20:]}"


# -- plans ----------------------------------------------------------------------------------------


def _plan_states(
    conn: Connection, villages: Any, as_of: date, upto: int | None
) -> list[dict[str, Any]]:
    """The plans of these villages as of the day: each with its latest revision by then and
    the approval of that revision, if any (a later revision needs approving again)."""
    rows = _rows(
        conn,
        select(plans)
        .where(plans.c.village_code.in_(villages), seen(plans, as_of, upto))
        .order_by(plans.c.village_code, plans.c.year, plans.c.kind.desc(), plans.c.position),
    )
    if not rows:
        return []
    ids = [r["plan_id"] for r in rows]
    latest: dict[str, dict[str, Any]] = {}
    for m in conn.execute(
        select(plan_revisions).where(
            plan_revisions.c.plan_id.in_(ids), seen(plan_revisions, as_of, upto)
        )
    ).mappings():
        was = latest.get(m["plan_id"])
        if was is None or (m["day"], m["position"]) > (was["day"], was["position"]):
            latest[m["plan_id"]] = dict(m)
    approvals: dict[str, dict[str, Any]] = {}
    for m in conn.execute(
        select(plan_approvals).where(
            plan_approvals.c.plan_id.in_(ids), seen(plan_approvals, as_of, upto)
        )
    ).mappings():
        was = approvals.get(m["plan_id"])
        if was is None or (m["day"], m["position"]) > (was["day"], was["position"]):
            approvals[m["plan_id"]] = dict(m)
    out = []
    for r in rows:
        rev = latest[r["plan_id"]]
        approval = approvals.get(r["plan_id"])
        current = approval is not None and approval["revision"] == rev["revision"]
        out.append(
            {
                "plan_id": r["plan_id"],
                "village": r["village_code"],
                "kind": r["kind"],
                "year": r["year"],
                "drafted_on": r["day"].isoformat(),
                "revision": rev["revision"],
                "revised_on": rev["day"].isoformat(),
                "title": rev["title"],
                "drafted_by": rev["drafted_by"],
                "approved": current,
                "approval": None
                if approval is None
                else {
                    "revision": approval["revision"],
                    "on": approval["day"].isoformat(),
                    "approver": approval["approver"],
                    "approver_unit": approval["approver_unit"],
                },
            }
        )
    return out


def village_plans(conn: Connection, village: str, as_of: date, upto: int | None) -> list[Any]:
    """A village's plans as of the day, approved or not, each with its items."""
    states = _plan_states(conn, [village], as_of, upto)
    items: dict[tuple[str, int], list[dict[str, Any]]] = {}
    if states:
        for r in conn.execute(
            select(plan_items)
            .where(plan_items.c.plan_id.in_([p["plan_id"] for p in states]))
            .order_by(plan_items.c.plan_id, plan_items.c.revision, plan_items.c.seq)
        ).mappings():
            items.setdefault((r["plan_id"], r["revision"]), []).append(
                {"key": r["key"], "text": r["text"], "category": r["category"]}
            )
    return [
        {
            "id": _uuid(p["plan_id"]),
            "kind_zh": PlanKind(p["kind"]).zh,
            **{k: v for k, v in p.items() if k not in ("plan_id", "village")},
            "items": items.get((p["plan_id"], p["revision"]), []),
        }
        for p in states
    ]


def plans_rollup(conn: Connection, villages: Any, as_of: date, upto: int | None) -> dict[str, Any]:
    """The plans of the villages counted: per kind, how many and how many have their latest
    revision approved. Three scans, joined here (SQLite joins windowed subqueries row by
    row)."""
    mine = and_(plans.c.village_code.in_(villages), seen(plans, as_of, upto))
    ids = select(plans.c.plan_id).where(mine)
    rev = _latest(plan_revisions, "plan_id", ids, as_of, upto)
    appr = _latest(plan_approvals, "plan_id", ids, as_of, upto)
    latest: dict[str, int] = dict(conn.execute(select(rev.c.plan_id, rev.c.revision)).all())
    approved: dict[str, int] = dict(conn.execute(select(appr.c.plan_id, appr.c.revision)).all())
    by_kind = {k.value: {"plans": 0, "approved": 0} for k in PlanKind}
    villages_approved: set[str] = set()
    for plan_id, kind, village in conn.execute(
        select(plans.c.plan_id, plans.c.kind, plans.c.village_code).where(mine)
    ):
        by_kind[kind]["plans"] += 1
        if approved.get(plan_id) == latest[plan_id]:
            by_kind[kind]["approved"] += 1
            villages_approved.add(village)
    return {
        "plans": sum(k["plans"] for k in by_kind.values()),
        "plans_approved": sum(k["approved"] for k in by_kind.values()),
        "by_kind": by_kind,
        "villages_with_an_approved_plan": len(villages_approved),
    }


# -- measures -------------------------------------------------------------------------------------


def _measure_states(
    conn: Connection, villages: Any, as_of: date, upto: int | None
) -> list[dict[str, Any]]:
    """The measures of these villages planned by the day, each with its status that day and
    whether it is overdue (its due date passed, neither done nor dropped)."""
    rows = _rows(
        conn,
        select(measures)
        .where(measures.c.village_code.in_(villages), seen(measures, as_of, upto))
        .order_by(measures.c.village_code, measures.c.due_on, measures.c.position),
    )
    if not rows:
        return []
    latest: dict[str, tuple[date, int, str, str]] = {}
    for mid, status, because, day, position in conn.execute(
        select(
            measure_statuses.c.measure_id,
            measure_statuses.c.status,
            measure_statuses.c.because,
            measure_statuses.c.day,
            measure_statuses.c.position,
        ).where(
            measure_statuses.c.measure_id.in_([r["measure_id"] for r in rows]),
            seen(measure_statuses, as_of, upto),
        )
    ):
        was = latest.get(mid)
        if was is None or (day, position) > was[:2]:
            latest[mid] = (day, position, status, because)
    closed = {MeasureStatus.DONE.value, MeasureStatus.DROPPED.value}
    for r in rows:
        day, _, status, because = latest.get(
            r["measure_id"], (r["day"], 0, MeasureStatus.PLANNED.value, "")
        )
        r["status"], r["status_on"], r["because"] = status, day, because
        r["overdue"] = r["due_on"] < as_of and status not in closed
    return rows


def village_measures(
    conn: Connection, village: str, as_of: date, upto: int | None
) -> list[dict[str, Any]]:
    return measure_list(conn, [village], as_of, upto)


def measure_list(
    conn: Connection, villages: Any, as_of: date, upto: int | None
) -> list[dict[str, Any]]:
    """The measures of these villages planned by the day, by village and due date, each with
    its status that day, whether it is overdue, and its progress notes."""
    rows = _measure_states(conn, villages, as_of, upto)
    notes: dict[str, list[dict[str, str]]] = {}
    if rows:
        for mid, note, day in conn.execute(
            select(measure_notes.c.measure_id, measure_notes.c.note, measure_notes.c.day)
            .where(
                measure_notes.c.measure_id.in_([r["measure_id"] for r in rows]),
                seen(measure_notes, as_of, upto),
            )
            .order_by(measure_notes.c.day, measure_notes.c.position)
        ):
            notes.setdefault(mid, []).append({"on": day.isoformat(), "note": note})
    return [
        {
            "id": _uuid(r["measure_id"]),
            "village": r["village_code"],
            "plan": _uuid(r["plan_id"]),
            "item": r["item_key"],
            "category": r["category"],
            "category_zh": MeasureCategory(r["category"]).zh,
            "title": r["title"],
            "responsible": r["responsible"],
            "planned_on": r["day"].isoformat(),
            "due_on": r["due_on"].isoformat(),
            "budget_fen": int(r["budget_fen"]),
            "budget_yuan": yuan_text(int(r["budget_fen"])),
            "sources": r["sources"].split(",") if r["sources"] else [],
            "status": r["status"],
            "status_zh": MeasureStatus(r["status"]).zh,
            "status_on": r["status_on"].isoformat(),
            "because": r["because"],
            "overdue": r["overdue"],
            "progress": notes.get(r["measure_id"], []),
        }
        for r in rows
    ]


def measures_rollup(
    conn: Connection, villages: Any, as_of: date, upto: int | None
) -> dict[str, Any]:
    """The measures of the villages counted in SQL: each with its status of the day (its
    latest change by then, else planned)."""
    mine = and_(measures.c.village_code.in_(villages), seen(measures, as_of, upto))
    latest = _latest(
        measure_statuses, "measure_id", select(measures.c.measure_id).where(mine), as_of, upto
    )
    status = func.coalesce(latest.c.status, MeasureStatus.PLANNED.value)
    closed = (MeasureStatus.DONE.value, MeasureStatus.DROPPED.value)
    overdue = and_(measures.c.due_on < as_of, status.not_in(closed))
    listed: Any = literal_column("','") + measures.c.sources + literal_column("','")
    sources = [func.sum(case((listed.like(f"%,{s.value},%"), 1), else_=0)) for s in FundingSource]
    by_status = {s.value: 0 for s in MeasureStatus}
    by_category = {c.value: 0 for c in MeasureCategory}
    by_source = {s.value: 0 for s in FundingSource}
    budget = late = 0
    for st, category, n, fen, n_late, *n_sources in conn.execute(
        select(
            status,
            measures.c.category,
            func.count(),
            func.sum(measures.c.budget_fen),
            func.sum(case((overdue, 1), else_=0)),
            *sources,
        )
        .select_from(measures.outerjoin(latest, latest.c.measure_id == measures.c.measure_id))
        .where(mine)
        .group_by(status, measures.c.category)
    ):
        by_status[st] += n
        by_category[category] += n
        budget += int(fen or 0)
        late += int(n_late or 0)
        for source, k in zip(FundingSource, n_sources, strict=True):
            by_source[source.value] += int(k or 0)
    return {
        "measures": sum(by_status.values()),
        "by_status": by_status,
        "by_category": by_category,
        "overdue": late,
        "budget_fen": budget,
        "budget_yuan": yuan_text(budget),
        "measures_by_source": by_source,
    }


# -- responsibility letters -----------------------------------------------------------------------


def village_letters(
    conn: Connection, village: str, as_of: date, upto: int | None
) -> list[dict[str, Any]]:
    """The letters the village signed by the day, each with its targets."""
    rows = _rows(
        conn,
        select(letters)
        .where(letters.c.village_code == village, seen(letters, as_of, upto))
        .order_by(letters.c.day, letters.c.position),
    )
    targets: dict[str, list[dict[str, str]]] = {}
    if rows:
        for t in conn.execute(
            select(letter_targets)
            .where(letter_targets.c.letter_id.in_([r["letter_id"] for r in rows]))
            .order_by(letter_targets.c.letter_id, letter_targets.c.seq)
        ).mappings():
            targets.setdefault(t["letter_id"], []).append(
                {"text": t["text"], "plan": _uuid(t["plan_id"]), "item": t["item_key"]}
            )
    return [
        {
            "id": _uuid(r["letter_id"]),
            "unit": r["unit_code"],
            "team": _uuid(r["team_id"]),
            "signed_on": r["day"].isoformat(),
            "unit_signatory": r["unit_signatory"],
            "village_signatory": r["village_signatory"],
            "term_starts_on": r["term_starts_on"].isoformat(),
            "term_ends_on": r["term_ends_on"].isoformat(),
            "in_force": r["term_starts_on"] <= as_of <= r["term_ends_on"],
            "targets": targets.get(r["letter_id"], []),
        }
        for r in rows
    ]


def letters_rollup(
    conn: Connection, villages: Any, as_of: date, upto: int | None
) -> dict[str, Any]:
    rows = _rows(
        conn,
        select(letters.c.village_code, letters.c.term_starts_on, letters.c.term_ends_on).where(
            letters.c.village_code.in_(villages), seen(letters, as_of, upto)
        ),
    )
    return {
        "letters": len(rows),
        "in_force": sum(1 for r in rows if r["term_starts_on"] <= as_of <= r["term_ends_on"]),
        "villages_with_a_letter": len({r["village_code"] for r in rows}),
    }
