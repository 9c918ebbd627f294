"""The accounts read model: who can log in, bound to which unit, and recent failed logins.

Password hashes are not copied here: a login reads the account's own events.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    and_,
    delete,
    func,
    insert,
    select,
    update,
)

from domain.accounts import AccessLog, Account, FailureCause
from projections.coverage.model import utc_naive

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
    # Bumped by a password change: a session opened before it is no longer valid.
    Column("version", Integer, nullable=False),
    Column("added_at", DateTime, nullable=False),
    Column("added_by", String(100), nullable=False),
    Column("last_login_at", DateTime),
)

# Failed logins since the last successful one, per username as typed and address.
login_failures = Table(
    "rm_login_failures",
    metadata,
    Column("position", Integer, primary_key=True, autoincrement=False),
    Column("username", String(64), nullable=False),
    Column("address", String(64), nullable=False),
    Column("at", DateTime, nullable=False),
)
COUNTED = (FailureCause.UNKNOWN_USER.value, FailureCause.WRONG_PASSWORD.value)


class AccountsModel:
    name = NAME
    metadata = metadata

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
                    )
                )
            elif kind is Account.PasswordChanged:
                conn.execute(
                    update(accounts)
                    .where(accounts.c.id == e.originator_id.hex)
                    .values(version=e.originator_version)
                )
            elif kind is AccessLog.LoginFailed and e.cause in COUNTED:
                conn.execute(
                    insert(login_failures).values(
                        position=logged.position,
                        username=e.username[:64],
                        address=e.address[:64],
                        at=utc_naive(e.timestamp),
                    )
                )
            elif kind is AccessLog.LoggedIn:
                conn.execute(
                    delete(login_failures).where(
                        login_failures.c.username == e.username,
                        login_failures.c.address == e.address,
                    )
                )
                conn.execute(
                    update(accounts)
                    .where(accounts.c.username == e.username)
                    .values(last_login_at=utc_naive(e.timestamp))
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


def recent_failures(conn: Connection, username: str, address: str, since: datetime) -> int:
    return int(
        conn.execute(
            select(func.count()).where(
                and_(
                    login_failures.c.username == username,
                    login_failures.c.address == address,
                    login_failures.c.at > utc_naive(since),
                )
            )
        ).scalar_one()
    )
