"""Accounts and logins: the use cases behind ``zhucun users`` and the web login.

Passwords are hashed here with argon2id (argon2-cffi); the domain only sees the hash. Every
login, logout, failed login and refused access is recorded as an event in the one log. The
tries at a username's password are taken on its ``LoginGuard`` before the hash is looked at,
so the limit holds across processes and under concurrent requests (ADR 014). A login opens a
session whose id only the session's cookie holds; the log and the read model keep its SHA-256,
and a logout, a new password or a suspension ends it on the server.
"""

from __future__ import annotations

import hashlib
import secrets
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from eventsourcing.persistence import ConnectionUnavailableError, IntegrityError

from app.bootstrap import Zhucun
from app.jurisdiction import Reach
from app.store.clock import local_today
from app.store.uow import UnitOfWork
from domain.account_errors import (
    AccountNotFoundError,
    DemoPasswordError,
    DuplicateUsernameError,
    LoginFailedError,
    TeamNotInVillageError,
    TooManyFailedLoginsError,
)
from domain.accounts import (
    AccessLog,
    Account,
    FailureCause,
    LoginGuard,
    RecentTries,
    Role,
    account_id,
    check_binding,
    check_password,
    check_username,
    login_guard_id,
)
from domain.base import Meta, NetworkAggregate
from domain.cadres import Cadre
from domain.errors import (
    CadreNotFoundError,
    ConcurrentChangeError,
    InvalidInputError,
    TeamNotFoundError,
    UnitNotFoundError,
)
from domain.levels import Level
from domain.teams import Team
from projections import queries
from projections.accounts import account_row, all_accounts, session_open

MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=15)
ADMIN_REASON = "账号管理 / account administration"
# A try clashes only with another try at the same username written in between; each round
# lets at least one through, so this many rounds are never needed but by a flood.
MAX_ROUNDS = 50
# Worth another round, as a clash is: the library's connection pool gave up waiting (on SQLite
# for the one writer, under load) before anything was written.
RETRIED = (IntegrityError, ConnectionUnavailableError)
TAIL_PAGE = 20  # events of a guard read at a time, newest first


@dataclass(frozen=True)
class Principal:
    """The logged-in account, as a request sees it."""

    username: str
    role: Role
    unit_code: str
    unit_path: str
    unit_name: str
    unit_level: str
    team_id: str | None
    version: int
    session: str = ""  # the session's id, as its cookie holds it
    cadre_id: str | None = None  # a team member's account: the cadre it is, once bound

    def covers(self, path: str) -> bool:
        """Is the unit with this materialised path inside this account's subtree?"""
        return path.startswith(self.unit_path)

    def reach(self) -> Reach:
        """Where the account may act, for the one jurisdiction check of every command it
        sends, through any path (app/jurisdiction.py)."""
        return Reach(
            role=self.role,
            unit_code=self.unit_code,
            team_id=UUID(self.team_id) if self.team_id else None,
            city_level=self.unit_level == "city",
        )


class Accounts:
    def __init__(
        self,
        zhucun: Zhucun,
        hasher: PasswordHasher | None = None,
        max_failures: int = MAX_FAILURES,
        window: timedelta = FAILURE_WINDOW,
    ) -> None:
        self.z = zhucun
        self.hasher = hasher or PasswordHasher()
        self.max_failures = max_failures
        self.window = window
        self._dummy_hash: str | None = None

    # -- administration -------------------------------------------------------------------------

    def add(
        self,
        username: str,
        role: str,
        unit_code: str,
        password: str,
        team: str | None = None,
        actor: str = "system",
        reason: str = ADMIN_REASON,
        demo: bool = False,
        cadre: str | None = None,
    ) -> dict[str, Any]:
        """Add an account (a team member's, bound to the ``cadre`` it is, if given); refused
        whole (nothing written) when any field is wrong."""
        name = check_username(username)
        parsed_role = Role.parse(role)
        team_id = _team_uuid(team) if team else None
        unit = self._open_unit(unit_code.strip())
        check_binding(parsed_role, unit["code"], Level(unit["level"]), team_id)
        _check_password(password, name, demo)
        uow = UnitOfWork(self.z.store)
        if uow.find(Account, account_id(name)) is not None:
            raise DuplicateUsernameError(name)
        if team_id is not None:
            found = uow.find(Team, team_id)
            if found is None:
                raise TeamNotFoundError(str(team_id))
            if found.village_code != unit["code"]:
                raise TeamNotInVillageError(str(team_id), found.village_code, unit["code"])
        meta = self._meta(actor, "operator", reason)
        account = Account.add(
            name, parsed_role, unit["code"], team_id, self.hasher.hash(password), meta
        )
        if cadre is not None:
            self._bind(uow, account, cadre, meta)
        uow.add(account)
        self._commit(uow)
        return self.describe(name)

    def bind_cadre(
        self, username: str, cadre: str, actor: str = "system", reason: str = ADMIN_REASON
    ) -> dict[str, Any]:
        """Bind a team member's account to the cadre it is: a member (now or before) of the
        account's team. The team's forms then record that cadre without asking."""
        uow = UnitOfWork(self.z.store)
        name = username.strip()
        account = uow.get(Account, account_id(name), lambda: AccountNotFoundError(name))
        self._bind(uow, account, cadre, self._meta(actor, "operator", reason))
        self._commit(uow)
        return self.describe(name)

    def _bind(self, uow: UnitOfWork, account: Account, cadre: str, meta: Meta) -> None:
        cadre_id = _uuid("cadre", cadre)
        if uow.find(Cadre, cadre_id) is None:
            raise CadreNotFoundError(str(cadre_id))
        team = uow.find(Team, account.team_id) if account.team_id else None
        on_team = team is not None and any(m.cadre_id == cadre_id for m in team.members)
        account.bind_cadre(cadre_id, on_team, meta)

    def change_password(
        self, username: str, password: str, actor: str = "system", reason: str = ADMIN_REASON
    ) -> None:
        def change(account: Account) -> None:
            _check_password(password, username.strip(), demo=False)
            account.change_password(
                self.hasher.hash(password), self._meta(actor, "operator", reason)
            )

        self._change(username, change)

    def suspend(self, username: str, actor: str = "system", reason: str = ADMIN_REASON) -> None:
        """The account can no longer log in, and every session it has open ends."""
        self._change(
            username, lambda account: account.suspend(self._meta(actor, "operator", reason))
        )

    def resume(self, username: str, actor: str = "system", reason: str = ADMIN_REASON) -> None:
        self._change(
            username, lambda account: account.resume(self._meta(actor, "operator", reason))
        )

    def list(self) -> list[dict[str, Any]]:
        with self.z.projections.reading() as conn:
            return [_public(r) for r in all_accounts(conn)]

    def describe(self, username: str) -> dict[str, Any]:
        with self.z.projections.reading() as conn:
            row = account_row(conn, username)
        if row is None:
            raise AccountNotFoundError(username)
        return _public(row)

    # -- logging in -----------------------------------------------------------------------------

    def login(self, username: str, password: str, address: str) -> Principal:
        """The account's principal with a new session, or a refusal; either way the attempt
        is recorded. No more than ``max_failures`` tries from one address are checked against
        the hash within the window, however many requests come at once."""
        typed = username.strip().lower()[:64]
        self._take_try(typed, address)
        account = self._account(typed)
        if account is None:
            self._verify(self._dummy(), password)  # the same work as for a real account
            self._record(AccessLog.login_failed, typed, address, FailureCause.UNKNOWN_USER)
            raise LoginFailedError()
        role = account.role.value
        if not self._verify(account.password_hash, password):
            self._record(
                AccessLog.login_failed, typed, address, FailureCause.WRONG_PASSWORD, role=role
            )
            raise LoginFailedError()
        if account.suspended:
            self._record(AccessLog.login_failed, typed, address, FailureCause.SUSPENDED, role=role)
            raise LoginFailedError()
        session = secrets.token_urlsafe(32)
        self._clear_tries(typed, address, session_hash(session), role)
        principal = self.principal(typed, session=session)
        assert principal is not None  # just recorded and caught up
        return principal

    def logout(self, principal: Principal, address: str) -> None:
        """Record the logout; the session it names ends on the server."""
        self._record(
            AccessLog.logged_out,
            principal.username,
            address,
            session_hash(principal.session) if principal.session else "",
            role=principal.role.value,
        )

    def refuse(
        self,
        principal: Principal | None,
        address: str,
        method: str,
        path: str,
        why: str,
    ) -> None:
        """Record a refused access: a page or action outside the account's role or unit."""
        username = principal.username if principal else ""
        role = principal.role.value if principal else "anonymous"
        meta = self._meta(username or "anonymous", role, f"refused: {why}")
        self._write(AccessLog.access_refused(username, address, method, path[:500], why, meta))

    def principal(
        self, username: str, version: int | None = None, session: str | None = None
    ) -> Principal | None:
        """The account as it stands now; None if gone, suspended, changed since ``version``,
        or when ``session`` is given and that session has ended."""
        with self.z.projections.reading() as conn:
            row = account_row(conn, username)
            if row is None or row["suspended"]:
                return None
            if version is not None and row["version"] != version:
                return None
            if session is not None and not session_open(conn, session_hash(session), username):
                return None
            unit = queries.unit_row(conn, row["unit_code"])
        if unit is None:
            return None
        return Principal(
            username=row["username"],
            role=Role(row["role"]),
            unit_code=row["unit_code"],
            unit_path=unit["path"],
            unit_name=unit["name"],
            unit_level=unit["level"],
            team_id=str(UUID(row["team_id"])) if row["team_id"] else None,
            cadre_id=str(UUID(row["cadre_id"])) if row.get("cadre_id") else None,
            version=int(row["version"]),
            session=session or "",
        )

    def unit_path(self, code: str) -> str | None:
        with self.z.engine.connect() as conn:
            unit = queries.unit_row(conn, code)
        return str(unit["path"]) if unit else None

    # -- details --------------------------------------------------------------------------------

    def _open_unit(self, code: str) -> dict[str, Any]:
        with self.z.projections.reading(to_head=True) as conn:  # a rule: at the head
            unit = queries.unit_row(conn, code)
        if unit is None or unit["closed_on"] is not None:
            raise UnitNotFoundError(code)
        return unit

    def _account(self, username: str) -> Account | None:
        try:
            return UnitOfWork(self.z.store).find(Account, account_id(username))
        except ValueError:
            return None

    def _take_try(self, typed: str, address: str) -> None:
        """Take one try on the username's guard, or refuse (recorded) when the tries from
        this address have reached the limit. A clash with a try written in between reads
        the guard again: the count and the new try are one step, never a read then a write."""
        guard_id = login_guard_id(typed)
        for _round in range(MAX_ROUNDS):
            try:
                recent = self._recent_tries(guard_id, address, self.z.clock.now() - self.window)
                if recent.tries >= self.max_failures:
                    break
                meta = self._meta(typed or "anonymous", "anonymous", "web login")
                if recent.version == 0:
                    guard = LoginGuard.open(typed, meta)
                    guard.trigger_event(LoginGuard.TryTaken, address=address, **meta.event_kwargs())
                    self.z.store.save(guard)
                else:
                    self.z.store.save(recent.take(address, meta))
                return
            except RETRIED:
                continue  # another try came first: count again
        else:
            raise ConcurrentChangeError()
        self._record(AccessLog.login_failed, typed, address, FailureCause.RATE_LIMITED)
        raise TooManyFailedLoginsError(recent.tries, int(self.window.total_seconds() // 60))

    def _clear_tries(self, typed: str, address: str, session: str, role: str) -> None:
        """Record the login, and on the guard that the tries from this address are over."""
        guard_id = login_guard_id(typed)
        for _round in range(MAX_ROUNDS):
            try:
                recent = self._recent_tries(guard_id, address, self.z.clock.now() - self.window)
                meta = self._meta(typed, role, "web login")
                entry = AccessLog.logged_in(typed, address, session, meta)
                self.z.store.save(recent.clear(address, meta), entry)
            except RETRIED:
                continue
            self.z.projections.catch_up()
            return
        raise ConcurrentChangeError()

    def _recent_tries(self, guard_id: UUID, address: str, since: Any) -> RecentTries:
        return RecentTries.count(
            guard_id, self._newest_first(guard_id), address, since, self.max_failures
        )

    def _newest_first(self, guard_id: UUID) -> Iterator[Any]:
        """The guard's events from its end, a page at a time, as long as they are asked for."""
        lte: int | None = None
        while True:
            page = list(self.z.store.events.get(guard_id, desc=True, limit=TAIL_PAGE, lte=lte))
            yield from page
            if len(page) < TAIL_PAGE:
                return
            lte = page[-1].originator_version - 1

    def _verify(self, password_hash: str, password: str) -> bool:
        try:
            return bool(self.hasher.verify(password_hash, password))
        except (VerificationError, InvalidHashError):
            return False

    def _dummy(self) -> str:
        if self._dummy_hash is None:
            self._dummy_hash = self.hasher.hash("no account has this password")
        return self._dummy_hash

    def _meta(self, actor: str, role: str, reason: str) -> Meta:
        now = self.z.clock.now()
        return Meta(actor, role, local_today(now), reason, now)

    def _record(self, make: Any, username: str, address: str, *args: Any, role: str = "") -> None:
        """Record an entry of the access record. The read models are left to the next query
        to catch up with it (none of them is needed to answer this request): under a flood of
        failed logins each would otherwise take the read models' write lock in turn."""
        meta = self._meta(username or "anonymous", role or "anonymous", "web login")
        uow = UnitOfWork(self.z.store)
        uow.add(make(username, address, *args, meta))
        uow.commit()

    def _write(self, aggregate: NetworkAggregate) -> None:
        uow = UnitOfWork(self.z.store)
        uow.add(aggregate)
        self._commit(uow)

    def _change(self, username: str, change: Callable[[Account], None]) -> None:
        """Change the account ``username`` (refused when there is none) and commit."""
        name = username.strip()
        uow = UnitOfWork(self.z.store)
        change(uow.get(Account, account_id(name), lambda: AccountNotFoundError(name)))
        self._commit(uow)

    def _commit(self, uow: UnitOfWork) -> None:
        uow.commit()
        self.z.projections.catch_up()


def session_hash(session: str) -> str:
    """What the log and the read model keep of a session's id: its SHA-256."""
    return hashlib.sha256(session.encode("utf-8")).hexdigest()


def _check_password(password: str, username: str, demo: bool) -> None:
    if password == DEMO_PASSWORD and not demo:
        raise DemoPasswordError()
    check_password(password, username)


def _team_uuid(value: str) -> UUID:
    return _uuid("team", value)


def _uuid(field: str, value: str) -> UUID:
    """An id as typed: padded, upper case or full-width, read once."""
    try:
        return UUID(unicodedata.normalize("NFKC", value).strip())
    except ValueError:
        words = {"team": ("工作队编号", "team id"), "cadre": ("干部编号", "cadre id")}[field]
        raise InvalidInputError(
            field, f"{words[0]} {value!r} 不是有效编号", f"{words[1]} {value!r} is not a valid id"
        ) from None


def _public(row: dict[str, Any]) -> dict[str, Any]:
    role = Role(row["role"])
    return {
        "username": row["username"],
        "role": role.value,
        "role_zh": role.zh,
        "unit": row["unit_code"],
        "team": str(UUID(row["team_id"])) if row["team_id"] else None,
        "cadre": str(UUID(row["cadre_id"])) if row.get("cadre_id") else None,
        "added_at": row["added_at"].isoformat(),
        "added_by": row["added_by"],
        "last_login_at": row["last_login_at"].isoformat() if row["last_login_at"] else None,
        "suspended": bool(row["suspended"]),
    }


# -- the demo ---------------------------------------------------------------------------------

DEMO_PASSWORD = "zhucun-demo"
DEMO_CITY = "210500"  # 本溪市
DEMO_COUNTY = "210521"  # 本溪满族自治县
DEMO_TEAM_DAY = date(2015, 6, 30)


def add_demo_accounts(zhucun: Zhucun, hasher: PasswordHasher | None = None) -> list[dict[str, Any]]:
    """One account per role, named after the role, password ``zhucun-demo``: the city's
    administrator and auditor, and inside 本溪满族自治县 its administrator and inspector, the
    officer of the township of the first team serving there today (else in the middle of the
    first round), and a member of that team: its leader, whose account is that cadre (the
    team's forms record the leader without asking)."""
    # The teams at work in the county today, else mid-2015, through the facade.
    roster = zhucun.teams(DEMO_COUNTY, zhucun.today()) or zhucun.teams(DEMO_COUNTY, DEMO_TEAM_DAY)
    roster = roster or []
    team = min(roster, key=lambda t: (str(t["village"]), str(t["team_id"])), default=None)
    service = Accounts(zhucun, hasher=hasher)
    leader = (team or {}).get("leader") or {}
    plan: list[tuple[Role, str, str | None]] = [
        (Role.CITY_ADMIN, DEMO_CITY, None),
        (Role.COUNTY_ADMIN, DEMO_COUNTY, None),
        (Role.INSPECTOR, DEMO_COUNTY, None),
        (Role.AUDITOR, DEMO_CITY, None),
    ]
    if team is not None:
        village = str(team["village"])
        plan.insert(2, (Role.TOWNSHIP_OFFICER, village[:9], None))
        plan.insert(3, (Role.TEAM_MEMBER, village, str(team["team_id"])))
    return [
        service.add(
            role.value,
            role.value,
            unit,
            DEMO_PASSWORD,
            team=team_id,
            actor="demo",
            demo=True,
            cadre=leader.get("cadre_id") if role is Role.TEAM_MEMBER else None,
        )
        for role, unit, team_id in plan
    ]
