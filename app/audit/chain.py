"""Tamper evidence: checkpoints of the audit chain, and verifying the stored log against the
chain and against checkpoints kept outside the system (docs/audit.md)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, Engine, func, select
from sqlalchemy.exc import SQLAlchemyError

from app.audit.segments import default_segments, verify_segments
from app.store.event_store import EventStore
from domain.assessments.canonical import digest
from domain.assessments.runs import whole_result
from domain.errors import InvalidInputError
from projections.assessments.tables import runs as assessment_runs
from projections.audit.chain import GENESIS, chain, extend

ALGORITHM = "zhucun-chain-sha256-v1"
PAGE = 20000


@dataclass(frozen=True)
class RunSeal:
    """A published assessment run as a checkpoint lists it: its id, its digest, the log
    position it was computed as known at and the chain's link there (docs/audit.md)."""

    run_id: str
    digest: str
    position: int
    chain_link: str

    @classmethod
    def read(cls, item: Any) -> RunSeal:
        seal = cls(
            str(UUID(str(item["run_id"]))),
            str(item["digest"]).lower(),
            int(item["position"]),
            str(item.get("chain_link", "")).lower(),
        )
        bytes.fromhex(seal.digest)
        bytes.fromhex(seal.chain_link)
        return seal


@dataclass(frozen=True)
class Checkpoint:
    position: int
    link: str  # hex
    time: str  # ISO 8601, UTC
    algorithm: str = ALGORITHM
    runs: tuple[RunSeal, ...] = ()  # the runs published up to ``position``

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["runs"] = [asdict(r) for r in self.runs]
        return out


@dataclass(frozen=True)
class Problem:
    """The first place the log departs from the chain or a checkpoint."""

    kind: str  # changed, deleted, inserted, reordered, chain-altered, differs-from-checkpoint
    position: int
    zh: str
    en: str
    after: int | None = None  # for a checkpoint: the change lies in (after, position]

    def as_dict(self) -> dict[str, Any]:
        return {key: getattr(self, key) for key in ("kind", "position", "after", "zh", "en")}


@dataclass
class Verdict:
    events: int = 0
    head_position: int = 0
    head_link: str = GENESIS.hex()
    chained_to: int = 0
    pending: int = 0  # events after the chain's head, not chained yet
    checkpoints: int = 0
    problem: Problem | None = None
    runs_checked: int = 0
    run_problems: list[RunProblem] = field(default_factory=list)
    _links_at: dict[int, bytes] = field(default_factory=dict, repr=False)

    @property
    def ok(self) -> bool:
        return self.problem is None and not self.run_problems

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "events": self.events,
            "head_position": self.head_position,
            "head_link": self.head_link,
            "chained_to": self.chained_to,
            "pending": self.pending,
            "checkpoints_checked": self.checkpoints,
            "problem": self.problem.as_dict() if self.problem else None,
            "runs_checked": self.runs_checked,
            "run_problems": [asdict(r) for r in self.run_problems],
        }


@dataclass(frozen=True)
class RunProblem:
    """A published run whose recorded event, or whose inputs, are not what was sealed."""

    run_id: str
    kind: str  # missing, digest-altered, result-altered, inputs-altered
    zh: str
    en: str
    position: int  # the run's own event, or the position it was computed at if that is gone


def checkpoint(engine: Engine, now: datetime | None = None) -> Checkpoint:
    """The chain's head as a checkpoint (call after the read models caught up), with the
    assessment runs published up to it."""
    with engine.connect() as conn:
        row = conn.execute(
            select(chain.c.position, chain.c.link).order_by(chain.c.position.desc()).limit(1)
        ).first()
        position, link = (int(row[0]), bytes(row[1])) if row else (0, GENESIS)
        sealed = _published_runs(conn, position)
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    return Checkpoint(
        position, link.hex(), moment.isoformat(timespec="seconds"), runs=tuple(sealed)
    )


def _published_runs(conn: Connection, upto: int | None = None) -> list[RunSeal]:
    query = select(
        assessment_runs.c.run_id,
        assessment_runs.c.digest,
        assessment_runs.c.known_at,
        assessment_runs.c.chain_link,
    ).where(assessment_runs.c.published_position.is_not(None))
    if upto is not None:
        query = query.where(assessment_runs.c.published_position <= upto)
    return [
        RunSeal(str(UUID(r)), d, int(p), k)
        for r, d, p, k in conn.execute(query.order_by(assessment_runs.c.position))
    ]


def parse_checkpoints(text: str) -> list[Checkpoint]:
    """One checkpoint (a JSON object), several (a JSON list), or JSON lines, one per line:
    an auditor may keep appending ``zhucun audit checkpoint`` outputs to one file."""
    try:
        data = json.loads(text)
        items = data if isinstance(data, list) else [data]
    except json.JSONDecodeError:
        try:
            items = [json.loads(line) for line in text.splitlines() if line.strip()]
        except json.JSONDecodeError as e:
            raise _bad_checkpoint(f"not JSON: {e.msg}") from None
    out = []
    for item in items:
        try:
            algorithm = str(item.get("algorithm", ALGORITHM))
            cp = Checkpoint(
                int(item["position"]),
                str(item["link"]).lower(),
                str(item.get("time", "")),
                algorithm,
            )
            bytes.fromhex(cp.link)
        except (KeyError, TypeError, ValueError, AttributeError):
            raise _bad_checkpoint("each checkpoint needs a position and a hex link") from None
        try:
            runs = tuple(RunSeal.read(r) for r in item.get("runs", []))
        except (KeyError, TypeError, ValueError, AttributeError):
            raise _bad_checkpoint(
                "each run of a checkpoint needs a run_id, a hex digest and a position"
            ) from None
        cp = Checkpoint(cp.position, cp.link, cp.time, cp.algorithm, runs)
        if cp.algorithm != ALGORITHM:
            raise _bad_checkpoint(f"unknown algorithm {cp.algorithm!r}")
        out.append(cp)
    return sorted(out, key=lambda c: c.position)


def _bad_checkpoint(why: str) -> InvalidInputError:
    return InvalidInputError(
        "checkpoint", f"检查点文件无效：{why}", f"invalid checkpoint file: {why}"
    )


def verify(
    store: EventStore,
    engine: Engine,
    checkpoints: list[Checkpoint] | None = None,
    page: int = PAGE,
    segments: int | None = None,
) -> Verdict:
    """Re-read the whole log from the events table, recompute the chain, and compare it with
    the stored chain and with the checkpoints. Writes nothing.

    On an SQLite file the log is first checked in ``segments`` parts side by side (by
    default one per core for a large log; app/audit/segments.py); only if something
    differs is it walked again in order, below, to name the first position and how.
    ``segments=0`` walks in order only (on PostgreSQL it always does)."""
    cps = checkpoints or []
    with engine.connect() as conn:
        seals = _seals(cps, conn)
    verdict = _verify_log(store, engine, cps, page, segments, {s.position for s in seals})
    verdict.runs_checked = len(seals)
    verdict.run_problems = check_runs(store, seals, verdict)
    if verdict.problem is None and verdict.run_problems:
        # the log chains (a chain rebuilt over a rewritten run, say): the run names the place
        first = verdict.run_problems[0]
        verdict.problem = Problem("run-altered", first.position, first.zh, first.en)
    return verdict


def _seals(cps: list[Checkpoint], conn: Connection) -> list[RunSeal]:
    """The runs to check: those the checkpoints list (kept outside the system: they win),
    and the runs the read model knows as published."""
    found: dict[str, RunSeal] = {}
    try:
        known = _published_runs(conn)
    except SQLAlchemyError:  # a store without the assessments' tables yet
        known = []
    for seal in known:
        found[seal.run_id] = seal
    for cp in cps:
        for seal in cp.runs:
            found[seal.run_id] = seal
    return sorted(found.values(), key=lambda s: (s.position, s.run_id))


def check_runs(store: EventStore, seals: list[RunSeal], verdict: Verdict) -> list[RunProblem]:
    """Each sealed run: its event still there with the sealed digest and a result that
    hashes to it; the log up to its position still chains to the link it recorded."""
    out = []
    for seal in seals:
        try:
            events = store.events_of([UUID(seal.run_id)])
            whole = whole_result(e.event for e in events)
            at = events[0].position if events else seal.position
        except Exception:  # an event altered past decoding
            whole, at = None, seal.position
        if whole is None:
            out.append(_run_problem(seal, "missing", at))
            continue
        first, result = whole
        if first.digest != seal.digest:
            out.append(_run_problem(seal, "digest-altered", at))
        elif digest(result) != seal.digest:
            out.append(_run_problem(seal, "result-altered", at))
        link = verdict._links_at.get(seal.position)
        if seal.chain_link and (link is None or link.hex() != seal.chain_link):
            out.append(_run_problem(seal, "inputs-altered", at, verdict.problem))
    return out


RUN_PROBLEMS = {
    "missing": ("考核事件已不在日志中", "the run's event is gone from the log"),
    "digest-altered": (
        "考核事件中的摘要被改动",
        "the digest stored in the run's event was altered",
    ),
    "result-altered": (
        "考核事件中的结果被改动，与摘要不符",
        "the result stored in the run's events was altered: it no longer hashes to its digest",
    ),
    "inputs-altered": (
        "考核所依据的日志（截至其位置）被改动",
        "the log the run was computed from (up to its position) was altered",
    ),
}


def _run_problem(seal: RunSeal, kind: str, position: int, at: Problem | None = None) -> RunProblem:
    zh, en = RUN_PROBLEMS[kind]
    where_zh = where_en = ""
    if at is not None and at.position <= seal.position:
        where_zh, where_en = f"（{at.zh}）", f" ({at.en})"
    return RunProblem(
        seal.run_id,
        kind,
        f"考核 {seal.run_id}（截至第 {seal.position} 条）：{zh}{where_zh}",
        f"assessment run {seal.run_id} (as known at position {seal.position}): {en}{where_en}",
        position,
    )


def _verify_log(
    store: EventStore,
    engine: Engine,
    cps: list[Checkpoint],
    page: int,
    segments: int | None,
    runs_at: set[int],
) -> Verdict:
    watch = {c.position for c in cps} | runs_at
    verdict = Verdict(checkpoints=len(cps))
    with engine.connect() as conn:
        head = conn.execute(select(func.max(chain.c.position))).scalar()
    chain_head = int(head or 0)
    verdict.chained_to = chain_head
    path = _sqlite_file(engine)
    if path is not None and segments != 0:
        parts = segments if segments is not None else default_segments(chain_head)
        intact = verify_segments(path, chain_head, watch, page, parts)
        if intact is not None:
            verdict.events, verdict.pending = intact.events, intact.pending
            verdict.head_position = intact.last_position
            verdict.head_link = intact.last_link.hex()
            verdict.problem = _against_checkpoints(cps, intact.links_at, intact.last_position)
            verdict._links_at = dict(intact.links_at)
            if verdict.problem is None:
                return verdict
            verdict = Verdict(checkpoints=len(cps), chained_to=chain_head)
    mismatch: tuple[int, bytes, bytes] | None = None  # position, log digest, chain digest
    previous = GENESIS
    after = 0
    with _ChainReader(engine) as stored_chain:
        while rows := store.raw_rows(after, None, page):
            links = extend(previous, rows)
            last = links[-1][0]
            if watch:
                for position, _, link in links:
                    if position in watch:
                        verdict._links_at[position] = link
            chained = links if last <= chain_head else [x for x in links if x[0] <= chain_head]
            verdict.pending += len(links) - len(chained)
            if verdict.problem is None and mismatch is None:
                stored = stored_chain.between(after, min(last, chain_head))
                # The usual case, a page that matches, is one comparison of two lists.
                if stored != [(p, k) for p, _, k in chained]:
                    verdict.problem, mismatch = _first_difference(engine, chained, stored)
            verdict.events += len(links)
            previous = links[-1][2]
            after = last
        if verdict.problem is None and mismatch is None:
            beyond = stored_chain.between(after, chain_head)
            if beyond:
                # the log ends before the chain does
                verdict.problem = _problem("deleted", beyond[0][0])
    verdict.head_position, verdict.head_link = after, previous.hex()
    if mismatch is not None:
        verdict.problem = _classify(store, engine, page, *mismatch)
    against = _against_checkpoints(cps, verdict._links_at, after)
    if against is not None and (
        verdict.problem is None or against.position < verdict.problem.position
    ):
        verdict.problem = against
    return verdict


def _sqlite_file(engine: Engine) -> Path | None:
    if engine.dialect.name != "sqlite":
        return None
    name = engine.url.database
    if not name or name == ":memory:" or name.startswith("file:"):
        return None
    return Path(name)


class _ChainReader:
    """The stored chain's (position, link) pairs over a range, through the driver's own
    cursor: SQLAlchemy's row handling would cost more than the hashing."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        mark = "%s" if engine.dialect.name == "postgresql" else "?"
        self.sql = (
            f"SELECT position, link FROM audit_chain WHERE position > {mark} "
            f"AND position <= {mark} ORDER BY position"
        )

    def __enter__(self) -> _ChainReader:
        self.conn = self.engine.raw_connection()
        return self

    def __exit__(self, *exc: object) -> None:
        self.conn.close()

    def between(self, after: int, upto: int) -> list[tuple[int, bytes]]:
        cursor = self.conn.cursor()
        try:
            cursor.execute(self.sql, (after, upto))
            # int and bytes on both drivers, as the page's tuples it is compared with
            return list(cursor.fetchall())
        finally:
            cursor.close()
            self.conn.rollback()


def _first_difference(
    engine: Engine, mine: list[tuple[int, bytes, bytes]], stored: list[tuple[int, bytes]]
) -> tuple[Problem | None, tuple[int, bytes, bytes] | None]:
    """Walk a page of the recomputed chain beside the stored one to the first difference."""
    i = j = 0
    while i < len(mine) or j < len(stored):
        m = mine[i] if i < len(mine) else None
        s = stored[j] if j < len(stored) else None
        if s is not None and (m is None or s[0] < m[0]):
            return _problem("deleted", s[0]), None
        if m is not None and (s is None or m[0] < s[0]):
            return _problem("inserted", m[0]), None
        assert m is not None and s is not None
        if s[1] != m[2]:
            chained = _digest_at(engine, m[0])
            if chained == m[1]:
                return _problem("chain-altered", m[0]), None
            return None, (m[0], m[1], chained)
        i += 1
        j += 1
    return None, None


def _chain_rows(engine: Engine, page: int, digests: bool = False) -> Iterator[tuple[Any, ...]]:
    """(position, link) or (position, digest, link) of the stored chain, in order, through
    the driver's own cursor: SQLAlchemy's row handling would cost more than the hashing."""
    mark = "%s" if engine.dialect.name == "postgresql" else "?"
    columns = "position, digest, link" if digests else "position, link"
    sql = (
        f"SELECT {columns} FROM audit_chain WHERE position > {mark} ORDER BY position LIMIT {mark}"
    )
    after = 0
    conn = engine.raw_connection()
    try:
        while True:
            cursor = conn.cursor()
            cursor.execute(sql, (after, page))
            rows = cursor.fetchall()
            cursor.close()
            conn.rollback()
            if not rows:
                return
            yield from rows
            after = rows[-1][0]
    finally:
        conn.close()


def _classify(
    store: EventStore,
    engine: Engine,
    page: int,
    position: int,
    log_digest: bytes,
    chain_digest: bytes,
) -> Problem:
    """At the first position where the row differs from the one chained: is the row found
    now chained elsewhere, and is the row chained here still somewhere in the log?"""
    moved_here = any(
        bytes(d) == log_digest for p, d, _ in _chain_rows(engine, page, True) if p != position
    )
    still_there = False
    after = 0
    while not still_there and (rows := store.raw_rows(after, None, page)):
        still_there = any(d == chain_digest for p, d, _ in extend(GENESIS, rows) if p != position)
        after = rows[-1][0]
    if moved_here and still_there:
        return _problem("reordered", position)
    if still_there:
        return _problem("inserted", position)
    if moved_here:
        return _problem("deleted", position)
    return _problem("changed", position)


def _digest_at(engine: Engine, position: int) -> bytes:
    with engine.connect() as conn:
        found = conn.execute(select(chain.c.digest).where(chain.c.position == position)).scalar()
    return bytes(found) if found is not None else b""


# What the log shows at the first position it departs from the chain, in Chinese and English.
AT_POSITION = {
    "changed": ("已存储的事件被改动", "a stored event was changed"),
    "deleted": ("已存储的事件被删除", "a stored event was deleted"),
    "inserted": ("日志中插入了未记入链的事件", "an event was inserted into the log"),
    "reordered": ("事件被调换了顺序", "stored events were reordered"),
    "chain-altered": (
        "事件未变，但审计链被改动",
        "the event is intact but the audit chain was altered",
    ),
}


def _problem(kind: str, position: int) -> Problem:
    zh, en = AT_POSITION[kind]
    return Problem(kind, position, f"第 {position} 条：{zh}", f"position {position}: {en}")


def _against_checkpoints(
    cps: list[Checkpoint], links_at: dict[int, bytes], last: int
) -> Problem | None:
    good = 0
    for cp in cps:
        got = links_at.get(cp.position)
        if got is not None and got.hex() == cp.link:
            good = cp.position
            continue
        if got is None and cp.position > last:
            zh_what, en_what = "日志比检查点短", "the log ends before the checkpoint"
        elif got is None:
            zh_what, en_what = "检查点位置的事件已不在日志中", "the event at the checkpoint is gone"
        else:
            zh_what, en_what = "重新计算的链与检查点不符", "the recomputed chain differs"
        return Problem(
            "differs-from-checkpoint",
            cp.position,
            f"与 {cp.time} 的检查点（第 {cp.position} 条）不符：{zh_what}；"
            f"改动发生在第 {good + 1} 至 {cp.position} 条之间",
            f"does not match the checkpoint of {cp.time} (position {cp.position}): {en_what}; "
            f"the change lies between positions {good + 1} and {cp.position}",
            after=good,
        )
    return None
