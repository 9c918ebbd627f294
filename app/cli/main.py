"""The ``zhucun`` command line. Each command parses, calls one use case, prints.

Exit codes: 0 done, 1 refused or bad input (reason on stderr, nothing written), 2 usage.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar
from uuid import UUID

import click

from app.cli import common
from app.cli.common import (
    ZhucunGroup,
    fail,
    opened,
    parse_as_of,
    parse_known_at,
    print_answer,
    print_json,
    store_config,
    store_exists,
    two_clocks,
)
from app.cli.faults import not_utf8
from app.cli.render import render_coverage
from app.cli.values import BadValue, OneOf, Seconds, WholeNumber
from app.store.clock import CHINA_TZ
from domain.errors import InvalidInputError

if TYPE_CHECKING:
    from app.bootstrap import Zhucun

T = TypeVar("T")

SUMMARY_LABELS = [
    ("counties", "县(区)", "counties"),
    ("townships", "乡镇(街道)", "townships"),
    ("villages", "村", "villages"),
    ("poor_villages", "贫困村", "poor villages"),
    ("villager_groups", "村民小组", "villager groups"),
    ("households", "户", "households"),
    ("residents", "人口", "residents"),
    ("party_members", "党员", "party members"),
    ("centres", "便民服务中心", "service centres"),
    ("stations", "为民服务站", "service stations"),
    ("points", "为民服务点", "service points"),
    ("central_households", "党员中心户", "central households"),
    ("linked_households", "联系户", "linked households"),
]


@click.group(cls=ZhucunGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    "db",
    metavar="URL",
    default=None,
    help="Store: sqlite:///PATH or postgresql://USER@HOST:PORT/DB?schema=NAME "
    "(default: $ZHUCUN_DATABASE_URL, else sqlite:///var/zhucun.db).",
)
@click.pass_context
def cli(ctx: click.Context, db: str | None) -> None:
    """zhucun (驻村): event-sourced tracker of village work teams and the six-level
    convenience service network (六级便民服务网络)."""
    ctx.obj = {"db": db}


@cli.command()
@click.pass_context
def init(ctx: click.Context) -> None:
    """Create the store and its read models (safe to run again)."""
    with opened(ctx, create=True) as z:
        click.echo(f"store ready: {z.config.url} (log position {z.store.max_position()})")


@cli.command()
@click.option(
    "--reset",
    is_flag=True,
    help="Empty the store first, if it holds nothing but the demo (refused otherwise).",
)
@click.option(
    "--seed",
    default=2014,
    show_default=True,
    type=WholeNumber("随机种子", "random seed", 0, 2**32 - 1),
    help="Random seed of the demo.",
)
@click.option(
    "--processes",
    default="2",
    type=WholeNumber("载入进程数", "processes loading the demo", 1, 2),
    show_default=True,
    help="2: the read models follow the log in a second process while the demo writes it.",
)
@click.pass_context
def demo(ctx: click.Context, reset: bool, seed: int, processes: int) -> None:
    """Load the Benxi demo: 72 poor villages, their service network, work teams and work
    ledgers from 2014, and the later rounds of teams to today.

    Keep it in a store of its own (`make demo` uses sqlite:///var/demo.db). --reset empties a
    store only when every event in it was written by the demo, or only records a login or a
    read; a store holding anything a user recorded is refused and kept as it is.
    """
    from contextlib import nullcontext

    from tqdm import tqdm

    from app.accounts import DEMO_PASSWORD, add_demo_accounts
    from app.demo.follower import following
    from app.demo.load import CHUNK_EVENTS, estimated_events, load_demo
    from app.demo.store import check_demo_only, mark_demo, wipe

    if reset and store_exists(ctx):
        with opened(ctx) as z:
            check_demo_only(z, z.config.url)
            wipe(z)
    with opened(ctx, create=True) as z:
        if z.store.max_position() > 0:
            fail(
                "存储中已有数据；用 --reset 重新载入演示数据 / "
                "the store is not empty; use --reset to load the demo again"
            )
        with (
            tqdm(
                total=estimated_events(seed, z.today()),
                unit="ev",
                desc="Benxi demo",
                file=sys.stderr,
            ) as bar,
            following(z, CHUNK_EVENTS + 1000) if processes == 2 else nullcontext() as follower,
        ):
            report = load_demo(z, seed=seed, progress=bar.update, follower=follower)
        click.echo(f"loaded {report.events} events into {z.config.url}")
        click.echo(
            f"{report.villages} villages ({report.poor_villages} poor), "
            f"{report.households} households; {report.teams} work teams from "
            f"{report.dispatching_units} dispatching units, {report.cadres} cadres, "
            f"{report.check_ins} check-ins, {report.leave_requests} leave requests, "
            f"{report.diary_entries} diary entries, {report.household_visits} household visits; "
            f"work ledgers: {report.opinions} opinions, {report.problems} problems, "
            f"{report.plans} plans, {report.measures} measures, {report.letters} responsibility "
            f"letters; funding: {report.allocations} allocations, {report.expenditures} "
            f"payments, {report.reversals} reversals; 六有: {report.six_have_goals} goals, "
            f"{report.evidence} evidence files; up to {report.today} ({report.seconds} s)"
        )
        accounts = add_demo_accounts(z)
        mark_demo(z, seed)
        for account in accounts:
            click.echo(f"demo account {account['username']} / {DEMO_PASSWORD} at {account['unit']}")


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=WholeNumber("端口", "port", 1, 65535))
@click.option(
    "--threads", default=2, show_default=True, type=WholeNumber("线程数", "threads", 1, 64)
)
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, threads: int) -> None:
    """Serve the web application (waitress, THREADS requests at once; README for gunicorn)."""
    from web.server import serve as serve_web

    with opened(ctx) as z:
        click.echo(f"zhucun on http://{host}:{port}/ ({z.config.url})", err=True)
        serve_web(z, host, port, threads)


@cli.command()
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Each command with its arguments and the JSON Schema of its args, as JSON.",
)
def commands(as_json: bool) -> None:
    """List every command of `zhucun apply` with its arguments: label (zh/en), required or
    not, format and limits."""
    from app.cli.reference import catalogue, text_listing

    if as_json:
        print_json(catalogue())
    else:
        click.echo(text_listing())


@cli.command()
@click.argument("file", type=click.File("rb"))
@click.option(
    "--json", "as_json", is_flag=True, help="Print what each line did (ids created) as JSON."
)
@click.pass_context
def apply(ctx: click.Context, file: Any, as_json: bool) -> None:
    """Apply a batch of commands (JSON lines; FILE or - for stdin), all or nothing.

    Each line: {"command": "...", "args": {...}, "actor": "...", "role": "...",
    "occurred_on": "YYYY-MM-DD", "reason": "...", "key": "..."}; role and key are optional.
    See docs/commands.md for every command.
    """
    try:
        text = file.read().decode("utf-8")
    except UnicodeDecodeError as e:
        raise not_utf8(str(getattr(file, "name", "-")), e) from None
    with opened(ctx) as z:
        result = z.apply_text(text, bulk=len(text) > 2_000_000)
        if as_json:
            print_json(
                {
                    "applied": result.applied,
                    "skipped": result.skipped,
                    "events": result.events,
                    "lines": result.results,
                }
            )
            return
        click.echo(
            f"applied {result.applied} command(s), {result.events} event(s)"
            + (f", skipped {result.skipped} already applied" if result.skipped else "")
        )


@cli.command()
@click.option("--unit", "unit_code", metavar="CODE", help="Unit code (includes its service site).")
@click.option(
    "--id",
    "subject_id",
    metavar="ID",
    help="Id of a household, party member, central household or site.",
)
@click.option(
    "--team", "team_id", metavar="ID", help="A work team: every action of it and its members."
)
@click.option("--cadre", "cadre_id", metavar="ID", help="A cadre: every action of theirs.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_context
def history(
    ctx: click.Context,
    unit_code: str | None,
    subject_id: str | None,
    team_id: str | None,
    cadre_id: str | None,
    as_json: bool,
) -> None:
    """Every event about a unit, a subject, a work team or a cadre, oldest first: who, when,
    what and why."""
    if sum(bool(x) for x in (unit_code, subject_id, team_id, cadre_id)) != 1:
        raise click.UsageError("give exactly one of --unit, --id, --team or --cadre")
    with opened(ctx) as z:
        if unit_code:
            rows = z.history_of_unit(unit_code)
        elif team_id:
            rows = z.history_of_team(_id_option("team", team_id))
        elif cadre_id:
            rows = z.history_of_cadre(_id_option("cadre", cadre_id))
        else:
            try:
                rows = z.history_of_id(UUID(str(subject_id)))
            except ValueError:
                fail(f"--id {subject_id!r} 不是有效编号 / is not a valid id")
                return
        if not rows:
            fail(
                f"没有关于 {unit_code or subject_id} 的记录 / "
                f"nothing recorded about {unit_code or subject_id}"
            )
        if as_json:
            print_answer(z, rows)
            return
        for r in rows:
            detail = ", ".join(f"{k}={v}" for k, v in r["details"].items())
            click.echo(
                f"#{r['position']:<7} occurred {r['occurred_on']}  recorded "
                f"{_beijing(r['recorded_at'])}  {r['actor']} ({r['role']})\n"
                f"         {r['what_zh']} / {r['what_en']}"
                + (f"  [{detail}]" if detail else "")
                + f"\n         事由 reason: {r['reason']}"
            )


@cli.command()
@click.option("--unit", "unit_code", metavar="CODE", required=True)
@two_clocks("The network as it was on that day (default: today).")
@click.pass_context
def summary(
    ctx: click.Context,
    unit_code: str,
    as_of: str | None,
    as_known_at: str | None,
    as_json: bool,
) -> None:
    """Counts for a unit and everything under it (now, or on a day as known at a moment)."""
    day, moment = parse_as_of(as_of), parse_known_at(as_known_at)
    with opened(ctx) as z:
        data = z.summary(unit_code, day, moment)
        if data is None:
            if day is None and moment is None:
                fail(f"找不到区划代码为 {unit_code} 的单位 / no unit with code {unit_code}")
            _no_unit(unit_code, day)
        if as_json:
            print_answer(z, data)
            return
        clocks = "".join(
            f"  {label} {data[key]}"
            for key, label in (("as_of", "as of"), ("as_known_at", "as known at"))
            if data.get(key)
        )
        click.echo(f"{data['name']} ({data['unit']}, {data['level']}){clocks}")
        for key, zh, en in SUMMARY_LABELS:
            click.echo(f"  {zh:<8}\t{en:<20}\t{data[key]:>10,}")


def _no_unit(code: str, day: date | None) -> NoReturn:
    fail(
        f"{day or '今天'} 找不到区划代码为 {code} 的单位 / "
        f"no unit with code {code} on {day or 'today'}"
    )


def _to_put_in_words(
    z: Zhucun, data: T | None, code: str, day: date | None, as_json: bool
) -> T | None:
    """What each question about a unit does with its answer first: a unit not there on
    ``day`` is refused, and an answer wanted as JSON is printed; what is left (None once
    printed) is for the command to put in words."""
    if data is None:
        _no_unit(code, day)
    if as_json:
        print_answer(z, data)
        return None
    return data


def _id_option(name: str, value: str) -> UUID:
    try:
        return UUID(value)
    except ValueError:
        raise InvalidInputError(
            name, f"--{name} {value!r} 不是有效编号", f"--{name} {value!r} is not a valid id"
        ) from None


def _beijing(iso: str) -> str:
    """A recording time as Beijing time, with its offset, ready to paste into --as-known-at."""
    return datetime.fromisoformat(iso).astimezone(CHINA_TZ).isoformat(timespec="seconds")


@cli.command()
@click.option("--unit", "unit_code", metavar="CODE", required=True)
@two_clocks("The network as it was on that day (default: today).")
@click.option(
    "--households",
    "list_households",
    is_flag=True,
    help="List the households of a village or group: covered or not, visits, last visit.",
)
@click.pass_context
def coverage(
    ctx: click.Context,
    unit_code: str,
    as_of: str | None,
    as_known_at: str | None,
    list_households: bool,
    as_json: bool,
) -> None:
    """Coverage of a unit and everything under it: households linked, sites, roles."""
    day, moment = parse_as_of(as_of), parse_known_at(as_known_at)
    if list_households:
        _households(ctx, unit_code, day, moment, as_json)
        return
    with opened(ctx) as z:
        data = _to_put_in_words(z, z.coverage(unit_code, day, moment), unit_code, day, as_json)
        if data is not None:
            click.echo(render_coverage(data))


def _households(
    ctx: click.Context, code: str, day: date | None, moment: datetime | None, as_json: bool
) -> None:
    with opened(ctx) as z:
        data = _to_put_in_words(z, z.households(code, day, moment), code, day, as_json)
        if data is None:
            return
        click.echo(f"{data['name']} ({data['unit']}, {data['level']})  as of {data['as_of']}")
        for h in data["households"]:
            covered = "联系 covered" if h["covered"] else "未联系 unlinked"
            click.echo(f"  {h['group']:<16} {h['name']:<12} {covered:<16}" + _visits_text(h))
        click.echo(f"{len(data['households'])} household(s), {data['visited']} visited", err=True)


def _visits_text(row: dict[str, Any]) -> str:
    last = row["last_visit"]
    if last is None:
        return "  走访 visits 0"
    return f"  走访 visits {row['visits']}, last {last['on']} {last['cadre']} ({last['team']})"


@cli.command()
@click.option("--unit", "unit_code", metavar="CODE", required=True)
@click.option(
    "--type", "gap_type", metavar="TYPE", help="Only this kind of blind spot (or work gap)."
)
@two_clocks("The network as it was on that day (default: today).")
@click.pass_context
def gaps(
    ctx: click.Context,
    unit_code: str,
    gap_type: str | None,
    as_of: str | None,
    as_known_at: str | None,
    as_json: bool,
) -> None:
    """Blind spots (盲点) under a unit, one per line, with when and why each began: the
    network's and the ledger's work gaps (--type TYPE keeps one type)."""
    from app.rectifications import gap_type_of

    day, moment = parse_as_of(as_of), parse_known_at(as_known_at)
    kind = gap_type_of(gap_type) if gap_type is not None else None  # padded, upper case, ...
    with opened(ctx) as z:
        rows = _to_put_in_words(z, z.gaps(unit_code, kind, day, moment), unit_code, day, as_json)
        if rows is None:
            return
        for g in rows:
            click.echo(
                f"{g['type']:<30} {g['unit']:<16} {g['subject']['name']:<12} "
                f"since {g['since']}  cause {_cause_text(g['cause'])}"
                + (_visits_text(g) if "visits" in g else "")
            )
        click.echo(f"{len(rows)} blind spot(s)", err=True)


@cli.command()
@click.option("--unit", "unit_code", metavar="CODE", required=True)
@click.option(
    "--state",
    type=OneOf("整改状态", "rectification state", ["open", "overdue", "closed"]),
    help="Only rectifications in this state on the day.",
)
@two_clocks("The rectifications as they stood on that day (default: today).")
@click.pass_context
def rectifications(
    ctx: click.Context,
    unit_code: str,
    state: str | None,
    as_of: str | None,
    as_known_at: str | None,
    as_json: bool,
) -> None:
    """Gaps assigned for rectification (整改) under a unit: to whom, by when, and whether
    each is open, overdue or closed (and by which event) on the day."""
    from app.rectifications import rectifications as listed

    day, moment = parse_as_of(as_of), parse_known_at(as_known_at)
    with opened(ctx) as z:
        rows = _to_put_in_words(
            z, listed(z, unit_code, day, moment, state), unit_code, day, as_json
        )
        if rows is None:
            return
        for r in rows:
            closed = r["closed_by"]
            by = (
                f"  closed by {closed['event']} #{closed['position']} on {closed['on']}"
                if closed
                else ""
            )
            click.echo(
                f"{r['state']:<8} {r['type']:<30} {r['unit']:<16} {r['subject']['name']:<12} "
                f"since {r['since']}  to {r['assignee']} by {r['due_on']}" + (by if closed else "")
            )
        click.echo(f"{len(rows)} rectification(s)", err=True)


def _cause_text(c: dict[str, Any]) -> str:
    """The event that began a gap of the network; what began a work gap, and its day."""
    if "on" in c:
        return f"{c['type']} on {c['on']}"
    return f"{c['type']} #{c['position']} by {c['actor']}"


@cli.group()
def projections() -> None:
    """Read models: their position against the log, rebuilding, following the log."""


@projections.command("status")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def projections_status(ctx: click.Context, as_json: bool) -> None:
    """Position of each read model against the head of the log."""
    with opened(ctx) as z:
        head = z.store.max_position()
        stopped = z.projections.faults()
        data = {
            name: {
                "position": pos,
                "behind": head - pos,
                "stopped_at": stopped.get(name, {}).get("position"),
                "error": stopped.get(name, {}).get("error"),
            }
            for name, pos in z.projections.positions().items()
        }
        rebuilding = z.projections.rebuilding()
        if as_json:
            print_answer(
                z, {"log_head": head, "read_models": data, "rebuild_unfinished": rebuilding}
            )
            return
        click.echo(f"log head: {head}")
        if rebuilding:
            click.echo("  a rebuild was interrupted: run `zhucun projections rebuild` to finish it")
        for name, d in data.items():
            click.echo(f"  {name:<12} at {d['position']:>10}  behind {d['behind']:>10}")
            if d["stopped_at"] is not None:
                click.echo(
                    f"    stopped: cannot apply the event at {d['stopped_at']}: {d['error']}\n"
                    "    the other read models go on; the fix is a new version of this one "
                    "(docs/projections.md)"
                )


def _workers_option(what: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    from domain.fields import WORKERS_MAX

    return click.option(
        "--workers",
        default="1",
        show_default=True,
        type=WholeNumber("工作进程数", "worker processes", 1, WORKERS_MAX),
        help=f"Processes that share {what} (whole read models, and coverage by scope).",
    )


@projections.command("rebuild")
@_workers_option("the rebuild")
@click.pass_context
def projections_rebuild(ctx: click.Context, workers: int) -> None:
    """Rebuild every read model from the log, beside the live ones.

    Queries go on answering from the live read models until the rebuilt ones have caught up
    with the log and replace them, in one transaction. Safe to interrupt at any moment (even
    kill -9): run it again and it resumes from the last page it committed; the result is the
    same as an uninterrupted rebuild. With --workers N the work is shared among N processes,
    each building its share beside the store, merged and switched in once (ADR 050).
    """
    from tqdm import tqdm

    with opened(ctx) as z:
        built = z.projections.rebuilt_to()
        head = z.store.max_position()
        with tqdm(
            total=head - (built or 0),
            unit="ev",
            desc="rebuild" if built is None else "resuming rebuild",
            file=sys.stderr,
        ) as bar:
            done = z.projections.rebuild(
                progress=bar.update,
                workers=workers,
                store=z.worker_opener() if workers > 1 else None,
            )
        click.echo(f"{'rebuilt' if built is None else 'resumed and finished'}: {done} event(s)")


@projections.command("run")
@click.option(
    "--poll",
    default=1.0,
    show_default=True,
    type=Seconds("轮询间隔", "poll interval", 0.01, 3600),
    help="Seconds between looks at the log where there are no subscriptions (SQLite).",
)
@_workers_option("following the log (PostgreSQL)")
@click.pass_context
def projections_run(ctx: click.Context, poll: float, workers: int) -> None:
    """Follow the log and keep the read models current until stopped (Ctrl-C or SIGTERM).

    On PostgreSQL it wakes on the library's subscription (LISTEN/NOTIFY); on SQLite it polls.
    With --workers N (PostgreSQL only) N processes follow it, each for its share of the read
    models (coverage whole: its roll-ups span scopes).
    """
    import signal
    import threading

    if workers > 1 and not store_config(ctx).is_postgres:
        raise BadValue(
            "SQLite 同一时间只允许一个写入者，多个跟随进程只会轮流等待：请用 --workers 1；"
            "未写入任何内容 / SQLite lets one writer in at a time, so more processes "
            "following the log would only take turns: use --workers 1; nothing was written",
            param_hint="'--workers'",
        )
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    with opened(ctx) as z:
        how = "subscription" if z.config.is_postgres else f"polling every {poll}s"
        shared = f", {workers} workers" if workers > 1 else ""
        click.echo(f"following {z.config.url} ({how}{shared}); stop with Ctrl-C", err=True)
        z.projections.follow(
            stop, poll=poll, workers=workers, store=z.worker_opener() if workers > 1 else None
        )
        click.echo("stopped", err=True)


@projections.command("checksum")
@click.pass_context
def projections_checksum(ctx: click.Context) -> None:
    """A digest of every read model's rows (equal digests, equal read models)."""
    with opened(ctx) as z:
        click.echo(z.projections.checksum())


from app.cli.teams import residency, teams  # noqa: E402

cli.add_command(teams)
cli.add_command(residency)

from app.cli.ledger import funds, ledger  # noqa: E402

cli.add_command(ledger)
cli.add_command(funds)

from app.cli.assess import assess  # noqa: E402

cli.add_command(assess)

from app.cli.ledger import measures  # noqa: E402

cli.add_command(measures)

from app.cli.audit import audit  # noqa: E402

cli.add_command(audit)

from app.cli.users import users  # noqa: E402

cli.add_command(users)

from app.cli.imports import import_rows  # noqa: E402

cli.add_command(import_rows)


def main() -> None:
    common.FREEZE = True  # a process of its own: what it opens lives as long as it does
    cli(prog_name="zhucun")


__all__ = ["cli", "main"]


if __name__ == "__main__":
    main()
