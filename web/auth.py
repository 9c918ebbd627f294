"""Who is asking, and may they: the login and logout pages, ``login_required``, role and
jurisdiction checks, and the session and CSRF settings.

A request to the API that sends ``Authorization: Bearer zct_…`` is that personal token's
account's, or refused with 401 (ADR 041); it never falls back to the cookie, and needs no CSRF
token, since it carries no cookie credential. Every other request: a session's cookie holds the
username, the account's version at login and the session's id; every request checks that id
against the sessions the server keeps open (``rm_sessions``). A logout ends that session, a new
password or a suspension every session of the account, so a cookie saved before and sent again
afterwards is refused. Every refused access (a role or a unit outside the account's reach) is
recorded as an event before the 403 is returned.

The client's address is the peer's, or what ``X-Forwarded-For`` says only when the peer is one
of the trusted proxies (``web/proxies.py``).
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar, cast
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.wrappers import Response
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from app.accounts import Accounts, Principal
from app.api_tokens import ApiTokens, TokenCheck
from domain.account_errors import (
    LoginFailedError,
    OutsideJurisdictionError,
    RoleNotAllowedError,
    TooManyFailedLoginsError,
)
from domain.accounts import Role
from domain.api_tokens import TokenFailure
from domain.errors import ConcurrentChangeError, UnitNotFoundError, ZhucunError
from web.i18n import N_, _, _l, current_language

ACCOUNTS = "zhucun_accounts"  # key of the Accounts service in app.extensions
API_TOKENS = "zhucun_api_tokens"
SECRET_FILE = Path("var") / "secret_key"
SESSION_HOURS = 8

bp = Blueprint("auth", __name__)
csrf = CSRFProtect()

F = TypeVar("F", bound=Callable[..., Any])


def accounts() -> Accounts:
    return cast(Accounts, current_app.extensions[ACCOUNTS])


def principal() -> Principal | None:
    return cast(Principal | None, g.get("principal"))


def address() -> str:
    """The client's address: the peer's, or as a trusted proxy passed it on."""
    return request.remote_addr or "unknown"


# -- checks -----------------------------------------------------------------------------------


def login_required(view: F) -> F:
    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if principal() is None:
            if request.path.startswith("/api/"):
                from web.errors import problem

                return problem(401, _("Please log in"), _("This page needs a logged-in account."))
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)

    return cast(F, wrapped)


def roles_required(*roles: Role, what_zh: str, what_en: str) -> Callable[[F], F]:
    def decorate(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            who = principal()
            assert who is not None, "roles_required goes under login_required"
            if who.role not in roles:
                refuse("role", RoleNotAllowedError(who.role.value, what_zh, what_en))
            return view(*args, **kwargs)

        return cast(F, login_required(wrapped))

    return decorate


def require_unit(code: str, field: str = "unit") -> None:
    """Refuse (403, recorded) a unit outside the logged-in account's subtree."""
    who = principal()
    assert who is not None
    path = accounts().unit_path(code)
    if path is None:
        raise UnitNotFoundError(code, field=field)
    if not who.covers(path):
        refuse("jurisdiction", OutsideJurisdictionError(code, who.unit_code))


def refuse(why: str, error: Exception) -> None:
    accounts().refuse(principal(), address(), request.method, request.full_path, why)
    raise error


# -- login and logout -------------------------------------------------------------------------


class LoginForm(FlaskForm):  # type: ignore[misc]
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=64)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])


class LogoutForm(FlaskForm):  # type: ignore[misc]
    pass


def _safe_next(target: str | None) -> str | None:
    """Only a path on this site: never an address elsewhere."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target[1:2] in ("/", "\\"):
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        try:
            who = accounts().login(form.username.data, form.password.data, address())
        except (LoginFailedError, TooManyFailedLoginsError, ConcurrentChangeError) as e:
            status = {TooManyFailedLoginsError: 429, ConcurrentChangeError: 409}.get(type(e), 401)
            form.password.errors = [_error_text(e)]
        else:
            session.clear()
            session.permanent = True
            session["user"] = who.username
            session["v"] = who.version
            session["sid"] = who.session
            return redirect(_safe_next(request.args.get("next")) or url_for("dashboard.home"))
    elif request.method == "POST":
        status = 400
    return render_template("auth/login.html", form=form), status


def _error_text(e: ZhucunError) -> str:
    return e.message(current_language())


@bp.post("/logout")
@login_required
def logout() -> Response:
    form = LogoutForm()
    if form.validate_on_submit():
        who = principal()
        assert who is not None
        accounts().logout(who, address())
        session.clear()
        flash(_("You have logged out."))
    return redirect(url_for("auth.login"))


# -- wiring -----------------------------------------------------------------------------------


def _load_principal() -> Response | tuple[str, int] | None:
    g.principal = None
    g.bearer = None
    if request.endpoint == "static":  # the same files for everyone, logged in or not
        return None
    # Only a multipart body can have a nameless part; any other body is left unread here (a
    # raw upload sent as a form, curl's default, is read by its view from the stream).
    if request.mimetype == "multipart/form-data" and (
        None in request.form or None in request.files
    ):
        return _nameless_part_refused()
    if request.path.startswith("/api/") and "Authorization" in request.headers:
        return _load_bearer()
    _check_csrf()  # before the session is read: a session that has ended is cleared there
    _load_session()
    return None


def _load_session() -> None:
    username, version, sid = session.get("user"), session.get("v"), session.get("sid")
    if not isinstance(username, str) or not isinstance(version, int):
        return
    if not isinstance(sid, str) or not sid:
        session.clear()  # a cookie from before sessions were kept on the server
        return
    g.principal = accounts().principal(username, version, session=sid)
    if g.principal is None:
        session.clear()  # logged out, a new password, a suspension: this session is over


# ``Bearer``, case-insensitive (RFC 6750 §2.1, RFC 9110 §11.1), one space, the token.
BEARER = re.compile(r"(?i:bearer) (\S+)")


def api_tokens() -> ApiTokens:
    return cast(ApiTokens, current_app.extensions[API_TOKENS])


def _load_bearer() -> Response | None:
    """A request to the API with an ``Authorization`` header is that token's, or refused
    (401, recorded): never the cookie's, whatever the cookie holds. It acts with its account's
    standing now; each use is recorded (ADR 041)."""
    service = api_tokens()
    found = BEARER.fullmatch(request.headers.get("Authorization", ""))
    check = service.check(found.group(1)) if found else TokenCheck(failure=TokenFailure.MALFORMED)
    who = accounts().principal(check.username) if check.failure is None else None
    if who is None:
        if check.failure is None:
            check = TokenCheck(check.username, check.token, TokenFailure.ACCOUNT)
        service.refused(check, address(), request.method, request.full_path)
        return _bearer_refused()
    service.used(check, who.role.value, address(), request.method, request.full_path)
    g.principal = who
    g.bearer = check.token
    return None  # no CSRF check: a bearer request carries no cookie credential


def _bearer_refused() -> Response:
    from web.errors import problem

    response = problem(
        401,
        _("Invalid API token"),
        _("The API token is malformed, unknown, expired or revoked, or its account cannot log in."),
    )
    response.headers["WWW-Authenticate"] = 'Bearer realm="zhucun", error="invalid_token"'
    return response


def _check_csrf() -> None:
    """Flask-WTF's own check, run here once the request is known to carry no bearer token,
    so that one authenticated by a token skips it (``WTF_CSRF_CHECK_DEFAULT`` is off)."""
    config = current_app.config
    if not config.get("WTF_CSRF_ENABLED", True) or not config.get("ZHUCUN_CSRF_CHECK", True):
        return
    if request.method not in config["WTF_CSRF_METHODS"] or not request.endpoint:
        return
    if csrf._is_exempt():  # Flask-WTF's own test of ``csrf.exempt``, as its check does
        return  # e.g. the commands API, which checks it in its view for a session's requests
    csrf.protect()


def secret_key() -> str:
    """ZHUCUN_SECRET_KEY, else a key kept in var/secret_key, made on first run."""
    from_env = os.environ.get("ZHUCUN_SECRET_KEY")
    if from_env:
        return from_env
    if not SECRET_FILE.exists():
        SECRET_FILE.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(SECRET_FILE, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another worker made it first
        else:
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_hex(32))
    return SECRET_FILE.read_text().strip()


def _security_headers(response: Response) -> Response:
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; frame-ancestors 'none'; form-action 'self'",
    )
    return response


def _csrf_refused(error: CSRFError) -> Any:
    return _bad_request(
        N_("The form has expired or did not come from this site; reload the page and try again.")
    )


def _nameless_part_refused() -> Response | tuple[str, int]:
    """A multipart body with a part that names no field (``Content-Disposition: form-data``
    without ``name``): no browser sends one, and Flask-WTF's CSRF check, which looks through
    the form's names, cannot read it. Refused as a bad request before anything else."""
    return _bad_request(
        N_("A part of the form names no field; send each part with its field's name.")
    )


def _bad_request(en: str) -> Response | tuple[str, int]:
    """400: a problem for the API, a page in both languages for the web."""
    from web.errors import error_page, is_api_request, problem
    from web.i18n import in_chinese

    with in_chinese():
        zh = _(en)
    if is_api_request():
        return problem(400, _("Bad request"), _(en))
    return error_page(400, "Bad request", zh, en)


def session_settings() -> dict[str, Any]:
    """Defaults of the session cookie and CSRF; an app's own config may override them."""
    return {
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        # Behind HTTPS set ZHUCUN_SECURE_COOKIES=1: the cookie then never travels in clear.
        "SESSION_COOKIE_SECURE": os.environ.get("ZHUCUN_SECURE_COOKIES", "") == "1",
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=SESSION_HOURS),
        "WTF_CSRF_TIME_LIMIT": None,  # a token is good as long as its session
    }


def init_app(app: Flask, service: Accounts) -> None:
    app.extensions[ACCOUNTS] = service
    app.extensions[API_TOKENS] = ApiTokens(service.z)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = secret_key()
    # Checked by ``_check_csrf`` once the request's credential is known.
    app.config["ZHUCUN_CSRF_CHECK"] = app.config.get("WTF_CSRF_CHECK_DEFAULT", True)
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False
    csrf.init_app(app)
    app.before_request(_load_principal)
    app.after_request(_security_headers)
    app.register_error_handler(CSRFError, _csrf_refused)
    app.context_processor(lambda: {"principal": principal(), "logout_form": LogoutForm()})
    app.register_blueprint(bp)
