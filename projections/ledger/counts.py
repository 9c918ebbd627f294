"""The counts of a village's ledger (or of many added up), as the ledger answers them, and as
the columns of a stored row (``tables.village_now``): each count of the nested shape is one
column, named by its path (``opinions_by_source__symposium``,
``measures__by_status__done``)."""

from __future__ import annotations

from typing import Any

from domain.ledger.findings import OpinionCategory, OpinionSource, RootCause
from domain.ledger.goals import GoalStatus, SixHave
from domain.ledger.measures import FundingSource, MeasureStatus
from domain.ledger.plans import MeasureCategory, PlanKind
from domain.ledger.survey import ParticipantCategory

SEP = "__"


def empty_counts() -> dict[str, Any]:
    return {
        "questionnaires": {"batches": 0, "handed_out": 0, "returned": 0},
        "statistics_tables": {"batches": 0, "handed_out": 0, "returned": 0},
        "tables_and_questionnaires": 0,
        "symposiums": 0,
        "collective_consultations": 0,
        "participants": {c.value: 0 for c in ParticipantCategory},
        "interviews": 0,
        "opinions": 0,
        "opinions_by_source": {s.value: 0 for s in OpinionSource},
        "opinions_by_category": {c.value: 0 for c in OpinionCategory},
        "problems": 0,
        "problems_by_root_cause": {r.value: 0 for r in RootCause},
    }


def flatten(counts: dict[str, Any], prefix: str = "") -> dict[str, int]:
    """``{"questionnaires": {"batches": 2}}`` -> ``{"questionnaires__batches": 2}``."""
    out: dict[str, int] = {}
    for key, value in counts.items():
        if isinstance(value, dict):
            out |= flatten(value, f"{prefix}{key}{SEP}")
        else:
            out[f"{prefix}{key}"] = int(value)
    return out


def unflatten(flat: dict[str, Any], out: dict[str, Any] | None = None) -> dict[str, Any]:
    """The nested shape (``empty_counts()`` unless given) back from its columns (None, an
    empty sum, as 0)."""
    out = empty_counts() if out is None else out
    for column, value in flat.items():
        *path, last = column.split(SEP)
        node = out
        for key in path:
            node = node[key]
        node[last] = int(value or 0)
    return out


UNJUDGED = "unjudged"  # a goal set and never judged


def work_counts() -> dict[str, Any]:
    """What a village's plans, measures and 六有 goals come to as the log now tells it:
    counted per village and added up, except what the day decides (a measure overdue, the
    items without a goal of the villages with any), worked out when asked."""
    return {
        "plans": {
            "by_kind": {k.value: {"plans": 0, "approved": 0} for k in PlanKind},
            "villages_with_an_approved_plan": 0,
        },
        "measures": {
            "by_status": {s.value: 0 for s in MeasureStatus},
            "by_category": {c.value: 0 for c in MeasureCategory},
            "budget_fen": 0,
            "measures_by_source": {s.value: 0 for s in FundingSource},
        },
        "six_haves": {
            "villages_with_goals": 0,
            "villages_all_met": 0,
            "by_goal": {
                g.value: {b: 0 for b in (UNJUDGED, *(s.value for s in GoalStatus))} for g in SixHave
            },
        },
    }


# The columns, in the order of the shapes: the survey's, then the plans', measures' and goals'.
COLUMNS: tuple[str, ...] = tuple(flatten(empty_counts()))
WORK_COLUMNS: tuple[str, ...] = tuple(flatten(work_counts()))
