"""Accounts of the web application, and the record of every login, logout and refused access.

An account is bound to one unit and sees and acts only inside that unit's subtree; a team
member's account is also bound to its team. Passwords reach the domain already hashed: the
hashing scheme belongs to the application layer.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from functools import cache
from importlib.resources import files
from typing import Any, ClassVar, TypeVar
from uuid import UUID

from domain.account_errors import (
    AccountNotSuspendedError,
    AccountSuspendedError,
    CadreNotAllowedError,
    CadreNotOnTeamError,
    CommonPasswordError,
    EmptyPasswordError,
    InvalidUsernameError,
    RoleUnitLevelError,
    TeamNotAllowedError,
    TeamRequiredError,
    UnknownRoleError,
    WeakPasswordError,
)
from domain.base import Meta, NetworkAggregate, derived_id
from domain.levels import Level
from domain.worded import Worded


class Role(Worded):
    CITY_ADMIN = "city_admin"
    COUNTY_ADMIN = "county_admin"
    TOWNSHIP_OFFICER = "township_officer"
    TEAM_MEMBER = "team_member"
    INSPECTOR = "inspector"
    AUDITOR = "auditor"

    __zh__: ClassVar[dict[str, str]] = {
        "city_admin": "市级管理员",
        "county_admin": "县(区)管理员",
        "township_officer": "乡镇(街道)干部",
        "team_member": "工作队队员",
        "inspector": "督查人员",
        "auditor": "审计人员（只读）",
    }

    @property
    def en(self) -> str:
        return ROLE_EN[self]

    @property
    def unit_levels(self) -> tuple[Level, ...]:
        """The levels of unit an account of this role can be bound to."""
        return ROLE_LEVELS[self]

    @property
    def read_only(self) -> bool:
        return self is Role.AUDITOR

    @classmethod
    def parse(cls, value: str) -> Role:
        try:
            return cls(value.strip())
        except ValueError:
            raise UnknownRoleError(value, [r.value for r in cls]) from None


ROLE_EN = {
    Role.CITY_ADMIN: "city administrator",
    Role.COUNTY_ADMIN: "county administrator",
    Role.TOWNSHIP_OFFICER: "township officer",
    Role.TEAM_MEMBER: "team member",
    Role.INSPECTOR: "inspector",
    Role.AUDITOR: "auditor (read-only)",
}
_OVERSIGHT = (Level.CITY, Level.COUNTY, Level.TOWNSHIP)
ROLE_LEVELS: dict[Role, tuple[Level, ...]] = {
    Role.CITY_ADMIN: (Level.CITY,),
    Role.COUNTY_ADMIN: (Level.COUNTY,),
    Role.TOWNSHIP_OFFICER: (Level.TOWNSHIP,),
    Role.TEAM_MEMBER: (Level.VILLAGE,),
    Role.INSPECTOR: _OVERSIGHT,
    Role.AUDITOR: _OVERSIGHT,
}

_USERNAME = re.compile(r"[a-z][a-z0-9._-]{2,31}")
MIN_PASSWORD_LENGTH = 10


def account_id(username: str) -> UUID:
    """Derived from the username: a second account of the same name clashes in the store."""
    return derived_id("account", username)


def check_username(username: str) -> str:
    name = username.strip()
    if not _USERNAME.fullmatch(name):
        raise InvalidUsernameError(username)
    return name


def check_password(password: str, username: str) -> None:
    """Refuse a password a guesser would find quickly; the message says why."""
    if not password:
        raise EmptyPasswordError()
    if password != password.strip():
        raise WeakPasswordError("首尾不能有空格", "it must not begin or end with a space")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPasswordError(
            f"至少 {MIN_PASSWORD_LENGTH} 个字符，现在只有 {len(password)} 个",
            f"it needs at least {MIN_PASSWORD_LENGTH} characters, not {len(password)}",
        )
    if len(set(password)) < 4:
        raise WeakPasswordError(
            "至少要有 4 个不同的字符", "it needs at least 4 different characters"
        )
    if password.isdigit():
        raise WeakPasswordError("不能只有数字", "it must not be digits only")
    if username and username.lower() in password.lower():
        raise WeakPasswordError("不能包含用户名", "it must not contain the username")
    if password.lower() in common_passwords():
        raise CommonPasswordError()


@cache
def common_passwords() -> frozenset[str]:
    """The 19,640 most common passwords (lower case), vendored from Django (ADR 013)."""
    data = files("domain").joinpath("data/common-passwords.txt.gz").read_bytes()
    return frozenset(gzip.decompress(data).decode("utf-8").split())


def check_binding(role: Role, unit_code: str, level: Level, team_id: UUID | None) -> None:
    """The unit (and team) an account of ``role`` is bound to must suit the role."""
    if level not in role.unit_levels:
        allowed_zh = "、".join(lv.zh for lv in role.unit_levels)
        allowed_en = ", ".join(lv.value for lv in role.unit_levels)
        raise RoleUnitLevelError(
            role.value, unit_code, level.zh, level.value, f"{allowed_zh} / {allowed_en}"
        )
    if role is Role.TEAM_MEMBER and team_id is None:
        raise TeamRequiredError()
    if role is not Role.TEAM_MEMBER and team_id is not None:
        raise TeamNotAllowedError(role.value)


class Account(NetworkAggregate):
    """A person who logs in to the web application."""

    def __init__(self) -> None:
        self.username = ""
        self.role = Role.AUDITOR
        self.unit_code = ""
        self.team_id: UUID | None = None
        self.cadre_id: UUID | None = None  # a team member's account: the cadre it is
        self.password_hash = ""
        self.suspended = False

    class Added(NetworkAggregate.Created):
        username: str
        role: str
        unit_code: str
        team_id: UUID | None
        password_hash: str

        def apply(self, a: Account) -> None:
            a.username = self.username
            a.role = Role(self.role)
            self.copy_to(a, "unit_code", "team_id", "password_hash")

    class PasswordChanged(NetworkAggregate.SetsFields):
        password_hash: str

    class Suspended(NetworkAggregate.Event):
        """The account may no longer log in, and its open sessions end."""

        def apply(self, a: Account) -> None:
            a.suspended = True

    class Resumed(NetworkAggregate.Event):
        def apply(self, a: Account) -> None:
            a.suspended = False

    class BoundToCadre(NetworkAggregate.SetsFields):
        """The account is this cadre's own: its check-ins, diary and visits are that cadre's,
        never another member's."""

        cadre_id: UUID

    @classmethod
    def add(
        cls,
        username: str,
        role: Role,
        unit_code: str,
        team_id: UUID | None,
        password_hash: str,
        meta: Meta,
    ) -> Account:
        return cls._create(
            cls.Added,
            id=account_id(username),
            username=username,
            role=role.value,
            unit_code=unit_code,
            team_id=team_id,
            password_hash=password_hash,
            **meta.event_kwargs(),
        )

    def change_password(self, password_hash: str, meta: Meta) -> None:
        self.trigger_event(self.PasswordChanged, password_hash=password_hash, **meta.event_kwargs())

    def bind_cadre(self, cadre_id: UUID, on_team: bool, meta: Meta) -> None:
        """Bind a team member's account to the cadre it is (``on_team``: the cadre has been a
        member of the account's team). Binding it again to the same cadre records nothing."""
        if self.role is not Role.TEAM_MEMBER:
            raise CadreNotAllowedError(self.role.value)
        if not on_team:
            raise CadreNotOnTeamError(str(cadre_id), str(self.team_id))
        if self.cadre_id == cadre_id:
            return
        self.trigger_event(self.BoundToCadre, cadre_id=cadre_id, **meta.event_kwargs())

    def suspend(self, meta: Meta) -> None:
        if self.suspended:
            raise AccountSuspendedError(self.username)
        self.trigger_event(self.Suspended, **meta.event_kwargs())

    def resume(self, meta: Meta) -> None:
        if not self.suspended:
            raise AccountNotSuspendedError(self.username)
        self.trigger_event(self.Resumed, **meta.event_kwargs())


class FailureCause(StrEnum):
    UNKNOWN_USER = "unknown_user"
    WRONG_PASSWORD = "wrong_password"
    RATE_LIMITED = "rate_limited"  # refused before the password was looked at
    SUSPENDED = "suspended"  # the right password for a suspended account


class AccessLog(NetworkAggregate):
    """One entry of the access record: a login, a logout, a failed login or a refused access.

    Each entry is an aggregate of its own with a single event, so recording one never has to
    load, or wait for, anything else.
    """

    def __init__(self) -> None:
        self.username = ""

    class Entry(NetworkAggregate.Created):
        """What every entry records: who, from which address."""

        username: str
        address: str

        def apply(self, r: AccessLog) -> None:
            r.username = self.username

    class LoggedIn(Entry):
        # The SHA-256 of the session's id, which only the session's cookie holds; empty in
        # entries recorded before sessions were kept on the server.
        session: str = ""

    class LoggedOut(Entry):
        session: str = ""  # the session this logout ended (its id's SHA-256)

    class LoginFailed(Entry):
        cause: str

    class AccessRefused(Entry):
        method: str
        path: str
        why: str

    @classmethod
    def _entry(
        cls, event: type[Entry], username: str, address: str, meta: Meta, **what: Any
    ) -> AccessLog:
        return cls._create(event, username=username, address=address, **what, **meta.event_kwargs())

    @classmethod
    def logged_in(cls, username: str, address: str, session: str, meta: Meta) -> AccessLog:
        return cls._entry(cls.LoggedIn, username, address, meta, session=session)

    @classmethod
    def logged_out(cls, username: str, address: str, session: str, meta: Meta) -> AccessLog:
        return cls._entry(cls.LoggedOut, username, address, meta, session=session)

    @classmethod
    def login_failed(
        cls, username: str, address: str, cause: FailureCause, meta: Meta
    ) -> AccessLog:
        return cls._entry(cls.LoginFailed, username, address, meta, cause=cause.value)

    @classmethod
    def access_refused(
        cls, username: str, address: str, method: str, path: str, why: str, meta: Meta
    ) -> AccessLog:
        return cls._entry(
            cls.AccessRefused, username, address, meta, method=method, path=path, why=why
        )


E = TypeVar("E", bound="LoginGuard.FromAddress")


def login_guard_id(username: str) -> UUID:
    """One guard per username as typed, whether or not such an account exists."""
    return derived_id("login-guard", username)


class LoginGuard(NetworkAggregate):
    """The tries at one username's password, so that the limit on failed logins holds when
    many requests come at once (ADR 014).

    A try is taken on the guard *before* the password is checked against its hash; two
    requests that take one at the same moment write the same version, and the store lets
    only one through: the other reads the guard again and counts anew. A try counts as a
    failure until a successful login from the same address clears the tries before it.

    Only the last minutes of a guard matter, so it is read from its end (``RecentTries``)
    rather than replayed whole; its events are the usual ones, and it replays like any other.
    """

    def __init__(self) -> None:
        self.username = ""

    class Opened(NetworkAggregate.CreatedSetsFields):
        username: str

    class FromAddress(NetworkAggregate.Event):
        address: str

        def apply(self, g: LoginGuard) -> None:
            pass

    class TryTaken(FromAddress):
        pass

    class Cleared(FromAddress):
        """A successful login from ``address``: the tries from there before it stop counting."""

        def apply(self, g: LoginGuard) -> None:
            pass

    @classmethod
    def open(cls, username: str, meta: Meta) -> LoginGuard:
        return cls._create(
            cls.Opened, id=login_guard_id(username), username=username, **meta.event_kwargs()
        )


@dataclass(frozen=True)
class RecentTries:
    """What the end of a guard's stream says about one address: the guard's last version and
    the tries from that address since its last successful login, within the window."""

    guard_id: UUID
    version: int  # 0: the guard has no events yet
    tries: int

    @classmethod
    def count(
        cls, guard_id: UUID, newest_first: Iterable[Any], address: str, since: datetime, cap: int
    ) -> RecentTries:
        """Count from the guard's events, newest first; stops at the window's start, at the
        last success from ``address``, or at ``cap`` tries (enough to refuse)."""
        version = tries = 0
        for e in newest_first:
            version = version or e.originator_version
            if e.timestamp <= since or tries >= cap:
                break
            if getattr(e, "address", None) != address:
                continue
            if isinstance(e, LoginGuard.Cleared):
                break
            if isinstance(e, LoginGuard.TryTaken):
                tries += 1
        return cls(guard_id, version, tries)

    def take(self, address: str, meta: Meta) -> LoginGuard.TryTaken:
        """The event taking one more try: the guard's next version, so that a concurrent
        try written first makes this one clash."""
        return self._next(LoginGuard.TryTaken, address, meta)

    def clear(self, address: str, meta: Meta) -> LoginGuard.Cleared:
        return self._next(LoginGuard.Cleared, address, meta)

    def _next(self, cls: type[E], address: str, meta: Meta) -> E:
        assert self.version > 0, "open the guard first"
        # The library makes the events' fields; mypy sees only its base's.
        return cls(  # type: ignore[call-arg]
            originator_id=self.guard_id,
            originator_version=self.version + 1,
            address=address,
            **meta.event_kwargs(),
        )
