"""``zhucun users``: accounts of the web application (add, change a password, list, suspend
and resume) and their personal API tokens (``users token add|list|revoke``)."""

from __future__ import annotations

import getpass
import sys

import click

from app.cli.common import opened, print_answer, print_json


def _read_password() -> str:
    """The password from stdin: its first line, without the line break."""
    line = sys.stdin.readline()
    return line.rstrip("\r\n")


def _actor() -> str:
    try:
        return f"system:{getpass.getuser()}"
    except Exception:  # no user name in this environment
        return "system"


@click.group()
def users() -> None:
    """Accounts of the web application: each bound to a role and a unit (and a team)."""


@users.command("add")
@click.option("--username", required=True, metavar="U")
@click.option(
    "--role",
    required=True,
    metavar="ROLE",
    help="city_admin, county_admin, township_officer, team_member, inspector or auditor.",
)
@click.option("--unit", "unit_code", required=True, metavar="CODE", help="The account's unit.")
@click.option("--team", "team_id", metavar="ID", help="The team of a team_member account.")
@click.option(
    "--cadre",
    "cadre_id",
    metavar="ID",
    help="The cadre a team_member account is (a member of its team): its forms record that cadre.",
)
@click.option(
    "--password-stdin", "password_stdin", is_flag=True, help="Read the password from stdin."
)
@click.option("--json", "as_json", is_flag=True, help="Print the account as JSON.")
@click.pass_context
def add(
    ctx: click.Context,
    username: str,
    role: str,
    unit_code: str,
    team_id: str | None,
    cadre_id: str | None,
    password_stdin: bool,
    as_json: bool,
) -> None:
    """Add an account. The password is read from stdin (never from the command line)."""
    from app.accounts import Accounts

    if not password_stdin:
        raise click.UsageError("give --password-stdin and the password on stdin")
    password = _read_password()
    with opened(ctx) as z:
        account = Accounts(z).add(
            username, role, unit_code, password, team=team_id, actor=_actor(), cadre=cadre_id
        )
        if as_json:
            print_json(account)
            return
        click.echo(
            f"added {account['username']} ({account['role']} {account['role_zh']}) "
            f"at {account['unit']}"
            + (f", team {account['team']}" if account["team"] else "")
            + (f", cadre {account['cadre']}" if account["cadre"] else "")
        )


@users.command("bind")
@click.argument("username")
@click.option("--cadre", "cadre_id", required=True, metavar="ID", help="A member of its team.")
@click.option("--json", "as_json", is_flag=True, help="Print the account as JSON.")
@click.pass_context
def bind(ctx: click.Context, username: str, cadre_id: str, as_json: bool) -> None:
    """Bind a team member's account to the cadre it is: the team's forms (check-in, diary,
    visits, leave) then record that cadre without asking."""
    from app.accounts import Accounts

    with opened(ctx) as z:
        account = Accounts(z).bind_cadre(username, cadre_id, actor=_actor())
        if as_json:
            print_json(account)
            return
        click.echo(f"bound {account['username']} to cadre {account['cadre']}")


@users.command("passwd")
@click.option("--username", required=True, metavar="U")
@click.option(
    "--password-stdin", "password_stdin", is_flag=True, help="Read the password from stdin."
)
@click.pass_context
def passwd(ctx: click.Context, username: str, password_stdin: bool) -> None:
    """Set a new password; sessions opened with the old one end."""
    from app.accounts import Accounts

    if not password_stdin:
        raise click.UsageError("give --password-stdin and the password on stdin")
    password = _read_password()
    with opened(ctx) as z:
        Accounts(z).change_password(username, password, actor=_actor())
        click.echo(f"password of {username.strip()} changed")


@users.command("list")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_context
def list_(ctx: click.Context, as_json: bool) -> None:
    """Every account: username, role, unit, team, last login."""
    from app.accounts import Accounts

    with opened(ctx) as z:
        rows = Accounts(z).list()
        if as_json:
            print_answer(z, rows)
            return
    click.echo(f"{'username':<20} {'role':<17} {'unit':<15} {'last login':<26} team")
    for r in rows:
        click.echo(
            f"{r['username']:<20} {r['role']:<17} {r['unit']:<15} "
            f"{r['last_login_at'] or '-':<26} {r['team'] or ''}"
        )
    click.echo(f"{len(rows)} account(s)")


@users.command("suspend")
@click.option("--username", required=True, metavar="U")
@click.pass_context
def suspend(ctx: click.Context, username: str) -> None:
    """Stop an account from logging in; its open sessions end."""
    from app.accounts import Accounts

    with opened(ctx) as z:
        Accounts(z).suspend(username, actor=_actor())
        click.echo(f"{username.strip()} suspended; its sessions have ended")


@users.command("resume")
@click.option("--username", required=True, metavar="U")
@click.pass_context
def resume(ctx: click.Context, username: str) -> None:
    """Let a suspended account log in again."""
    from app.accounts import Accounts

    with opened(ctx) as z:
        Accounts(z).resume(username, actor=_actor())
        click.echo(f"{username.strip()} may log in again")


@users.group("token")
def token() -> None:
    """Personal API tokens: each acts as its account, with the account's role and unit."""


@token.command("add")
@click.option("--username", required=True, metavar="U")
@click.option(
    "--expires",
    metavar="DATE",
    help="The last day (Beijing) the token works; by default in 90 days.",
)
@click.option("--name", default="", metavar="TEXT", help="A label to know the token by.")
@click.option("--json", "as_json", is_flag=True, help="Print token, id and expiry as JSON.")
@click.pass_context
def token_add(
    ctx: click.Context, username: str, expires: str | None, name: str, as_json: bool
) -> None:
    """Make a token for an account and print it, once: it is never shown again."""
    from app.api_tokens import ApiTokens

    with opened(ctx) as z:
        made = ApiTokens(z).issue(username, expires, name, actor=_actor())
    if as_json:
        print_json({k: made[k] for k in ("token", "id", "expires")})
        return
    click.echo(made["token"])
    click.echo(
        f"token {made['id']} of {username.strip()}, valid to {made['expires']} (Beijing); "
        "it is shown only this once",
        err=True,
    )


@token.command("list")
@click.option("--username", metavar="U", help="Only this account's tokens.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_context
def token_list(ctx: click.Context, username: str | None, as_json: bool) -> None:
    """The tokens (never their secret): id, account, name, expiry, last use, state."""
    from app.api_tokens import ApiTokens

    with opened(ctx) as z:
        rows = ApiTokens(z).list(username)
        if as_json:
            print_answer(z, rows)
            return
    click.echo(f"{'id':<36} {'username':<20} {'expires':<10} {'state':<7} {'last used':<26} name")
    for r in rows:
        click.echo(
            f"{r['id']:<36} {r['username']:<20} {r['expires']:<10} {r['state']:<7} "
            f"{r['last_used_at'] or '-':<26} {r['name']}"
        )
    click.echo(f"{len(rows)} token(s)")


@token.command("revoke")
@click.argument("token_id", metavar="ID")
@click.option("--reason", default="", metavar="TEXT", help="Why it is revoked.")
@click.pass_context
def token_revoke(ctx: click.Context, token_id: str, reason: str) -> None:
    """Revoke a token: requests that send it are refused from now on."""
    from app.api_tokens import ApiTokens

    with opened(ctx) as z:
        done = ApiTokens(z).revoke(token_id, actor=_actor(), reason=reason)
    click.echo(f"token {done['id']} of {done['username']} revoked")
