"""Audited reads: each export and each view of personal data is recorded as an event, by whom,
of what, through the ordinary store (domain/access.py)."""

from __future__ import annotations

import getpass
import os
from datetime import date
from uuid import UUID, uuid4

from app.bootstrap import Zhucun
from app.clock import local_today
from app.uow import UnitOfWork
from domain.access import DataAccess
from domain.base import Meta

ACTOR_ENV, ROLE_ENV = "ZHUCUN_ACTOR", "ZHUCUN_ROLE"
DEFAULT_ROLE = "operator"


def who(actor: str | None, role: str | None) -> tuple[str, str]:
    """The person reading: as given, else $ZHUCUN_ACTOR / $ZHUCUN_ROLE, else the login name
    of the operating-system user with the role ``operator``."""
    name = (actor or os.environ.get(ACTOR_ENV) or "").strip()
    if not name:
        try:
            name = "os:" + getpass.getuser()
        except (KeyError, OSError):
            name = "os:unknown"
    return name, (role or os.environ.get(ROLE_ENV) or DEFAULT_ROLE).strip()


def _meta(z: Zhucun, actor: str, role: str, reason: str) -> Meta:
    now = z.clock.now()
    today: date = local_today(now)
    return Meta(actor, role, today, reason.strip() or "查阅 read", now)


def record_export(
    z: Zhucun,
    actor: str,
    role: str,
    what: str,
    format: str,
    target: str,
    filters: dict[str, str],
    rows: int,
    unmasked: bool = False,
    reason: str = "导出 export",
) -> UUID:
    """Record that ``actor`` exported ``rows`` entries of ``what`` to ``target``."""
    access = DataAccess.exported(
        uuid4(), what, format, target, filters, rows, unmasked, _meta(z, actor, role, reason)
    )
    return _save(z, access)


def record_personal_data_view(
    z: Zhucun,
    actor: str,
    role: str,
    household_id: UUID | None,
    what: str = "household page",
    entries: int = 1,
    unmasked: bool = False,
    scope: dict[str, str] | None = None,
    reason: str = "查阅 read",
) -> UUID:
    """Record that ``actor`` looked at a household's personal data (or, with no household,
    at ``entries`` records at once). An unmasked view by a role not allowed to
    see identity numbers is refused (WrongRoleError) and nothing is written."""
    access = DataAccess.personal_data_viewed(
        uuid4(),
        what,
        household_id,
        entries,
        unmasked,
        scope or {},
        _meta(z, actor, role, reason),
    )
    return _save(z, access)


def _save(z: Zhucun, access: DataAccess) -> UUID:
    uow = UnitOfWork(z.store)
    uow.add(access)
    uow.commit()
    return access.id
