"""The accounts page: the accounts inside an administrator's or auditor's jurisdiction."""

from __future__ import annotations

from flask import Blueprint, render_template

from domain.accounts import Role
from web.auth import accounts, principal, roles_required

bp = Blueprint("accounts", __name__)


@bp.get("/accounts")
@roles_required(
    Role.CITY_ADMIN,
    Role.COUNTY_ADMIN,
    Role.AUDITOR,
    what_zh="查看账号",
    what_en="see the accounts",
)
def index() -> str:
    who = principal()
    assert who is not None
    service = accounts()
    rows = [a for a in service.list() if who.covers(service.unit_path(a["unit"]) or "\0")]
    return render_template("accounts/index.html", accounts=rows, roles=list(Role))
