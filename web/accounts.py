"""The accounts page (the accounts inside an administrator's or auditor's jurisdiction), and
every account's own page: its personal API tokens, made, listed and revoked (ADR 041)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import DateField, StringField
from wtforms.validators import Length, Optional

from app.store.clock import CHINA_TZ
from domain.accounts import Role
from domain.api_tokens import TOKEN_NAME_MAX
from domain.errors import ZhucunError
from web.auth import accounts, api_tokens, login_required, principal, roles_required
from web.i18n import _, _l, current_language

bp = Blueprint("accounts", __name__)


# Who may see the accounts: the page's roles, and the API's (web/api_reads.py).
ACCOUNT_READERS = (Role.CITY_ADMIN, Role.COUNTY_ADMIN, Role.AUDITOR)


@bp.get("/accounts")
@roles_required(
    *ACCOUNT_READERS,
    what_zh="查看账号",
    what_en="see the accounts",
)
def index() -> str:
    return render_template("accounts/index.html", accounts=accounts_in_reach(), roles=list(Role))


def accounts_in_reach() -> list[dict[str, Any]]:
    """The accounts whose unit lies inside the reader's jurisdiction: for the page and the
    API alike."""
    who = principal()
    assert who is not None
    service = accounts()
    return [a for a in service.list() if who.covers(service.unit_path(a["unit"]) or "\0")]


class TokenForm(FlaskForm):  # type: ignore[misc]
    name = StringField(_l("Token name"), validators=[Optional(), Length(max=TOKEN_NAME_MAX)])
    expires = DateField(_l("Valid until"), validators=[Optional()])


class RevokeForm(FlaskForm):  # type: ignore[misc]
    pass


@bp.route("/account", methods=["GET", "POST"])
@login_required
def own() -> Any:
    """The logged-in account's page: make a token (shown once, on the answer to the form),
    and the account's tokens."""
    who = principal()
    assert who is not None
    form = TokenForm()
    made = None
    status = 200
    if form.validate_on_submit():
        try:
            made = api_tokens().issue(
                who.username,
                form.expires.data,
                form.name.data or "",
                actor=who.username,
                role=who.role.value,
            )
        except ZhucunError as e:
            form.expires.errors = [e.message(current_language())]
            status = 422
        else:
            status = 201
            form = TokenForm(formdata=None)
    elif form.errors:
        status = 400
    tokens = [
        {**t, "created": _beijing(t["created_at"]), "last_used": _beijing(t["last_used_at"])}
        for t in api_tokens().list(who.username)
    ]
    return render_template(
        "accounts/own.html", form=form, made=made, tokens=tokens, revoke_form=RevokeForm()
    ), status


def _beijing(moment: str | None) -> str:
    """A moment the read model keeps in UTC, as Beijing time to the minute."""
    if not moment:
        return "–"
    return (
        datetime.fromisoformat(moment)
        .replace(tzinfo=UTC)
        .astimezone(CHINA_TZ)
        .strftime("%Y-%m-%d %H:%M")
    )


@bp.post("/account/tokens/<token_id>/revoke")
@login_required
def revoke(token_id: str) -> Response:
    """Revoke one of the account's own tokens (an administrator revokes another's with the
    command line); another account's token is not found."""
    who = principal()
    assert who is not None
    if RevokeForm().validate_on_submit():
        api_tokens().revoke(
            token_id,
            actor=who.username,
            role=who.role.value,
            reason="账号页面撤销 / revoked on the account page",
            owner=who.username,
        )
        flash(_("The API token has been revoked; requests that send it are refused."))
    return redirect(url_for("accounts.own"))
