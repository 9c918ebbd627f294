"""Audited reads: each export and each view of personal data is recorded as an event, by whom,
of what, through the ordinary store (domain/access.py); and who, on the command line, may see
identity numbers in full (``unmask_grant``)."""

from __future__ import annotations

import os
import pwd
import stat
from datetime import date
from pathlib import Path
from uuid import UUID, uuid4

from app.bootstrap import Zhucun
from app.store.clock import local_today
from app.store.uow import UnitOfWork
from domain.access import DataAccess
from domain.base import Meta
from domain.errors import RuleViolation

ACTOR_ENV, ROLE_ENV = "ZHUCUN_ACTOR", "ZHUCUN_ROLE"
DEFAULT_ROLE = "operator"
# The operating-system users who may see identity numbers in full on the command line, one
# login name a line. Kept by the system's administrator: it counts only while owned by root
# and writable by nobody else, so a user cannot put themselves on it (docs/audit.md).
UNMASK_USERS_FILE = Path("/etc/zhucun/unmask-users")
UNMASK_ROLE = "auditor"  # the role recorded for a listed operating-system user
OVERRIDE_FLAG = "--unmask-override"


def os_user() -> str:
    """The login name of the process's effective user, from the user database (not from
    $USER or $LOGNAME, which anyone can set)."""
    try:
        return pwd.getpwuid(os.geteuid()).pw_name
    except KeyError:
        return f"uid {os.geteuid()}"


def who(actor: str | None, role: str | None) -> tuple[str, str]:
    """The person reading: as given, else $ZHUCUN_ACTOR / $ZHUCUN_ROLE, else the login name
    of the operating-system user with the role ``operator``. Both are what the reader says
    of themselves: recorded, never enough to see identity numbers (``unmask_grant``)."""
    name = (actor or os.environ.get(ACTOR_ENV) or "").strip() or "os:" + os_user()
    return name, (role or os.environ.get(ROLE_ENV) or DEFAULT_ROLE).strip()


def unmask_listed(path: Path | None = None) -> bool:
    """Whether the process's operating-system user is on the administrator's list."""
    path = path or UNMASK_USERS_FILE
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode) or info.st_uid != 0:
            return False
        if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
            return False
        lines = path.read_text("utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return False
    names = {line.split("#", 1)[0].strip() for line in lines}
    return os_user() in names - {""}


class UnmaskNotAllowedError(RuleViolation):
    code = "unmask_not_allowed"

    def __init__(self, user: str) -> None:
        super().__init__(
            "show_identity",
            f"操作系统用户 {user} 不在可查看完整身份证号的名单（{UNMASK_USERS_FILE}）上；"
            "--role 只是自述，不能据此显示。确需查看时加 "
            f"{OVERRIDE_FLAG} 并用 --reason 写明事由：此次查阅将作为越权查阅记录在案",
            f"the operating-system user {user} is not on the list of those who may see "
            f"identity numbers in full ({UNMASK_USERS_FILE}); --role is only what the reader "
            f"says and does not unmask. If it must be done, add {OVERRIDE_FLAG} with a "
            "--reason: the view is then recorded as an override",
        )


class OverrideNeedsReasonError(RuleViolation):
    code = "override_needs_reason"

    def __init__(self) -> None:
        super().__init__(
            "reason",
            f"{OVERRIDE_FLAG} 需要用 --reason 写明事由",
            f"{OVERRIDE_FLAG} needs a --reason of your own",
        )


def unmask_grant(role: str, override: bool, reason_given: bool) -> tuple[str, dict[str, str]]:
    """May this process show identity numbers in full? The role to record and what to add to
    the recorded scope (the operating-system user and the grounds), else a refusal.

    Grounds: the operating-system user is on the administrator's list (recorded with the
    role ``auditor``), or the reader gave ``--unmask-override`` with a reason of their own
    and a role allowed to unmask (recorded as an override, for an auditor to follow up)."""
    user = os_user()
    if unmask_listed():
        return UNMASK_ROLE, {"os_user": user, "unmask": "os_allow_list"}
    if not override:
        raise UnmaskNotAllowedError(user)
    if not reason_given:
        raise OverrideNeedsReasonError()
    return role, {"os_user": user, "unmask": "override"}


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
