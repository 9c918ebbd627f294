"""The accounts read model: who can log in, bound to which unit, the open sessions and the
personal API tokens.

Password hashes are not copied here: a login reads the account's own events. The limit on
failed logins is not counted here either, but on the username's ``LoginGuard`` (ADR 014).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any
from uuid import UUID

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    Date,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    insert,
    select,
    update,
)

from domain.accounts import AccessLog, Account
from domain.api_tokens import TOKEN_NAME_MAX, ApiToken, TokenAccess
from projections.tables import utc_naive

NAME = "accounts"
metadata = MetaData()

accounts = Table(
    "rm_accounts",
    metadata,
    Column("username", String(32), primary_key=True),
    Column("id", String(32), nullable=False, unique=True),
    Column("role", String(32), nullable=False),
    Column("unit_code", String(15), nullable=False, index=True),
    Column("team_id", String(32)),
    Column("cadre_id", String(32)),  # a team member's account: the cadre it is, once bound
    # Bumped by a password change: a session opened before it is no longer valid.
    Column("version", Integer, nullable=False),
    Column("added_at", DateTime, nullable=False),
    Column("added_by", String(100), nullable=False),
    Column("last_login_at", DateTime),
    Column("suspended", Boolean, nullable=False, default=False),
)

# Sessions opened by a login, by the SHA-256 of their id (the id itself is only in the
# session's cookie). A logout ends its own; a new password or a suspension ends them all.
sessions = Table(
    "rm_sessions",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("username", String(32), nullable=False, index=True),
    Column("started_at", DateTime, nullable=False),
    Column("ended_at", DateTime),
)

# Personal API tokens (ADR 041), by id; the secret is not kept, only its SHA-256, by which a
# request's token is found.
api_tokens = Table(
    "rm_api_tokens",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("hash", String(64), nullable=False, unique=True),
    Column("username", String(32), nullable=False, index=True),
    Column("name", String(TOKEN_NAME_MAX), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("created_by", String(100), nullable=False),
    Column("expires_on", Date, nullable=False),
    Column("revoked_at", DateTime),
    Column("revoked_by", String(100)),
    Column("last_used_at", DateTime),
    Column("last_used_from", String(64)),
)


class AccountsModel:
    name = NAME
    metadata = metadata
    # 2: sessions kept on the server and suspension; failed logins counted on the guard.
    # 3: a team member's account bound to its cadre.
    # 4: personal API tokens.
    version = 4

    def process(self, conn: Connection, page: Sequence[Any]) -> None:
        for logged in page:
            e = logged.event
            kind = type(e)
            if kind is Account.Added:
                conn.execute(
                    insert(accounts).values(
                        username=e.username,
                        id=e.originator_id.hex,
                        role=e.role,
                        unit_code=e.unit_code,
                        team_id=e.team_id.hex if e.team_id else None,
                        version=e.originator_version,
                        added_at=utc_naive(e.timestamp),
                        added_by=e.actor_id,
                        suspended=False,
                    )
                )
            elif kind is Account.PasswordChanged:
                conn.execute(
                    update(accounts)
                    .where(accounts.c.id == e.originator_id.hex)
                    .values(version=e.originator_version)
                )
                _end_sessions_of(conn, e)
            elif kind is Account.Suspended or kind is Account.Resumed:
                conn.execute(
                    update(accounts)
                    .where(accounts.c.id == e.originator_id.hex)
                    .values(suspended=kind is Account.Suspended)
                )
                _end_sessions_of(conn, e)
            elif kind is Account.BoundToCadre:
                conn.execute(
                    update(accounts)
                    .where(accounts.c.id == e.originator_id.hex)
                    .values(cadre_id=e.cadre_id.hex)
                )
            elif kind is AccessLog.LoggedIn:
                if e.session:
                    conn.execute(
                        insert(sessions).values(
                            id=e.session,
                            username=e.username,
                            started_at=utc_naive(e.timestamp),
                        )
                    )
                conn.execute(
                    update(accounts)
                    .where(accounts.c.username == e.username)
                    .values(last_login_at=utc_naive(e.timestamp))
                )
            elif kind in _TOKEN_EVENTS:
                _token_event(conn, e)
            elif kind is AccessLog.LoggedOut and e.session:
                conn.execute(
                    update(sessions)
                    .where(sessions.c.id == e.session, sessions.c.ended_at.is_(None))
                    .values(ended_at=utc_naive(e.timestamp))
                )

    def reset(self) -> None:
        """Nothing is kept in memory."""


# -- queries ----------------------------------------------------------------------------------


def account_row(conn: Connection, username: str) -> dict[str, Any] | None:
    row = conn.execute(select(accounts).where(accounts.c.username == username)).mappings().first()
    return dict(row) if row else None


def all_accounts(conn: Connection) -> list[dict[str, Any]]:
    return [
        dict(r)
        for r in conn.execute(
            select(accounts).order_by(accounts.c.unit_code, accounts.c.username)
        ).mappings()
    ]


def session_open(conn: Connection, session: str, username: str) -> bool:
    """Is the session with this id's SHA-256 open, and the given account's?"""
    found = conn.execute(
        select(sessions.c.username).where(sessions.c.id == session, sessions.c.ended_at.is_(None))
    ).scalar()
    return found == username


def token_by_hash(conn: Connection, secret_hash: str) -> dict[str, Any] | None:
    row = (
        conn.execute(select(api_tokens).where(api_tokens.c.hash == secret_hash)).mappings().first()
    )
    return dict(row) if row else None


def token_by_id(conn: Connection, token_id: str) -> dict[str, Any] | None:
    row = conn.execute(select(api_tokens).where(api_tokens.c.id == token_id)).mappings().first()
    return dict(row) if row else None


def tokens_of(conn: Connection, username: str | None = None) -> list[dict[str, Any]]:
    """The tokens of one account (every account's if None), the newest first."""
    query = select(api_tokens).order_by(api_tokens.c.created_at.desc(), api_tokens.c.id)
    if username is not None:
        query = query.where(api_tokens.c.username == username)
    return [dict(r) for r in conn.execute(query).mappings()]


def _token_event(conn: Connection, e: Any) -> None:
    kind = type(e)
    if kind is ApiToken.Issued:
        conn.execute(
            insert(api_tokens).values(
                id=e.originator_id.hex,
                hash=e.secret_hash,
                username=e.username,
                name=e.name,
                created_at=utc_naive(e.timestamp),
                created_by=e.actor_id,
                expires_on=date.fromisoformat(e.expires_on),
            )
        )
    elif kind is ApiToken.Revoked:
        conn.execute(
            update(api_tokens)
            .where(api_tokens.c.id == e.originator_id.hex)
            .values(revoked_at=utc_naive(e.timestamp), revoked_by=e.actor_id)
        )
    elif kind is TokenAccess.Used:
        conn.execute(
            update(api_tokens)
            .where(api_tokens.c.id == UUID(e.token).hex)
            .values(last_used_at=utc_naive(e.timestamp), last_used_from=e.address[:64])
        )


_TOKEN_EVENTS = (ApiToken.Issued, ApiToken.Revoked, TokenAccess.Used)


def _end_sessions_of(conn: Connection, e: Any) -> None:
    """End every open session of the account that ``e`` happened to."""
    username = select(accounts.c.username).where(accounts.c.id == e.originator_id.hex)
    conn.execute(
        update(sessions)
        .where(sessions.c.username == username.scalar_subquery(), sessions.c.ended_at.is_(None))
        .values(ended_at=utc_naive(e.timestamp))
    )
