"""The one wiring point: a store, its read models and a clock, behind the use cases users call."""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

import orjson
from eventsourcing.application import AggregateNotFoundError
from sqlalchemy import Engine, create_engine, event

from app.describe import history_row
from app.store.clock import Clock, SystemClock, local_today
from app.store.config import StoreConfig, parse_database_url
from app.store.event_store import EventStore
from app.store.files import FileStore
from app.store.receipts import CommandReceipt, digest, receipt_id
from app.store.uow import UnitOfWork, retries
from domain.errors import (
    ConcurrentChangeError,
    FutureDateError,
    InvalidInputError,
    RuleViolation,
    ZhucunError,
)
from domain.rules import DEFAULT_RULES, RuleSet
from projections import queries
from projections import search as names_index
from projections.audit.index import NAME as AUDIT_INDEX
from projections.bulk import json_text
from projections.runner import Projections, default_models
from projections.tables import utc_naive

if TYPE_CHECKING:
    from app.assessments.runs import Assessments
    from app.commands import CommandLine
    from app.jurisdiction import Reach
    from domain.base import Meta
    from domain.ledger.measures import FundingSource
    from projections.shards import Opener

T = TypeVar("T")

# The commands (their registry, the use cases that run them, the jurisdiction check) are
# imported by the first batch that runs, not by every query: a query's process starts
# without them (docs/benchmarks.md, the command line's start). So are the queries of the
# ledger, the teams and the assessments, and what they import of the domain, by the methods
# that run them: a summary's process never loads them (ADR 045).


SEARCH_MAX = 40  # characters of a search text: longer than any name anyone types
SEARCH_LIMIT = names_index.LIMIT  # names a search answers at most
# How long a query waits for the read models to catch up with the log (docs/projections.md):
# a command line's query, which has no later request to carry on for it, waits longer than
# a web page (web/__init__.py), which carries on in the background.
WAIT_SETTING = "ZHUCUN_CATCH_UP_WAIT"
CLI_WAIT = 30.0
WEB_WAIT = 2.0


class BatchRefused(Exception):
    """A batch refused whole because of one line; nothing of it was written."""

    def __init__(self, line_no: int, error: ZhucunError) -> None:
        super().__init__(f"line {line_no}: {error}")
        self.line_no = line_no
        self.error = error


@dataclass
class BatchResult:
    applied: int = 0
    skipped: int = 0  # lines whose key had been applied before
    events: int = 0
    results: list[dict[str, Any]] = field(default_factory=list)
    written: list[Any] = field(default_factory=list)  # the events written, in order
    # The receipt of a request already received (``execute(receipt=...)``): nothing was run.
    earlier: CommandReceipt | None = None


def _subscribe(store: EventStore, after: int) -> Any:
    """The log's subscription after ``after`` (PostgreSQL's LISTEN/NOTIFY), for a follower."""
    return store.recorder.subscribe(gt=after)


def make_engine(config: StoreConfig) -> Engine:
    # JSON columns (the coverage facts) through orjson: a fact is written and read back once
    # per event in a rebuild, and the standard module takes several times as long.
    json_codec: dict[str, Any] = {"json_serializer": json_text, "json_deserializer": orjson.loads}
    # Enough connections for each of the web server's threads (web/server.py, 8) to hold
    # one, with room for a second; a thread that finds none waits up to 30 s for one.
    pool: dict[str, Any] = {"pool_size": 8, "max_overflow": 8, "pool_timeout": 30}
    if config.is_postgres:
        return create_engine(
            config.sqlalchemy_url,
            # The schema name was checked against SCHEMA_NAME (app/store/config.py); quoted as well.
            connect_args={"options": f'-csearch_path="{config.schema or "public"}"'},
            pool_pre_ping=True,
            **pool,
            **json_codec,
        )
    # A writer waits up to 30 s for another process's write to end (busy timeout); the
    # threads of this process wait for each other on a lock first (projections/runner.py).
    engine = create_engine(
        config.sqlalchemy_url, connect_args={"timeout": 30}, **pool, **json_codec
    )

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_conn: Any, _: Any) -> None:
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    return engine


class Zhucun:
    def __init__(
        self, config: StoreConfig, clock: Clock | None = None, rules: RuleSet = DEFAULT_RULES
    ) -> None:
        self.config = config
        self.clock: Clock = clock or SystemClock()
        self.rules = rules
        self.store = EventStore(config)
        self.engine = make_engine(config)
        self.files = self.store.files = FileStore(self.engine, self.store.mapper.cipher)
        page = os.environ.get("ZHUCUN_PROJECTION_BATCH")  # the page size of reads and rebuilds
        self.projections = Projections(
            self.engine,
            self.store,
            default_models(rules),
            batch_size=int(page or 2000),
            rebuild_batch_size=int(page) if page else None,
            subscribe=self._subscribe if config.is_postgres else None,
        )
        self.projections.create_tables()

    def _subscribe(self, after: int) -> Any:
        return self.store.recorder.subscribe(gt=after)

    @property
    def assessments(self) -> Assessments:
        """Assessment runs: run, list, show, explain; replayed by ``app.assessments.replay``."""
        from app.assessments.runs import Assessments

        return Assessments(self.store, self.projections, self.clock)

    def worker_opener(self) -> Opener:
        """How a worker process of a shared rebuild or follow (``--workers N``, ADR 050) opens
        this store: the engine, the log and, on PostgreSQL, its subscription."""
        from functools import partial

        from projections.shards import Opener

        return Opener(
            partial(make_engine, self.config), partial(EventStore, self.config), _subscribe
        )

    def close(self) -> None:
        self.projections.close()
        self.engine.dispose()
        self.store.close()

    # -- writing ------------------------------------------------------------------------------

    def apply_text(self, text: str, bulk: bool = False) -> BatchResult:
        """Apply a JSON-lines batch, all or nothing. Blank lines and ``#`` comments are skipped.

        Lines end at ``\n`` only (U+2028 and its kin may sit inside a JSON string); a byte
        order mark at the start is ignored."""
        from app.commands import parse_command_line, read_json_line

        lines: list[tuple[int, CommandLine]] = []
        for number, raw in enumerate(text.removeprefix("\ufeff").split("\n"), 1):
            raw = raw.removesuffix("\r")
            if not raw.strip() or raw.lstrip().startswith("#"):
                continue
            try:
                lines.append((number, parse_command_line(read_json_line(raw))))
            except ZhucunError as e:
                raise BatchRefused(number, e) from None
        return self.execute(lines, bulk=bulk)

    def execute(
        self,
        lines: Sequence[tuple[int, CommandLine]] | Sequence[CommandLine],
        bulk: bool = False,
        reach: Reach | None = None,
        receipt: tuple[str, dict[str, Any]] | None = None,
        look_ahead: tuple[Iterable[UUID], Iterable[UUID]] = ((), ()),
    ) -> BatchResult:
        """Run the lines and commit them together. With ``reach`` (an account's), each
        command must be one its role may send, on what lies in its jurisdiction. With
        ``receipt`` (a key and the request as sent), the whole batch leaves one receipt under
        that key; a receipt already there is returned as ``earlier`` and nothing is run.
        ``look_ahead``: ids the lines will look for, to load together and to know together
        whether they exist (the receipts of many keys, what many lines create), first
        (``UnitOfWork.look_ahead``)."""
        numbered = [x if isinstance(x, tuple) else (i, x) for i, x in enumerate(lines, 1)]
        load, exists = (list(ids) for ids in look_ahead)
        for attempt in retries():  # a batch that lost a race runs again on what won it
            uow = UnitOfWork(self.store)
            uow.look_ahead(load, exists)
            try:
                if receipt is not None:
                    earlier = uow.find(CommandReceipt, receipt_id(receipt[0]))
                    if earlier is not None:
                        return BatchResult(earlier=earlier)
                result = self._run(uow, numbered, reach, receipt)
                result.events = uow.commit(bulk=bulk)
                result.written = uow.written
            except ConcurrentChangeError as e:
                if attempt.last:
                    raise BatchRefused(numbered[0][0] if numbered else 1, e) from None
                continue
            except BatchRefused:
                landed = receipt is not None and self.store.exists(receipt_id(receipt[0]))
                if attempt.last or not (landed or _keys_landed(self.store, uow, numbered)):
                    raise
                continue
            break
        # The read models are not brought up to date here: every query does that first, so
        # the next read sees this write, and a stream of commands (daily check-ins) pays for
        # the read models once per read, in pages, not once per command (docs/projections.md).
        return result

    def answered(self, key: str, status: int, body: str, meta: Meta) -> None:
        """Record the answer a request with a receipt got, for its retries."""
        for attempt in retries():
            uow = UnitOfWork(self.store)
            found = uow.find(CommandReceipt, receipt_id(key))
            if found is None or getattr(found, "answer", None) is not None:
                return
            found.answered(status, body, meta)
            try:
                uow.commit()
            except ConcurrentChangeError:
                if attempt.last:
                    raise
                continue
            return

    def run_in(
        self,
        uow: UnitOfWork,
        lines: Iterable[tuple[int, CommandLine]],
        reach: Reach | None = None,
    ) -> BatchResult:
        """Run lines against an open unit of work without committing (bulk loaders)."""
        return self._run(uow, list(lines), reach)

    def _run(
        self,
        uow: UnitOfWork,
        lines: list[tuple[int, CommandLine]],
        reach: Reach | None = None,
        receipt: tuple[str, dict[str, Any]] | None = None,
    ) -> BatchResult:
        from app.commands import COMMANDS, run_command
        from app.jurisdiction import JurisdictionCheck, check_role
        from app.network import Network

        network = Network(uow, self._open_children, self.rules, self._gap_of)
        now = self.clock.now()
        today = local_today(now)
        result = BatchResult()
        if receipt is not None and lines:  # the request's, recorded as its first line's
            meta = lines[0][1].meta(now)
            uow.add(CommandReceipt.issue(receipt[0], "request", receipt[1], meta))
        for number, line in lines:
            try:
                if line.occurred_on > today:
                    raise FutureDateError(line.occurred_on.isoformat(), today.isoformat())
                check = None
                if reach is not None:
                    spec = COMMANDS[line.command]
                    check_role(reach, line.command, spec.zh, spec.en)
                    check = JurisdictionCheck(reach, uow)
                meta = line.meta(now)
                if line.key is not None:
                    previous = uow.find(CommandReceipt, receipt_id(line.key))
                    if previous is not None:
                        if previous.digest != digest(line.command, line.args):
                            raise RuleViolation(
                                "key",
                                f"key {line.key!r} 已用于另一条命令",
                                f"key {line.key!r} was already used for a different command",
                            )
                        result.skipped += 1
                        result.results.append({"line": number, "skipped": True})
                        continue
                    uow.add(CommandReceipt.issue(line.key, line.command, line.args, meta))
                out = run_command(network, line, meta, check)
                if check is not None:
                    check.finish()
            except ZhucunError as e:
                raise BatchRefused(number, e) from None
            result.applied += 1
            result.results.append({"line": number, **out})
        return result

    def _open_children(self, code: str) -> list[str]:
        # A rule that reads a read model: at the head, whatever the bound of a query.
        with self.projections.reading(to_head=True) as conn:
            return queries.open_children(conn, code)

    def _gap_of(self, code: str, gap_type: str, subject: str, day: date) -> dict[str, Any] | None:
        """The gap about ``subject`` under ``code`` on ``day``, as known now (the check of
        ``assign_rectification``)."""
        from app.rectifications import find_gap

        with self.projections.reading(to_head=True) as conn:
            return find_gap(conn, code, gap_type, subject, day)

    # -- reading ------------------------------------------------------------------------------

    def summary(
        self, code: str, as_of: date | None = None, as_known_at: datetime | None = None
    ) -> dict[str, Any] | None:
        """Counts for a unit and everything under it: as they stand now, or, with either
        clock, on a day as known at a moment (with ``as_of`` and ``as_known_at`` added)."""
        with self.projections.reading() as conn:
            if as_of is None and as_known_at is None:
                return queries.summary(conn, code)
            day = as_of or self.today()
            return queries.summary_on(conn, code, day, _moment(as_known_at), self.rules)

    def coverage(
        self,
        code: str,
        as_of: date | None = None,
        as_known_at: datetime | None = None,
        work: dict[str, dict[str, int]] | None = None,
    ) -> dict[str, Any] | None:
        """Coverage of a unit and everything under it, on a day, as known at a moment;
        ``work``: its work gaps per village if already counted (``work_gap_counts``)."""
        from projections import blind_spots

        with self.projections.reading() as conn:
            today = self.today()
            now = as_known_at is None and (as_of is None or as_of >= today)
            return blind_spots.coverage(
                conn, code, as_of or today, _moment(as_known_at), self.rules, now, work
            )

    def work_gap_counts(self, code: str, as_of: date) -> dict[str, dict[str, int]]:
        """Per village under the unit with any: its work gaps of each type on the day, as
        known now. A page keeps them across the events in ``not_work_events``."""
        from projections import blind_spots

        with self.projections.reading() as conn:
            return blind_spots.work_gap_counts(conn, code, as_of, None)

    def gaps(
        self,
        code: str,
        gap_type: str | None = None,
        as_of: date | None = None,
        as_known_at: datetime | None = None,
    ) -> list[dict[str, Any]] | None:
        """Blind spots under a unit, the network's and the ledger's work gaps, one row each,
        on a day, as known at a moment."""
        from projections import blind_spots
        from projections.blind_spots import ALL_GAPS
        from projections.teams import visit_queries

        if gap_type is not None and gap_type not in ALL_GAPS:  # as given: the API's enum
            from app.rectifications import unknown_gap_type

            raise unknown_gap_type(gap_type)
        with self.projections.reading() as conn:
            day, moment = as_of or self.today(), _moment(as_known_at)
            found = blind_spots.gaps(conn, code, day, moment, gap_type)
            if found is not None:
                now = as_known_at is None and day >= self.today()
                visit_queries.attach(conn, found, day, moment, now)
            return found

    def first_gaps(
        self, code: str, as_of: date, first: int
    ) -> tuple[list[dict[str, Any]], dict[str, int]]:
        """The first ``first`` gaps of each type under a unit on a day, as known now, in the
        list's order (those a page shows, whichever type it filters on), and how many there
        are of each type: a village's hundreds of rows are not described for a page of 20."""
        from projections import blind_spots
        from projections.teams import visit_queries

        with self.projections.reading() as conn:
            found = blind_spots.gaps(conn, code, as_of, None, None) or []
            totals: dict[str, int] = defaultdict(int)
            kept = []
            for g in found:
                totals[g["type"]] += 1
                if totals[g["type"]] <= first:
                    kept.append(g)
            visit_queries.attach(conn, kept, as_of, None, as_of >= self.today())
            return kept, dict(totals)

    def search(
        self, text: str, within: str, everywhere: bool = False, limit: int = names_index.LIMIT
    ) -> list[dict[str, Any]]:
        """Units, households, party members, cadres and teams whose name holds ``text`` (or
        whose pinyin or initials begin with it, or a unit whose code does), lying under the
        unit with materialised path ``within``; ``everywhere`` adds cadres on no team yet.
        The text is folded once (full-width, case, spaces) and bounded in length."""
        query = names_index.normalised(text)
        if len(query) > SEARCH_MAX:
            raise InvalidInputError(
                "q",
                f"搜索词过长：最多 {SEARCH_MAX} 个字符",
                f"the search text is too long: at most {SEARCH_MAX} characters",
            )
        with self.projections.reading() as conn:
            return names_index.search(conn, query, within, everywhere, limit)

    def households(
        self, code: str, as_of: date | None = None, as_known_at: datetime | None = None
    ) -> dict[str, Any] | None:
        """The households of a village or group on a day, covered or not, with their visits."""
        from projections.teams import visit_queries

        with self.projections.reading() as conn:
            day, moment = as_of or self.today(), _moment(as_known_at)
            try:
                return visit_queries.households(
                    conn, code, day, moment, as_known_at is None and day >= self.today()
                )
            except ValueError as e:
                raise InvalidInputError(
                    "unit",
                    f"--households 只列村或村民小组的户，{code} 是 {e}",
                    f"--households lists the households of a village or a villager group; "
                    f"{code} is a {e}",
                ) from None

    def _as_known(
        self,
        query: Callable[..., T],
        code: str,
        as_of: date | None,
        as_known_at: datetime | None,
        *more: Any,
    ) -> T:
        """``query(conn, code, day, upto, *more)``: of a unit, on a day (None: today), as known
        at a moment (``upto``, the last log position recorded by then; None: now)."""
        from projections.teams import visit_queries

        with self.projections.reading() as conn:
            upto = visit_queries.known_position(conn, _moment(as_known_at))
            return query(conn, code, as_of or self.today(), upto, *more)

    def teams(
        self, code: str, as_of: date | None = None, as_known_at: datetime | None = None
    ) -> list[dict[str, Any]] | None:
        """The roster on a day of the teams serving in villages under a unit, as known at a
        moment; None if no unit."""
        from projections.teams import queries as team_queries

        return self._as_known(team_queries.roster, code, as_of, as_known_at)

    def ledger(
        self, code: str, as_of: date | None = None, as_known_at: datetime | None = None
    ) -> dict[str, Any] | None:
        """The village work ledger of a unit on a day, as known at a moment: a village's own
        survey, or the roll-up of the villages under a township, a county or the city; None
        if no unit."""
        from projections.ledger import queries as ledger_queries

        return self._as_known(ledger_queries.ledger, code, as_of, as_known_at)

    def ledger_villages(
        self, code: str, as_of: date | None = None, as_known_at: datetime | None = None
    ) -> dict[str, Any] | None:
        """The whole ledger of each village under a unit (the unit itself, for a village)
        that has anything in its ledger, on a day as known at a moment: what the ledger
        workbook holds (``app/ledger/workbook.py``); None if no unit."""
        from projections.ledger import sheets as ledger_sheets

        return self._as_known(ledger_sheets.village_ledgers, code, as_of, as_known_at)

    def attach_file(self, content: bytes) -> dict[str, Any]:
        """Keep a file's bytes in the store, once, by their SHA-256 (ADR 025): the hash an
        evidence line then cites (``add_six_have_evidence``)."""
        stored = self.files.put(content, self.clock.now())
        return {"file": stored.sha256, "size": stored.size, "new": stored.new}

    def stored_file(self, sha256: str) -> bytes:
        """A stored file's bytes, checked against their hash (EvidenceFileNotFoundError,
        StoredFileAlteredError)."""
        return self.files.read(sha256)

    def funds(
        self,
        code: str,
        as_of: date | None = None,
        as_known_at: datetime | None = None,
        source: str | None = None,
        measure: str | None = None,
    ) -> dict[str, Any] | None:
        """The four-source funding of a unit on a day, as known at a moment: a village's
        totals per source, entries and measures, or the totals of the villages under a
        township, a county or the city; only ``source`` and ``measure`` if given. None if no
        unit."""
        from projections.ledger import funds as fund_queries

        wanted, measure_id = _fund_filters(source, measure)
        return self._as_known(fund_queries.funds, code, as_of, as_known_at, wanted, measure_id)

    def ledger_measures(
        self, code: str, as_of: date | None = None, as_known_at: datetime | None = None
    ) -> dict[str, Any] | None:
        """The measures of every village under a unit (the unit itself, for a village) on a
        day as known at a moment, each with its village, status, overdue or not, and
        progress: the measures board; None if no unit."""
        from projections.ledger import board as ledger_board

        return self._as_known(ledger_board.measures_board, code, as_of, as_known_at)

    def ledger_village_lines(
        self, code: str, as_of: date | None = None, as_known_at: datetime | None = None
    ) -> list[dict[str, Any]] | None:
        """One line of ledger figures per village under a unit on a day as known at a
        moment: the roll-up's list of villages; None if no unit."""
        from projections.ledger import board as ledger_board

        return self._as_known(ledger_board.village_lines, code, as_of, as_known_at)

    def measures(
        self,
        code: str,
        as_of: date | None = None,
        as_known_at: datetime | None = None,
        status: str | None = None,
        overdue: bool = False,
        category: str | None = None,
        responsible: str | None = None,
    ) -> dict[str, Any] | None:
        """The measures of a village, or of every village under a unit, on a day as known at
        a moment: their status that day, overdue and by how many days, their budget; kept by
        status, overdue, category and responsible person. None if no unit."""
        from app.ledger.filters import measure_filter
        from projections.ledger import measure_list

        wanted = measure_filter(status, overdue, category, responsible)
        return self._as_known(measure_list.measures_of, code, as_of, as_known_at, wanted)

    def residency(
        self,
        month: str,
        code: str | None = None,
        team: UUID | None = None,
        as_known_at: datetime | None = None,
    ) -> list[dict[str, Any]] | None:
        """A month in the village of one team, or of the teams under a unit, as known at a
        moment; None if unknown."""
        from projections.teams import residency_queries, visit_queries

        try:
            residency_queries.month_bounds(month)
        except ValueError:
            raise InvalidInputError(
                "month", f"{month!r} 不是月份（YYYY-MM）", f"{month!r} is not a month (YYYY-MM)"
            ) from None
        with self.projections.reading() as conn:
            upto = visit_queries.known_position(conn, _moment(as_known_at))
            return residency_queries.residency(conn, month, self.rules, code, team, upto)

    @property
    def not_work_events(self) -> frozenset[str]:
        """Events no work gap can show (projections/page_changes.py): a page keeps its work
        gaps across them, while its network figures are computed again."""
        from projections import page_changes

        return page_changes.NOT_WORK_EVENTS

    def pages_unchanged(
        self,
        after: int,
        upto: int,
        day: date,
        ignored: frozenset[str] = frozenset(),
        also: frozenset[str] = frozenset(),
    ) -> bool:
        """Do the unit pages of ``day`` read the same with the log at ``upto`` as at
        ``after`` (projections/page_changes.py)? Not known, so False, while the audit index
        that says which events came in between is stopped."""
        from projections import page_changes

        if AUDIT_INDEX in self.projections.stopped:
            return False
        with self.projections.reading() as conn:
            return page_changes.unchanged_on(conn, after, upto, day, ignored, also)

    def freshness(self) -> dict[str, Any]:
        """How far into the log the read models' answers reach, for every JSON answer:
        ``position`` (the furthest event every read model has applied, as the answers were
        read: the catch-up's bound may have cut it short, ``Projections.wait``),
        ``head`` (the log's last event), ``behind`` (events between them), ``lag_seconds``
        (how long ago the first of those was recorded; 0 when none) and ``stopped``: the
        read models stopped by an event they could not apply, with its position and the
        error (ADR 020)."""
        reached, head = self.projections.behind()
        # A stopped model stays where it stopped; the others have only moved on since.
        position = min(reached, *self.projections.positions().values())
        lag = 0.0
        if position < head:
            first = self.store.read_log(position, 1)
            if first:
                recorded = first[0].event.timestamp
                lag = max(0.0, (self.clock.now() - recorded).total_seconds())
        return {
            "position": position,
            "head": head,
            "behind": head - position,
            "lag_seconds": round(lag, 1),
            "stopped": self.projections.faults(),
        }

    def today(self) -> date:
        return local_today(self.clock.now())

    def history_of_unit(self, code: str) -> list[dict[str, Any]]:
        from domain.sites import site_id
        from domain.units import unit_id

        return self._history([unit_id(code), site_id(code)])

    def history_of_id(self, aggregate_id: UUID) -> list[dict[str, Any]]:
        from domain.households import Household
        from domain.party import central_household_id

        ids = [aggregate_id]
        try:
            if isinstance(self.store.load(aggregate_id), Household):
                ids.append(central_household_id(aggregate_id))
        except AggregateNotFoundError:
            return []  # an id nobody recorded has no history; other errors are not hidden
        return self._history(ids)

    def history_of_team(self, team_id: UUID) -> list[dict[str, Any]]:
        """Every action of a work team and of its members while on it (TeamNotFoundError)."""
        from app.team_history import team_history

        return team_history(self, team_id)

    def history_of_team_page(
        self, team_id: UUID, limit: int = 50, after: int | None = None, newest_first: bool = True
    ) -> dict[str, Any]:
        """One page of the team's history (``rows``, at most ``limit``) beyond the log
        position ``after`` in the order asked, and ``next``: the position to ask the
        following page after, None on the last page (TeamNotFoundError)."""
        from app.team_history import team_history_page

        return team_history_page(self, team_id, limit, after, newest_first)

    def history_of_cadre(self, cadre_id: UUID) -> list[dict[str, Any]]:
        """Every action of a cadre, on their own record and as actor (CadreNotFoundError)."""
        from app.team_history import cadre_history

        return cadre_history(self, cadre_id)

    def _history(self, ids: list[UUID]) -> list[dict[str, Any]]:
        return [history_row(logged) for logged in self.store.events_of(ids)]


def _keys_landed(store: EventStore, uow: UnitOfWork, lines: list[tuple[int, CommandLine]]) -> bool:
    """Has a line's key been applied by another writer since this run looked for it? Then
    the run's refusal may come from that writer's work (its ids "already used")."""
    for _, line in lines:
        if line.key is not None:
            rid = receipt_id(line.key)
            mine = uow.find(CommandReceipt, rid)
            if (mine is None or mine.pending_events) and store.exists(rid):
                return True
    return False


def _fund_filters(
    source: str | None, measure: str | None
) -> tuple[FundingSource | None, UUID | None]:
    """``zhucun funds``' filters, read as the commands read them: a source in any case and
    padding, a measure's id in any case."""
    from domain.ledger.measures import FundingSource  # the ledger's, only when funds are read

    wanted = measure_id = None
    if source is not None:
        try:
            wanted = FundingSource(source.strip().lower())
        except ValueError:
            allowed = ", ".join(s.value for s in FundingSource)
            raise InvalidInputError(
                "source",
                f"未知的资金来源 {source.strip()[:40]!r}，应为：{allowed}",
                f"unknown source of funds {source.strip()[:40]!r}; one of: {allowed}",
            ) from None
    if measure is not None:
        try:
            if not measure.strip().isascii():
                raise ValueError(measure)
            measure_id = UUID(measure.strip())
        except ValueError:
            raise InvalidInputError(
                "measure", "措施编号无效", f"{measure.strip()[:40]!r} is not a measure's id"
            ) from None
    return wanted, measure_id


def _moment(as_known_at: datetime | None) -> datetime | None:
    return utc_naive(as_known_at) if as_known_at is not None else None


def catch_up_wait(default: float | None) -> float | None:
    """Seconds a query waits for the read models to catch up with the log before it
    answers from them as they stand: ``ZHUCUN_CATCH_UP_WAIT`` if set (``none``: no bound),
    else ``default``."""
    said = os.environ.get(WAIT_SETTING, "").strip()
    if not said:
        return default
    if said.lower() == "none":
        return None
    try:
        seconds = float(said)
    except ValueError:
        seconds = -1.0
    if not seconds >= 0:  # NaN too
        raise InvalidInputError(
            WAIT_SETTING,
            f"{WAIT_SETTING} 应为秒数（不小于 0）或 none，而非 {said[:40]!r}",
            f"{WAIT_SETTING} must be a number of seconds (0 or more) or none, not {said[:40]!r}",
        )
    return seconds


def bootstrap(
    db_url: str | None = None, clock: Clock | None = None, rules: RuleSet = DEFAULT_RULES
) -> Zhucun:
    return Zhucun(parse_database_url(db_url), clock, rules)


ProgressFn = Callable[[int], None]
