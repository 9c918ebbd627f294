"""The counts of a village's survey (or of many added up), as the ledger answers them, and as
the columns of a stored row (``tables.village_now``): each count of the nested shape is one
column, named by its path (``opinions_by_source__symposium``)."""

from __future__ import annotations

from typing import Any

from domain.ledger.findings import OpinionCategory, OpinionSource, RootCause
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


def unflatten(flat: dict[str, Any]) -> dict[str, Any]:
    """The nested shape back from its columns (None, an empty sum, as 0)."""
    out = empty_counts()
    for column, value in flat.items():
        *path, last = column.split(SEP)
        node = out
        for key in path:
            node = node[key]
        node[last] = int(value or 0)
    return out


# The columns, in the order of the shape.
COLUMNS: tuple[str, ...] = tuple(flatten(empty_counts()))
