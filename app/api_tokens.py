"""Personal API tokens: the use cases behind ``zhucun users token`` and the account page, and
the check of a bearer token on every API request (ADR 041).

A token is ``zct_`` and 256 random bits (``secrets.token_urlsafe(32)``); the log and the read
model keep only its SHA-256, so the secret is shown once, when it is made, and never again.
A fast hash is enough for a secret that cannot be guessed (no password-hashing work factor is
needed, ADR 041), and it lets a request find its token by one indexed read.
"""

from __future__ import annotations

import hashlib
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from uuid import UUID, uuid4

from app.bootstrap import Zhucun
from app.store.clock import local_today
from app.store.uow import UnitOfWork
from domain.account_errors import AccountNotFoundError, TokenNotFoundError
from domain.accounts import Account, account_id
from domain.api_tokens import (
    DEFAULT_DAYS,
    TOKEN_FORM,
    TOKEN_PREFIX,
    ApiToken,
    TokenAccess,
    TokenFailure,
    check_expiry,
    check_token_name,
)
from domain.base import Meta
from domain.errors import InvalidInputError
from projections.accounts import account_row, token_by_hash, token_by_id, tokens_of

REASON = "API 令牌 / API token"


@dataclass(frozen=True)
class TokenCheck:
    """What a bearer token says: whose it is (its id and account), or why it is refused."""

    username: str = ""
    token: str = ""  # the token's id, when a token of that hash is known
    failure: TokenFailure | None = None


class ApiTokens:
    def __init__(self, zhucun: Zhucun) -> None:
        self.z = zhucun

    # -- the owner's and the administrator's ------------------------------------------------------

    def issue(
        self,
        username: str,
        expires: date | str | None = None,
        name: str = "",
        actor: str | None = None,
        role: str = "operator",
    ) -> dict[str, Any]:
        """Make a token for ``username``: the answer holds the secret, which is never shown
        again. ``expires``: its last day (Beijing), by default in ``DEFAULT_DAYS`` days."""
        user = _username(username)
        label = check_token_name(name)
        today = local_today(self.z.clock.now())
        day = _expiry_day(expires) if isinstance(expires, str) else expires
        last_day = check_expiry(day, today) if day else today + timedelta(DEFAULT_DAYS)
        uow = UnitOfWork(self.z.store)
        uow.get(Account, account_id(user), lambda: AccountNotFoundError(user))
        secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
        token_id = uuid4()
        uow.add(
            ApiToken.issue(
                token_id,
                user,
                label,
                last_day,
                secret_hash(secret),
                self._meta(actor or user, role),
            )
        )
        uow.commit()
        self.z.projections.catch_up()
        return {
            "token": secret,
            "id": str(token_id),
            "expires": last_day.isoformat(),
            "name": label,
        }

    def revoke(
        self,
        token: str,
        actor: str,
        role: str = "operator",
        reason: str = REASON,
        owner: str | None = None,
    ) -> dict[str, Any]:
        """Revoke a token; with ``owner``, only a token of that account (another's is not
        found, so that its existence is not told)."""
        token_id = _token_id(token)
        uow = UnitOfWork(self.z.store)
        found = uow.get(ApiToken, token_id, lambda: TokenNotFoundError(str(token_id)))
        if owner is not None and found.username != owner:
            raise TokenNotFoundError(str(token_id))
        found.revoke(self._meta(actor, role, reason or REASON))
        uow.commit()
        self.z.projections.catch_up()
        return self.describe(str(token_id))

    def list(self, username: str | None = None) -> list[dict[str, Any]]:
        """The tokens (of one account, or all), never their secret nor its hash."""
        today = local_today(self.z.clock.now())
        with self.z.projections.reading() as conn:
            user = _username(username) if username is not None else None
            if user is not None and account_row(conn, user) is None:
                raise AccountNotFoundError(user)
            return [_public(r, today) for r in tokens_of(conn, user)]

    def describe(self, token: str) -> dict[str, Any]:
        today = local_today(self.z.clock.now())
        with self.z.projections.reading() as conn:
            row = token_by_id(conn, _token_id(token).hex)
        if row is None:
            raise TokenNotFoundError(token)
        return _public(row, today)

    # -- a request's bearer token -----------------------------------------------------------------

    def check(self, token: str) -> TokenCheck:
        """Whose token this is, or why it is refused. The account's own standing (suspended,
        its role and unit) is the caller's to read: the token carries none of it."""
        if not TOKEN_FORM.fullmatch(token):
            return TokenCheck(failure=TokenFailure.MALFORMED)
        with self.z.projections.reading() as conn:
            row = token_by_hash(conn, secret_hash(token))
        if row is None:
            return TokenCheck(failure=TokenFailure.UNKNOWN)
        found = TokenCheck(row["username"], str(UUID(row["id"])))
        if row["revoked_at"] is not None:
            return TokenCheck(found.username, found.token, TokenFailure.REVOKED)
        if _day(row["expires_on"]) < local_today(self.z.clock.now()):
            return TokenCheck(found.username, found.token, TokenFailure.EXPIRED)
        return found

    def used(self, check: TokenCheck, role: str, address: str, method: str, path: str) -> None:
        """Record a request the token authenticated (one event; the read models catch up at
        the request's first read)."""
        meta = self._meta(check.username, role, "API")
        self._write(
            TokenAccess.used(check.username, check.token, address, method, path[:500], meta)
        )

    def refused(self, check: TokenCheck, address: str, method: str, path: str) -> None:
        failure = check.failure or TokenFailure.ACCOUNT
        meta = self._meta(check.username or "anonymous", "anonymous", f"API: {failure.value}")
        self._write(
            TokenAccess.refused(
                check.username, check.token, address, method, path[:500], failure, meta
            )
        )

    # -- details ----------------------------------------------------------------------------------

    def _write(self, entry: TokenAccess) -> None:
        uow = UnitOfWork(self.z.store)
        uow.add(entry)
        uow.commit()

    def _meta(self, actor: str, role: str, reason: str = REASON) -> Meta:
        now = self.z.clock.now()
        return Meta(actor, role, local_today(now), reason, now)


def secret_hash(token: str) -> str:
    """What the log and the read model keep of a token: its SHA-256."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _username(value: str) -> str:
    """A username as typed: padded or in capitals, as the login reads it (usernames are lower
    case)."""
    return unicodedata.normalize("NFKC", value).strip().lower()


def _token_id(value: str) -> UUID:
    """A token's id as typed: padded, upper case or full-width, read once."""
    try:
        return UUID(unicodedata.normalize("NFKC", value).strip())
    except ValueError:
        raise InvalidInputError(
            "token",
            f"令牌编号 {value!r} 不是有效编号",
            f"token id {value!r} is not a valid id",
        ) from None


def _expiry_day(text: str) -> date | None:
    """``--expires`` as typed: a date (YYYY-MM-DD, full-width digits read as digits), or
    nothing for the default."""
    value = unicodedata.normalize("NFKC", text).strip()
    if not value:
        return None
    try:
        if len(value) != 10:
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInputError(
            "expires",
            f"有效期至 {text!r} 不是日期（YYYY-MM-DD）",
            f"expiry {text!r} is not a date (YYYY-MM-DD)",
        ) from None


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _public(row: dict[str, Any], today: date) -> dict[str, Any]:
    expires = _day(row["expires_on"])
    state = "revoked" if row["revoked_at"] else "expired" if expires < today else "active"
    return {
        "id": str(UUID(row["id"])),
        "username": row["username"],
        "name": row["name"],
        "created_at": row["created_at"].isoformat(),
        "created_by": row["created_by"],
        "expires": expires.isoformat(),
        "last_used_at": row["last_used_at"].isoformat() if row["last_used_at"] else None,
        "revoked_at": row["revoked_at"].isoformat() if row["revoked_at"] else None,
        "state": state,
    }
