"""Replaying a run (``zhucun assess replay``): the same period computed again from the read
models as known at the run's position under its rule version must give the same bytes and
digest; ``known_now`` computes it with everything recorded since and says what changed and
which events changed it; ``rules`` is the what-if under another version of the rules.

A replay also checks the run's inputs against the audit chain: the chain's stored digests
up to the run's position, linked again, must give the link the run recorded, and every
event the run's figures rest on must still hash to its digest there. So an input event
altered after the run is caught even where the read models still hold what it used to say
(docs/adr/027, docs/adr/033)."""

from __future__ import annotations

from collections.abc import Iterable
from hashlib import sha256
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, select

from app.assessments.runs import Assessments, Recorded, parse_rules_ref
from app.describe import history_row
from domain.assessments.canonical import canonical_bytes, digest, first_difference
from domain.assessments.errors import AssessmentRulesNotFoundError, OtherRulesNameError
from domain.assessments.facts import Facts
from domain.assessments.rules import read_rules
from domain.assessments.scoring import by_team
from domain.assessments.trace import positions_behind
from projections.assessments.facts import positions_read
from projections.assessments.queries import chain_link_at, rules_version
from projections.audit.chain import GENESIS, chain, chained_to, digests, links, rows_at

PAGE = 20_000
MOST_EVENTS = 500  # events listed per team in a diff; the count says how many more


def replay(
    a: Assessments, run_id: UUID, known_now: bool = False, rules: str | None = None
) -> dict[str, Any]:
    """Reproduce the run (the default), or diff it against ``known_now`` or ``rules``."""
    recorded = a.recorded(run_id)
    stored_rules = recorded.result["rules"]
    with a.reading() as (conn, head):
        if rules is not None:
            used = _other_rules(conn, stored_rules["name"], rules)
        else:
            used = a.rules_at(conn, recorded.rules_ref, recorded.period, recorded.position)
        upto = head if known_now else recorded.position
        facts, result = a.compute(conn, recorded.unit, recorded.period, used, upto)
        out: dict[str, Any] = {
            "run_id": str(run_id),
            "mode": "known_now" if known_now else "rules" if rules else "reproduce",
            "period": recorded.period.text,
            "unit": recorded.unit,
            "position": recorded.position,
            "recomputed_at": upto,
            "rules": recorded.rules_ref,
            "recomputed_rules": used.ref,
            "digest": recorded.digest,
        }
        if not known_now and rules is None:
            out |= _reproduced(recorded, result)
            name, version = used.ref.split("@")
            read = positions_read(conn, facts, name, int(version), recorded.position)
            out["chain"] = check_chain(a, conn, recorded.position, recorded.chain_link, read)
            out["reproduced"] = out["reproduced"] and out["chain"]["ok"]
            return out
        out["recomputed_digest"] = digest(result)
        before = None
        if known_now:
            before, _ = a.compute(conn, recorded.unit, recorded.period, used, recorded.position)
        out["diff"] = diff(recorded.result, result)
        if before is not None:
            _explain_changes(a, out["diff"], before, facts, recorded.position)
    return out


def _other_rules(conn: Connection, name: str, ref: str) -> Any:
    given = ref if "@" in ref else f"{name}@{ref}"
    other, version = parse_rules_ref(given)
    if other != name:
        raise OtherRulesNameError(other, name)
    found = rules_version(conn, name, version or 0)
    if found is None:
        raise AssessmentRulesNotFoundError(given)
    return read_rules(found["content"])


def _reproduced(recorded: Recorded, result: dict[str, Any]) -> dict[str, Any]:
    """Each result serialised once: the digests are taken over the same bytes compared."""
    mine, theirs = canonical_bytes(result), canonical_bytes(recorded.result)
    recomputed = sha256(mine).hexdigest()  # = digest(result)
    same = mine == theirs
    intact = sha256(theirs).hexdigest() == recorded.digest
    first = None
    if not same:
        path, old, new = first_difference(recorded.result, result) or ("$", None, None)
        first = {"path": path, "recorded": old, "recomputed": new}
    elif not intact:
        first = {"path": "digest", "recorded": recorded.digest, "recomputed": recomputed}
    return {
        "recomputed_digest": recomputed,
        "reproduced": same and intact,
        "first_difference": first,
    }


# -- the diff --------------------------------------------------------------------------------

TEAM_OUTCOMES = ("score", "grade", "capped_by_absences", "commended")


def diff(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """Each team whose figures or outcome differ: its score, grade, criticisms and
    commendation before and after, and each input whose figure changed."""
    before = {t["team_id"]: t for t in old["teams"]}
    after = {t["team_id"]: t for t in new["teams"]}
    teams = []
    for team_id in sorted(set(before) | set(after)):
        a, b = before.get(team_id), after.get(team_id)
        if a is None or b is None:
            present = a or b
            assert present is not None
            teams.append(
                {
                    "team_id": team_id,
                    "team_name": present["team_name"],
                    "change": "added" if a is None else "removed",
                    "score": [a and a["score"], b and b["score"]],
                    "grade": [a and a["grade"], b and b["grade"]],
                    "inputs": {},
                }
            )
            continue
        inputs = {
            name: {"recorded": fig, "recomputed": b["inputs"][name]}
            for name, fig in a["inputs"].items()
            if b["inputs"].get(name) != fig
        }
        outcome = {k: [a[k], b[k]] for k in TEAM_OUTCOMES if a[k] != b[k]}
        criticisms = [c["reason"] for c in a["criticisms"]], [c["reason"] for c in b["criticisms"]]
        members = [
            m["cadre_id"] for m, n in zip(a["members"], b["members"], strict=False) if m != n
        ] + ([] if len(a["members"]) == len(b["members"]) else ["(members changed)"])
        if not (inputs or outcome or criticisms[0] != criticisms[1] or members):
            continue
        teams.append(
            {
                "team_id": team_id,
                "team_name": b["team_name"],
                "change": "changed",
                "score": [a["score"], b["score"]],
                "grade": [a["grade"], b["grade"]],
                "criticisms": list(criticisms) if criticisms[0] != criticisms[1] else None,
                "outcome": outcome,
                "inputs": inputs,
                "members_changed": members,
            }
        )
    return {
        "teams": teams,
        "teams_changed": len(teams),
        "grades_changed": sum(1 for t in teams if t["grade"][0] != t["grade"][1]),
        "commended": [old["summary"]["commended"], new["summary"]["commended"]],
        "criticised": [old["summary"]["criticised"], new["summary"]["criticised"]],
    }


def _explain_changes(
    a: Assessments, found: dict[str, Any], before: Facts, after: Facts, position: int
) -> None:
    """Beside each changed team, the events recorded after the run's position that changed
    its figures: what its figures rest on now and did not then, and what replaced a
    version they read then."""
    old, new = by_team(before), by_team(after)
    for team in found["teams"]:
        was, now_ = old.get(team["team_id"]), new.get(team["team_id"])
        then = positions_behind(was, was.teams[0]) if was is not None else set()
        now = positions_behind(now_, now_.teams[0]) if now_ is not None else set()
        replaced = {p for p in then if p > position}
        later = sorted(p for p in (now - then) | replaced if p > position)
        team["events"] = [_event(a, p) for p in later[:MOST_EVENTS]]
        team["more_events"] = max(0, len(later) - MOST_EVENTS)


def _event(a: Assessments, position: int) -> dict[str, Any]:
    logged = a.store.read_log(position - 1, 1)
    row = history_row(logged[0])
    keep = (
        "position",
        "event",
        "what_zh",
        "what_en",
        "occurred_on",
        "recorded_at",
        "actor",
        "role",
        "reason",
    )
    return {k: row[k] for k in keep}


# -- the audit chain up to the run -----------------------------------------------------------


def check_chain(
    a: Assessments,
    conn: Connection,
    upto: int,
    recorded_link: str,
    inputs: Iterable[int] | None = None,
) -> dict[str, Any]:
    """The run's inputs checked against the audit chain (docs/adr/033).

    The chain's stored digests up to ``upto`` are linked again from the start: the last
    link must equal the link the run recorded (or, where it recorded none, the chain's
    stored link there), which proves every stored digest up to ``upto`` is the one chained
    when the run was made. Then each event at ``inputs`` (the positions the run's figures
    rest on) must still be in the log and hash to its stored digest. Without ``inputs``
    every event up to ``upto`` is hashed again, as ``audit verify`` does. Only when
    something differs is the log walked beside the stored chain, to name the first
    position where they part."""
    expected = recorded_link or chain_link_at(conn, upto)
    if inputs is None:
        previous, after = GENESIS, 0
        while after < upto and (rows := a.store.raw_rows(after, upto, PAGE)):
            previous, after = links(previous, rows)[-1][1], rows[-1][0]
        if after == upto and previous.hex() == expected:
            return _chain_ok(upto, expected, None)
        return _chain_problem(upto, _first_departure(a, conn, upto))
    wanted = sorted(p for p in set(inputs) if 0 < p <= upto)
    last, link, stored = chained_to(conn, upto, wanted)
    if last != upto or link.hex() != expected:
        return _chain_problem(upto, _first_departure(a, conn, upto))
    present: set[int] = set()
    bad: list[int] = []
    for rows in rows_at(conn, wanted):
        for position, found in digests(rows):
            present.add(position)
            # a position the chain never had is as wrong as a digest that differs
            if stored.get(position) != found:
                bad.append(position)
    bad += [p for p in wanted if p not in present]  # gone from the log
    if bad:
        return _chain_problem(upto, min(bad))
    return _chain_ok(upto, expected, len(wanted))


def _chain_ok(upto: int, link: str, inputs: int | None) -> dict[str, Any]:
    return {
        "ok": True,
        "verified_to": upto,
        "link": link,
        "inputs_checked": inputs,
        "problem": None,
    }


def _first_departure(a: Assessments, conn: Connection, upto: int) -> int:
    """The first position up to ``upto`` where the log departs from the stored chain; ``upto``
    itself when they agree throughout (the chain was built again over an altered log, and
    only the run's own link shows it)."""
    previous, after = GENESIS, 0
    while after < upto and (rows := a.store.raw_rows(after, upto, PAGE)):
        mine = links(previous, rows)
        last = mine[-1][0]
        stored = [
            (int(p), bytes(k))
            for p, k in conn.execute(
                select(chain.c.position, chain.c.link)
                .where(chain.c.position > after, chain.c.position <= last)
                .order_by(chain.c.position)
            )
        ]
        if stored != mine:
            return _first_apart(mine, stored)
        previous, after = mine[-1][1], last
    return after if after != upto else upto


def _first_apart(mine: list[tuple[int, bytes]], stored: list[tuple[int, bytes]]) -> int:
    for m, s in zip(mine, stored, strict=False):
        if m != s:
            return min(m[0], s[0])
    longer = mine if len(mine) > len(stored) else stored
    return longer[min(len(mine), len(stored))][0]


def _chain_problem(upto: int, position: int) -> dict[str, Any]:
    return {
        "ok": False,
        "verified_to": upto,
        "link": None,
        "inputs_checked": None,
        "problem": {
            "position": position,
            "zh": f"第 {position} 条：日志与审计链不符（事件被改动、删除或插入）",
            "en": f"position {position}: the log differs from the audit chain "
            "(an event was changed, deleted or inserted)",
        },
    }
