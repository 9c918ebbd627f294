"""Audit queries over the whole log: who did what, when it happened and when it was recorded,
and why, filtered and paged; back-dated entries and corrections flagged (docs/audit.md)."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any, TextIO
from uuid import UUID

from eventsourcing.persistence import StoredEvent
from eventsourcing.utils import get_topic
from sqlalchemy import Engine, text

# The filter and its default stay importable from here, where the command line finds them.
from app.audit.entries import BACKDATED_DAYS as BACKDATED_DAYS
from app.audit.entries import AuditFilter as AuditFilter
from app.audit.entries import IdTexts, entry_row, local_time
from app.audit.lookup import indexed_count, indexed_rows
from app.audit.people import Directory, scope_under, team_scope
from app.describe import event_type
from app.store.clock import CHINA_TZ
from app.store.event_store import EventStore, LoggedEvent
from domain.corrections import Correction
from domain.errors import TeamNotFoundError, UnitNotFoundError
from projections.audit.chain import events_source

COLUMNS = [
    "position",
    "recorded_at",
    "occurred_on",
    "backdated",
    "correction",
    "corrects",
    "corrected_by",
    "actor",
    "actor_name",
    "role",
    "actor_unit",
    "event",
    "what_zh",
    "what_en",
    "subject",
    "subject_name",
    "details",
    "reason",
]

# Column headings for people (CSV keeps the machine names above; Excel shows these).
HEADINGS = {
    "position": "日志位置 position",
    "recorded_at": "登记时间 recorded at (Beijing)",
    "occurred_on": "发生日期 occurred on",
    "backdated": "补录 back-dated",
    "correction": "更正 correction",
    "corrects": "更正的位置 corrects",
    "corrected_by": "被更正 corrected by",
    "actor": "办理人编号 actor id",
    "actor_name": "办理人 actor",
    "role": "角色 role",
    "actor_unit": "办理人单位 actor's unit",
    "event": "事件类型 event",
    "what_zh": "事项",
    "what_en": "what happened",
    "subject": "对象编号 subject id",
    "subject_name": "对象 subject",
    "details": "详情 details",
    "reason": "事由 reason",
}

CORRECTION_TOPIC = get_topic(Correction.Recorded)
# Creation events that make an aggregate part of a person's own record (a cadre's months
# and leave requests, a household's central household): the field naming the person.
OWNED_BY = {
    "MemberMonth.Started": "cadre_id",
    "LeaveRequest.Requested": "cadre_id",
    "CentralHousehold.Designated": "household_id",
}


@dataclass
class Page:
    """What a query returned, and where the next page starts."""

    rows: list[dict[str, Any]]
    more: bool = False  # stopped at the limit; there may be more
    last_position: int | None = None
    total: int | None = None  # the entries of the whole answer, when counted

    def next_hint(self, f: AuditFilter) -> str | None:
        if not self.more or self.last_position is None:
            return None
        return f"--after {self.last_position}" + (f" --limit {f.limit}" if f.limit else "")


def corrections_index(store: EventStore, engine: Engine) -> dict[int, list[int]]:
    """Corrected position -> positions of the corrections of it, from the few stored rows of
    one event type (decoded through the store's mapper, so a cipher is honoured)."""
    table, pos = events_source(engine.dialect.name)
    with engine.connect() as conn:
        found = conn.execute(
            text(
                f"SELECT {pos}, originator_id, originator_version, topic, state FROM {table} "
                f"WHERE topic = :topic ORDER BY {pos}"
            ),
            {"topic": CORRECTION_TOPIC},
        ).all()
    out: dict[int, list[int]] = {}
    for position, oid, version, topic, state in found:
        e: Any = store.mapper.to_domain_event(
            StoredEvent(
                originator_id=UUID(str(oid)),
                originator_version=version,
                topic=topic,
                state=bytes(state),
            )
        )
        out.setdefault(e.corrects_position, []).append(position)
    return out


class _Matcher:
    """Decides, in log order, whether an event is kept. Team and person filters learn, as
    the log goes by, which month and leave streams belong to whom."""

    def __init__(self, engine: Engine, f: AuditFilter, people: Directory) -> None:
        self.f = f
        self.unit_ids: set[str] | None = None
        self.unit_teams: set[str] = set()
        self.unit_cadres: set[str] = set()
        if f.unit is not None:
            self.unit_ids, self.unit_teams, self.unit_cadres = scope_under(engine, f.unit)
            if not self.unit_ids:
                raise UnitNotFoundError(f.unit)  # a typo must not read as "nothing happened"
        self.team: str | None = None
        self.team_cadres: dict[str, list[tuple[date, date | None]]] = {}
        self.team_streams: set[str] = set()
        if f.team is not None:
            self.team = f.team.hex
            self.team_cadres = team_scope(engine, self.team)
            if not people.name_of(self.team):
                raise TeamNotFoundError(str(f.team))
        self.person_ids: set[str] = set()
        self.person_actors: set[str] = set()
        self.person_streams: set[str] = set()
        if f.person is not None:
            self.person_ids, self.person_actors = people.person(f.person)
        self.subject = f.subject

    def learn(self, e: Any, kind: str, oid: str) -> None:
        """Note the streams that belong to the scope: a member's month or a leave request
        of a team in the unit, a leave request of the team, what is the person's own. Every
        event of the log is shown to it, whatever the other filters and pages say, so that
        an entry is kept or not whatever page it falls on."""
        if kind not in OWNED_BY:
            return
        team = getattr(e, "team_id", None)
        team_hex = team.hex if type(team) is UUID else None
        if self.unit_ids is not None and (
            (team_hex is not None and team_hex in self.unit_teams)
            or (kind == "MemberMonth.Started" and e.cadre_id.hex in self.unit_cadres)
        ):
            self.unit_ids.add(oid)
        if self.team is not None and kind == "LeaveRequest.Requested" and team_hex == self.team:
            self.team_streams.add(oid)
        if self.f.person is not None and getattr(e, OWNED_BY[kind]).hex in self.person_ids:
            self.person_streams.add(oid)

    def keep(self, e: Any, kind: str, oid: str, dashed: str) -> bool:
        """``oid`` and ``dashed``: the event's originator id as hex and as text."""
        f = self.f
        about = oid
        if kind == "Correction.Recorded":
            about = e.subject_id.hex
        if f.actor is not None and e.actor_id != f.actor:
            return False
        if self.subject is not None and self.subject not in (dashed, _dashed(about)):
            return False
        if f.event is not None and kind != f.event:
            return False
        if f.corrections_only and kind != "Correction.Recorded":
            return False
        if self.unit_ids is not None and not self._in_unit(e, oid, about):
            return False
        if self.team is not None and not self._on_team(e, kind, oid, about):
            return False
        return not (f.person is not None and not self._about_person(e, oid, about))

    def _in_unit(self, e: Any, oid: str, about: str) -> bool:
        assert self.unit_ids is not None
        if oid in self.unit_ids or about in self.unit_ids:
            return True
        team = getattr(e, "team_id", None)
        return team is not None and team.hex in self.unit_teams

    def _on_team(self, e: Any, kind: str, oid: str, about: str) -> bool:
        if self.team in (oid, about) or oid in self.team_streams or about in self.team_streams:
            return True
        team = getattr(e, "team_id", None)
        if team is not None and team.hex == self.team:
            return True
        if kind == "MemberMonth.Started":
            # The month's first day to its last: on the team at any day of it.
            spans = self.team_cadres.get(e.cadre_id.hex, [])
            first = date.fromisoformat(e.month + "-01")
            last = date(first.year + first.month // 12, first.month % 12 + 1, 1)
            if any(start < last and (end is None or end > first) for start, end in spans):
                return True
        return False

    def _about_person(self, e: Any, oid: str, about: str) -> bool:
        if e.actor_id in self.person_actors:
            return True
        ids = self.person_ids
        if oid in ids or about in ids or oid in self.person_streams:
            return True
        return any(type(value) is UUID and value.hex in ids for value in vars(e).values())


def _dashed(hex_id: str) -> str:
    return str(UUID(hex_id))


def audit_page(store: EventStore, engine: Engine, f: AuditFilter, head: int | None = None) -> Page:
    rows: list[dict[str, Any]] = []
    more = False
    for row in audit_rows(store, engine, f, one_more=True, head=head):
        if f.limit is not None and len(rows) >= f.limit:
            more = True
            break
        rows.append(row)
    return Page(rows, more, rows[-1]["position"] if rows else None)


def audit_rows(
    store: EventStore,
    engine: Engine,
    f: AuditFilter,
    one_more: bool = False,
    head: int | None = None,
) -> Iterator[dict[str, Any]]:
    """Matching events in log order, one plain row each: found in the audit index and only
    those decoded (app/audit/lookup.py); read from the whole log where the store has no
    index. ``head``: the log position the answer must reach at least (default: the log's
    head now), for a caller that has just brought the read models there."""
    found = indexed_rows(store, engine, f, one_more, head)
    yield from found if found is not None else scan_rows(store, engine, f, one_more)


def counted_page(
    store: EventStore, engine: Engine, f: AuditFilter, head: int | None = None
) -> Page:
    """The page of ``f`` (its ``limit`` rows, page ``f.page`` or after ``f.after``) and the
    number of entries of the whole answer (after ``f.after``): from the audit index, the
    total counted by the database; where the store has no index, by reading the whole log.
    ``head`` as for ``audit_rows``."""
    assert f.limit is not None, "a page has a size"
    found = indexed_count(store, engine, f, head)
    if found is not None:
        total, rows = found
        rows = rows or []
    else:
        total = sum(1 for _ in scan_rows(store, engine, replace(f, limit=None, page=None)))
        rows = list(scan_rows(store, engine, f, one_more=True))
    more = len(rows) > f.limit
    rows = rows[: f.limit]
    return Page(rows, more, rows[-1]["position"] if rows else None, total)


def scan_rows(
    store: EventStore, engine: Engine, f: AuditFilter, one_more: bool = False
) -> Iterator[dict[str, Any]]:
    """The same rows, read from the whole log: every event decoded and matched in turn (the
    reference the index is checked against, tests/test_audit_log_index.py)."""
    people = Directory(engine)
    matcher = _Matcher(engine, f, people)
    corrected = corrections_index(store, engine)
    skip = (f.page - 1) * f.limit if f.page is not None and f.limit is not None else 0
    wanted = None if f.limit is None else f.limit + (1 if one_more else 0)
    count = 0
    after = f.after or 0
    texts = IdTexts()
    # Streams are learnt from the start of the log, before the page and the recording days.
    learning = f.unit is not None or f.team is not None or f.person is not None
    for page in _pages(store, engine, f, 0 if learning else after, learning):
        for logged in page:
            e = logged.event
            kind = event_type(e)
            oid, dashed = texts[e.originator_id]
            matcher.learn(e, kind, oid)
            if logged.position <= after or not matcher.keep(e, kind, oid, dashed):
                continue
            occurred = date.fromisoformat(e.occurred_on)
            if f.occurred_from is not None and occurred < f.occurred_from:
                continue
            if f.occurred_to is not None and occurred > f.occurred_to:
                continue
            recorded_day = local_time(e).date()
            if f.recorded_from is not None and recorded_day < f.recorded_from:
                continue
            if f.recorded_to is not None and recorded_day > f.recorded_to:
                continue
            if f.backdated_only and (recorded_day - occurred).days <= f.backdated_days:
                continue
            if skip:
                skip -= 1
                continue
            yield entry_row(logged, f, people, corrected.get(logged.position, []), texts)
            count += 1
            if wanted is not None and count >= wanted:
                return


_STAMP = re.compile(rb'^\{"timestamp":\{"_type_":"datetime_iso","_data_":"([^"]{19,40})"')
PAGE = 5000


def _pages(
    store: EventStore, engine: Engine, f: AuditFilter, after: int, whole: bool = False
) -> Iterator[list[LoggedEvent]]:
    """The log from ``after`` on, a page at a time, decoded (every row if ``whole``). With a
    recording range, and not ``whole``, rows
    recorded outside it are passed over before decoding, by the recording time the stored
    JSON begins with (decoding is most of a query's time). Rows that do not begin so
    (encrypted ones, say) are decoded and filtered like the others."""
    if whole or (f.recorded_from is None and f.recorded_to is None):
        yield from store.iter_log(after)
        return
    low, high = f.recorded_from or date.min, f.recorded_to or date.max
    decode = store.decoder.decode
    match = _STAMP.match
    days: dict[bytes, date] = {}
    ids: dict[Any, UUID] = {}  # one UUID per stream, not one per event
    for rows in _candidates(engine, after, low, high):
        page = []
        for position, oid, version, topic, state in rows:
            found = match(state)
            if found is not None:
                text = found.group(1)
                # In UTC, the day and the hour fix the Beijing day: one parse an hour.
                key = text[:13] if text.endswith(b"+00:00") else text
                day = days.get(key)
                if day is None:
                    try:
                        iso = key.decode() + (":00:00+00:00" if len(key) == 13 else "")
                        moment = datetime.fromisoformat(iso)
                        stamp = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
                        day = stamp.astimezone(CHINA_TZ).date()
                    except ValueError:
                        day = None
                    if day is not None:
                        if len(days) >= 4096:
                            days.clear()
                        days[key] = day
                if day is not None and not low <= day <= high:
                    continue
            uuid = ids.get(oid)
            if uuid is None:
                uuid = ids[oid] = oid if type(oid) is UUID else UUID(str(oid))
            page.append(LoggedEvent(position, decode(uuid, version, topic, state)))
        if page:
            yield page
        after = rows[-1][0]


_PREFIX = b'{"timestamp":{"_type_":"datetime_iso","_data_":"'


def _candidates(
    engine: Engine, after: int, low: date, high: date
) -> Iterator[list[tuple[int, Any, int, str, bytes]]]:
    """Pages of stored rows that may have been recorded between ``low`` and ``high``: the
    database itself passes over rows whose stored JSON begins with a recording day more
    than a day outside the range (a day either side covers any time zone the text may be
    written in); the exact day is checked after. Rows that do not begin so are all kept."""
    table, pos = events_source(engine.dialect.name)
    if engine.dialect.name == "postgresql":
        mark, cut, head = "%s", "substring(state from {} for {})", len(_PREFIX) + 1
    else:
        mark, cut, head = "?", "substr(state, {}, {})", len(_PREFIX) + 1
    sql = (
        f"SELECT {pos}, originator_id, originator_version, topic, state FROM {table} "
        f"WHERE {pos} > {mark} AND ({cut.format(1, len(_PREFIX))} <> {mark} "
        f"OR {cut.format(head, 10)} BETWEEN {mark} AND {mark}) ORDER BY {pos} LIMIT {mark}"
    )
    lo = max(low, date.min + timedelta(days=1)) - timedelta(days=1)
    hi = min(high, date.max - timedelta(days=1)) + timedelta(days=1)
    bounds = (lo.isoformat().encode(), hi.isoformat().encode())
    conn = engine.raw_connection()
    try:
        while True:
            cursor = conn.cursor()
            cursor.execute(sql, (after, _PREFIX, *bounds, PAGE))
            rows: list[tuple[int, Any, int, str, bytes]] = list(cursor.fetchall())
            cursor.close()
            conn.rollback()
            if not rows:
                return
            yield rows
            after = rows[-1][0]
    finally:
        conn.close()


def flags_text(r: dict[str, Any]) -> str:
    """The row's flags for a person: back-dated, a correction, corrected later."""
    out = []
    if r["backdated"]:
        out.append("[补录 back-dated]")
    if r["correction"]:
        out.append(f"[更正 corrects #{r['corrects']}]")
    if r["corrected_by"]:
        by = ", ".join(f"#{p}" for p in r["corrected_by"])
        out.append(f"[已被更正 corrected by {by}]")
    return " ".join(out)


# A cell beginning with one of these is taken by spreadsheets for a formula (OWASP, CSV
# injection): such a cell is written with a single quote in front, which shows it as text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: Any) -> Any:
    """``value`` as a CSV cell that a spreadsheet will not run."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_row(r: dict[str, Any]) -> dict[str, Any]:
    row = {
        **r,
        "corrects": "" if r["corrects"] is None else r["corrects"],
        "corrected_by": " ".join(str(p) for p in r["corrected_by"]),
        "details": json.dumps(r["details"], ensure_ascii=False),
    }
    return {k: csv_safe(v) for k, v in row.items()}


def write_csv(out: TextIO, rows: Iterable[dict[str, Any]]) -> None:
    """The rows as CSV with a header, a row at a time (an export of a city's year need not
    be held in memory)."""
    writer = csv.DictWriter(out, COLUMNS)
    writer.writeheader()
    for r in rows:
        writer.writerow(csv_row(r))


def as_csv(rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    write_csv(out, rows)
    return out.getvalue()
