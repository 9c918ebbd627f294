"""Identity numbers in full on the command line: never on a role the reader declares, only for
an operating-system user on the administrator's list (a root-owned file nobody else can
write) or on an explicit override with a reason; either way recorded with the grounds."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from app.audit import access
from app.audit.log import AuditFilter, audit_rows
from app.bootstrap import bootstrap
from app.cli.main import cli
from tests.builders import hid, id_number, small_network_at

ARGS = ["audit", "log", "--subject", hid(1), "--json", "--show-identity", "--as", "钱"]


@pytest.fixture
def store(db_url: str) -> str:
    return small_network_at(db_url)


def run(db: str, *args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, ["--db", db, *args], env=env)


def views(db: str) -> list[dict[str, Any]]:
    z = bootstrap(db)
    try:
        f = AuditFilter(event="DataAccess.PersonalDataViewed")
        return list(audit_rows(z.store, z.engine, f))
    finally:
        z.close()


@pytest.fixture
def allow_list(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    if os.geteuid() != 0:
        pytest.skip("the list counts only when owned by root; these tests make one")
    path = tmp_path / "unmask-users"
    monkeypatch.setattr(access, "UNMASK_USERS_FILE", path)
    return path


def test_a_listed_operating_system_user_sees_identity_numbers_and_that_is_recorded(
    store: str, allow_list: Path
) -> None:
    allow_list.write_text(f"# auditors of the city\nsomeone.else\n{access.os_user()}\n")
    allow_list.chmod(0o644)
    r = run(store, *ARGS)
    assert r.exit_code == 0, r.output
    assert id_number(1) in r.stdout
    (viewed,) = views(store)
    assert viewed["actor"] == "钱" and viewed["role"] == access.UNMASK_ROLE
    scope = viewed["details"]["scope"]
    assert scope["unmask"] == "os_allow_list" and scope["os_user"] == access.os_user()


@pytest.mark.parametrize(
    ("content", "mode"),
    [
        ("someone.else\n", 0o644),  # not on it
        (None, 0o666),  # on it, but anyone could have put themselves there
        (None, 0o664),  # writable by the group too
    ],
)
def test_an_operating_system_user_not_truly_listed_is_refused_whatever_role_they_declare(
    store: str, allow_list: Path, content: str | None, mode: int
) -> None:
    allow_list.write_text(content or f"{access.os_user()}\n")
    allow_list.chmod(mode)
    r = run(store, *ARGS, "--role", "auditor", env={"ZHUCUN_ROLE": "city_admin"})
    assert r.exit_code == 1
    assert "unmask_not_allowed" in r.output and "is not on the list" in r.output
    assert "不在可查看完整身份证号的名单" in r.output and "Traceback" not in r.output
    assert id_number(1) not in r.output
    assert views(store) == []


def test_the_user_name_in_the_environment_does_not_count(store: str, allow_list: Path) -> None:
    allow_list.write_text("pretender\n")
    allow_list.chmod(0o644)
    r = run(store, *ARGS, env={"USER": "pretender", "LOGNAME": "pretender"})
    assert r.exit_code == 1 and "unmask_not_allowed" in r.output


def test_an_override_is_recorded_as_one(store: str) -> None:
    r = run(store, *ARGS, "--role", "auditor", "--unmask-override", "--reason", "信访核查")
    assert r.exit_code == 0, r.output
    (viewed,) = views(store)
    assert viewed["reason"] == "信访核查"
    assert viewed["details"]["scope"]["unmask"] == "override"
    assert json.loads(r.stdout)  # the entries, in full


def test_an_override_without_show_identity_is_a_usage_error(store: str) -> None:
    r = run(store, "audit", "log", "--unmask-override")
    assert r.exit_code == 2 and "--unmask-override goes with --show-identity" in r.output
