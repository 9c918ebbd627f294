"""Tamper evidence: checkpoints of the audit chain, and verifying the stored log against the
chain and against checkpoints kept outside the system (docs/audit.md)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, func, select

from app.store import EventStore
from domain.errors import InvalidInputError
from projections.audit import GENESIS, chain, extend

ALGORITHM = "zhucun-chain-sha256-v1"
PAGE = 20000


@dataclass(frozen=True)
class Checkpoint:
    position: int
    link: str  # hex
    time: str  # ISO 8601, UTC
    algorithm: str = ALGORITHM

    def as_dict(self) -> dict[str, Any]:
        return {
            "position": self.position,
            "link": self.link,
            "time": self.time,
            "algorithm": self.algorithm,
        }


@dataclass(frozen=True)
class Problem:
    """The first place the log departs from the chain or a checkpoint."""

    kind: str  # changed, deleted, inserted, reordered, chain-altered, differs-from-checkpoint
    position: int
    zh: str
    en: str
    after: int | None = None  # for a checkpoint: the change lies in (after, position]

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "position": self.position,
            "after": self.after,
            "zh": self.zh,
            "en": self.en,
        }


@dataclass
class Verdict:
    events: int = 0
    head_position: int = 0
    head_link: str = GENESIS.hex()
    chained_to: int = 0
    pending: int = 0  # events after the chain's head, not chained yet
    checkpoints: int = 0
    problem: Problem | None = None
    _links_at: dict[int, bytes] = field(default_factory=dict, repr=False)

    @property
    def ok(self) -> bool:
        return self.problem is None

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
        }


def checkpoint(engine: Engine, now: datetime | None = None) -> Checkpoint:
    """The chain's head as a checkpoint (call after the read models caught up)."""
    with engine.connect() as conn:
        row = conn.execute(
            select(chain.c.position, chain.c.link).order_by(chain.c.position.desc()).limit(1)
        ).first()
    position, link = (int(row[0]), bytes(row[1])) if row else (0, GENESIS)
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    return Checkpoint(position, link.hex(), moment.isoformat(timespec="seconds"))


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
        if cp.algorithm != ALGORITHM:
            raise _bad_checkpoint(f"unknown algorithm {cp.algorithm!r}")
        out.append(cp)
    return sorted(out, key=lambda c: c.position)


def _bad_checkpoint(why: str) -> InvalidInputError:
    return InvalidInputError(
        "checkpoint", f"检查点文件无效：{why}", f"invalid checkpoint file: {why}"
    )


def verify(
    store: EventStore, engine: Engine, checkpoints: list[Checkpoint] | None = None, page: int = PAGE
) -> Verdict:
    """Re-read the whole log from the events table, recompute the chain, and compare it with
    the stored chain and with the checkpoints. Writes nothing."""
    cps = checkpoints or []
    watch = {c.position for c in cps}
    verdict = Verdict(checkpoints=len(cps))
    with engine.connect() as conn:
        head = conn.execute(select(func.max(chain.c.position))).scalar()
    chain_head = int(head or 0)
    verdict.chained_to = chain_head
    stored = _chain_rows(engine, page)
    expected = next(stored, None)
    mismatch: tuple[int, bytes, bytes] | None = None  # position, log digest, chain digest
    previous = GENESIS
    after = 0
    while rows := store.raw_rows(after, None, page):
        links = extend(previous, rows)
        for position, digest, link in links:
            if position in watch:
                verdict._links_at[position] = link
            if verdict.problem is not None or mismatch is not None:
                continue
            if expected is not None and expected[0] < position:
                verdict.problem = _deleted(expected[0])
                continue
            if expected is not None and expected[0] == position:
                if expected[2] != link:
                    if expected[1] == digest:
                        verdict.problem = _chain_altered(position)
                    else:
                        mismatch = (position, digest, expected[1])
                expected = next(stored, None)
            elif position <= chain_head:
                verdict.problem = _inserted(position)
            else:
                verdict.pending += 1
        verdict.events += len(links)
        previous = links[-1][2]
        after = links[-1][0]
    verdict.head_position, verdict.head_link = after, previous.hex()
    if verdict.problem is None and mismatch is None and expected is not None:
        verdict.problem = _deleted(expected[0])  # the log ends before the chain does
    if mismatch is not None:
        verdict.problem = _classify(store, engine, page, *mismatch)
    against = _against_checkpoints(cps, verdict._links_at, after)
    if against is not None and (
        verdict.problem is None or against.position < verdict.problem.position
    ):
        verdict.problem = against
    return verdict


def _chain_rows(engine: Engine, page: int) -> Iterator[tuple[int, bytes, bytes]]:
    after = 0
    while True:
        with engine.connect() as conn:
            rows = conn.execute(
                select(chain.c.position, chain.c.digest, chain.c.link)
                .where(chain.c.position > after)
                .order_by(chain.c.position)
                .limit(page)
            ).all()
        if not rows:
            return
        for p, d, k in rows:
            yield int(p), bytes(d), bytes(k)
        after = int(rows[-1][0])


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
    moved_here = any(d == log_digest for p, d, _ in _chain_rows(engine, page) if p != position)
    still_there = False
    after = 0
    while not still_there and (rows := store.raw_rows(after, None, page)):
        still_there = any(d == chain_digest for p, d, _ in extend(GENESIS, rows) if p != position)
        after = rows[-1][0]
    if moved_here and still_there:
        return Problem(
            "reordered",
            position,
            f"第 {position} 条：事件被调换了顺序",
            f"position {position}: stored events were reordered",
        )
    if still_there:
        return _inserted(position)
    if moved_here:
        return _deleted(position)
    return Problem(
        "changed",
        position,
        f"第 {position} 条：已存储的事件被改动",
        f"position {position}: a stored event was changed",
    )


def _deleted(position: int) -> Problem:
    return Problem(
        "deleted",
        position,
        f"第 {position} 条：已存储的事件被删除",
        f"position {position}: a stored event was deleted",
    )


def _inserted(position: int) -> Problem:
    return Problem(
        "inserted",
        position,
        f"第 {position} 条：日志中插入了未记入链的事件",
        f"position {position}: an event was inserted into the log",
    )


def _chain_altered(position: int) -> Problem:
    return Problem(
        "chain-altered",
        position,
        f"第 {position} 条：事件未变，但审计链被改动",
        f"position {position}: the event is intact but the audit chain was altered",
    )


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
