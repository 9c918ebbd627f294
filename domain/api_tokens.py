"""Personal API tokens: a secret a client sends as ``Authorization: Bearer`` to use the JSON
API as one account, and the record of every use and every refused token (ADR 041).

A token is bound to an account and carries no role or unit of its own: each request acts with
the account's standing at that moment, so a suspended account's token does nothing, and a
changed role or unit applies at once. The secret itself never reaches the domain: it sees the
secret's SHA-256 only (the application layer makes the secret and shows it once).
"""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum
from typing import Any
from uuid import UUID

from domain.account_errors import TokenExpiryPastError, TokenRevokedError
from domain.base import Meta, NetworkAggregate
from domain.errors import InvalidInputError

# A recognisable prefix, so that a token pasted where it should not be can be found by secret
# scanners; then 43 characters of URL-safe base64: 256 random bits.
TOKEN_PREFIX = "zct_"
TOKEN_FORM = re.compile(r"zct_[A-Za-z0-9_-]{43}")
TOKEN_NAME_MAX = 100
DEFAULT_DAYS = 90


class TokenFailure(StrEnum):
    """Why a bearer token was refused."""

    MALFORMED = "malformed"  # not ``Bearer zct_…`` of the right form
    UNKNOWN = "unknown"  # of the right form, but no token has that hash
    EXPIRED = "expired"
    REVOKED = "revoked"
    ACCOUNT = "account"  # the account is suspended or gone


def check_token_name(name: str) -> str:
    """A label the owner chooses: one line of at most ``TOKEN_NAME_MAX`` characters."""
    text = name.strip()
    if len(text) > TOKEN_NAME_MAX or any(ord(c) < 32 or ord(c) == 127 for c in text):
        raise InvalidInputError(
            "name",
            f"令牌名称须为一行、不超过 {TOKEN_NAME_MAX} 个字符",
            f"the token's name must be one line of at most {TOKEN_NAME_MAX} characters",
        )
    return text


def check_expiry(expires: date, today: date) -> date:
    """The last day (Beijing) the token works; today at the earliest."""
    if expires < today:
        raise TokenExpiryPastError(expires.isoformat(), today.isoformat())
    return expires


class ApiToken(NetworkAggregate):
    """One personal token of an account."""

    def __init__(self) -> None:
        self.username = ""
        self.revoked = False

    class Issued(NetworkAggregate.Created):
        username: str
        name: str
        expires_on: str  # ISO date: the last day (Beijing) the token works
        secret_hash: str  # SHA-256 of the whole token, hex

        def apply(self, t: ApiToken) -> None:
            t.username = self.username

    class Revoked(NetworkAggregate.Event):
        def apply(self, t: ApiToken) -> None:
            t.revoked = True

    @classmethod
    def issue(
        cls,
        token_id: UUID,
        username: str,
        name: str,
        expires_on: date,
        secret_hash: str,
        meta: Meta,
    ) -> ApiToken:
        return cls._create(
            cls.Issued,
            id=token_id,
            username=username,
            name=name,
            expires_on=expires_on.isoformat(),
            secret_hash=secret_hash,
            **meta.event_kwargs(),
        )

    def revoke(self, meta: Meta) -> None:
        if self.revoked:
            raise TokenRevokedError(str(self.id))
        self.trigger_event(self.Revoked, **meta.event_kwargs())


class TokenAccess(NetworkAggregate):
    """One entry of the access record made with a token: a request it authenticated, or a
    token refused. Like ``AccessLog``, an aggregate of one event, so that recording it never
    loads or waits for anything else."""

    def __init__(self) -> None:
        self.username = ""

    class Entry(NetworkAggregate.Created):
        """What every entry records: the request (whose token, from where, for what)."""

        username: str  # empty when no token of that hash is known
        token: str  # the token's id, if known
        address: str
        method: str
        path: str

        def apply(self, r: TokenAccess) -> None:
            r.username = self.username

    class Used(Entry):
        pass

    class Refused(Entry):
        cause: str

    @classmethod
    def used(
        cls, username: str, token: str, address: str, method: str, path: str, meta: Meta
    ) -> TokenAccess:
        asked = {"token": token, "address": address, "method": method, "path": path}
        return cls._entry(cls.Used, meta, username=username, **asked)

    @classmethod
    def refused(
        cls,
        username: str,
        token: str,
        address: str,
        method: str,
        path: str,
        cause: TokenFailure,
        meta: Meta,
    ) -> TokenAccess:
        asked = {"token": token, "address": address, "method": method, "path": path}
        return cls._entry(cls.Refused, meta, username=username, cause=cause.value, **asked)

    @classmethod
    def _entry(cls, event: type[Entry], meta: Meta, **fields: Any) -> TokenAccess:
        return cls._create(event, **fields, **meta.event_kwargs())
