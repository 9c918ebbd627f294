"""What every ``zhucun`` command module shares: the command group that turns any refusal or
fault into one message and an exit code, opening the store, printing, and reading the two
clocks' options (``--as-of``, ``--as-known-at``).

Exit codes: 0 done, 1 refused or bad input (reason on stderr, nothing written), 2 usage.
"""

from __future__ import annotations

import gc
import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

from app.cli.faults import StoreNotFoundError, check_store, explain
from app.cli.values import BadValue
from app.store.clock import CHINA_TZ, SystemClock, local_today
from app.store.config import StoreConfig, parse_database_url
from domain.errors import InvalidInputError, ZhucunError

if TYPE_CHECKING:
    from app.bootstrap import Zhucun

# The use cases (app.bootstrap, and with them the event store, the read models and the
# database drivers) are imported when a command opens the store, not when the command line
# starts: ``zhucun --help`` and every usage error answer without them (docs/benchmarks.md).

# The earliest day a query goes back to, and the earliest moment the system can have known
# anything: older values are refused by name rather than overflowing deep inside a query.
FIRST_DAY = date(1900, 1, 1)
FIRST_MOMENT = datetime(1970, 1, 1, tzinfo=CHINA_TZ)
Query = TypeVar("Query", bound=Callable[..., Any])  # a command's function, for its options
DEBUG_VAR = "ZHUCUN_DEBUG"  # set to 1 to see the traceback of an unexpected error


def refusal_text(error: ZhucunError) -> str:
    return f"{error.code} [{error.field}]: {error.zh} / {error.en}"


def fail(message: str) -> NoReturn:
    click.echo(message, err=True)
    sys.exit(1)


class ZhucunGroup(click.Group):
    """The command group: whatever stops a command below it (a refusal, a batch refused at a
    line, a fault of the store or of a file) is printed here, once, as a named error in
    Chinese and English with exit code 1. Click's own usage errors keep exit code 2."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except Exception as e:
            refused = _batch_refused(e)
            if refused is not None:
                fail(f"line {refused.line_no}: {refusal_text(refused.error)}\nnothing was written")
            if os.environ.get(DEBUG_VAR) == "1" and not isinstance(e, ZhucunError):
                raise
            obj = ctx.obj if isinstance(ctx.obj, dict) else {}
            fail(refusal_text(explain(e, obj.get("config"))))


# Set by the ``zhucun`` program (app/cli/main.py), not where the commands are called in a
# process of another's (the tests' CliRunner): freezing there would keep that process's
# uncollected garbage for good.
FREEZE = False


def _open(db: str | None) -> Zhucun:
    """``app.bootstrap.bootstrap(db)``, imported and run with the cycle collector paused: the
    import and the opening make a few thousand objects (the aggregates' event classes, the
    tables, the engine) and none of them is garbage, and collecting while they are made was
    a tenth of a query's start. In a ``zhucun`` process (``FREEZE``) they are then set apart
    from later collections (``gc.freeze``), which walked them again to find nothing: a
    quarter of a summary's CPU on the demo store (bench/cli_start.py)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        from app.bootstrap import bootstrap

        return bootstrap(db)
    finally:
        if FREEZE:
            gc.freeze()
        if was_enabled:
            gc.enable()


def _batch_refused(e: Exception) -> Any:
    """``e`` as a refused batch, or None. Only a command that opened the store can have had
    one, and it has imported app.bootstrap by then."""
    bootstrap = sys.modules.get("app.bootstrap")
    return e if bootstrap is not None and isinstance(e, bootstrap.BatchRefused) else None


def store_config(ctx: click.Context) -> StoreConfig:
    """The store named by --db (or its default), read once per command."""
    config: StoreConfig | None = ctx.obj.get("config")
    if config is None:
        config = ctx.obj["config"] = parse_database_url(ctx.obj["db"], make_dirs=False)
    return config


@contextmanager
def opened(ctx: click.Context, create: bool = False) -> Iterator[Zhucun]:
    """Open the store named by --db. Only ``create`` makes one (``init``, ``demo``): every
    other command refuses a store that does not exist, naming where it looked."""
    check_store(store_config(ctx), create)
    z = _open(ctx.obj["db"])
    try:
        from app.bootstrap import CLI_WAIT, catch_up_wait

        # A query answers within the bound, from the read models as they stand, and says
        # how far behind they are (``freshness``); the next command goes on from there.
        z.projections.wait = catch_up_wait(CLI_WAIT)
        yield z
    finally:
        z.close()


def store_exists(ctx: click.Context) -> bool:
    try:
        check_store(store_config(ctx), create=False)
    except StoreNotFoundError:
        return False
    return True


def print_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def print_answer(z: Zhucun, data: Any) -> None:
    """A query's JSON answer, with how far into the log the read models reach
    (``Zhucun.freshness``): an object gains a ``freshness`` member; a list is given as
    ``{"rows": [...], "freshness": {...}}``."""
    fresh = z.freshness()
    if isinstance(data, dict):
        print_json({**data, "freshness": fresh})
    else:
        print_json({"rows": data, "freshness": fresh})


def show_answer(z: Zhucun, data: Any, as_json: bool, render: Callable[[Any], str]) -> None:
    """The answer as JSON with its freshness (``print_answer``), or in words (``render``)."""
    if as_json:
        print_answer(z, data)
    else:
        click.echo(render(data))


# -- the two clocks -----------------------------------------------------------------------------


def _today() -> date:
    return local_today(SystemClock().now())


def parse_as_of(value: str | None) -> date | None:
    """A day from 1900-01-01 to today (Beijing): a later day is refused, since the network
    of a day to come is not known."""
    if value is None:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise BadValue(f"{value!r} 不是日期 / is not a date (YYYY-MM-DD)") from None
    today = _today()
    if day > today:
        raise InvalidInputError(
            "as_of",
            f"--as-of {day} 晚于今天（{today}）：未来某天的情况还不知道",
            f"--as-of {day} is after today ({today}): the network of a day to come is not known",
        )
    if day < FIRST_DAY:
        raise InvalidInputError(
            "as_of",
            f"--as-of {day} 早于 {FIRST_DAY}",
            f"--as-of {day} is before {FIRST_DAY}",
        )
    return day


def parse_known_at(value: str | None) -> datetime | None:
    """A moment; without a zone it is Beijing time, and a bare date means the end of that day.
    From 1970-01-01 to the end of today (Beijing)."""
    if value is None:
        return None
    try:
        if len(value) == 10:
            moment = datetime.combine(date.fromisoformat(value), time.max)
        else:
            moment = datetime.fromisoformat(value)
        moment = moment if moment.tzinfo else moment.replace(tzinfo=CHINA_TZ)
        too_late = moment.astimezone(CHINA_TZ).date() > _today()
        too_early = moment < FIRST_MOMENT
    except ValueError:
        raise BadValue(
            f"{value!r} 不是时间 / is not a timestamp (YYYY-MM-DDTHH:MM[:SS][+08:00])"
        ) from None
    except OverflowError:  # a zone that takes the moment past year 1 or 9999
        too_late, too_early = moment.year > 9000, moment.year < 9000
    if too_late:
        raise InvalidInputError(
            "as_known_at",
            f"--as-known-at {value} 晚于今天：系统还不知道那时会知道什么",
            f"--as-known-at {value} is after today: what the system will know then is not known",
        )
    if too_early:
        raise InvalidInputError(
            "as_known_at",
            f"--as-known-at {value} 早于 {FIRST_MOMENT.date()}，那时还没有任何记录",
            f"--as-known-at {value} is before {FIRST_MOMENT.date()}, when nothing was recorded",
        )
    return moment


def two_clocks(
    as_of_help: str = "What had happened by that day (default: today).",
) -> Callable[[Query], Query]:
    """The options of every query on the two clocks: ``--as-of``, ``--as-known-at``, ``--json``."""

    def decorate(fn: Query) -> Query:
        fn = click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")(fn)
        fn = click.option(
            "--as-known-at",
            "as_known_at",
            metavar="TIMESTAMP",
            help="What the system knew at that moment (Beijing time unless a zone "
            "is given; a date alone means the end of that day).",
        )(fn)
        return click.option("--as-of", "as_of", metavar="DATE", help=as_of_help)(fn)

    return decorate


def known_text(moment: datetime | None) -> str:
    return f", as known at {moment.isoformat()}" if moment is not None else ""


def answer_for_unit(
    ctx: click.Context,
    unit_code: str,
    clocks: tuple[str | None, str | None],
    as_json: bool,
    ask: Callable[[Zhucun, str, date | None, datetime | None], Any],
    render: Callable[[Zhucun, Any, date | None, datetime | None], str],
) -> None:
    """A query about a unit on the two clocks: refused by name if there is no such unit,
    printed as JSON (with the read models' freshness) or as text."""
    day, moment = parse_as_of(clocks[0]), parse_known_at(clocks[1])
    with opened(ctx) as z:
        data = ask(z, unit_code, day, moment)
        if data is None:
            fail(f"找不到区划代码为 {unit_code} 的单位 / no unit with code {unit_code}")
        if as_json:
            print_answer(z, data)
        else:
            click.echo(render(z, data, day, moment))


MAX_POSITION = 2**63 - 1  # the largest log position either engine stores


def file_option(name: str, help: str, **more: Any) -> Callable[[Query], Query]:
    """An option naming a file to write (never a folder), as a ``Path``."""
    return click.option(name, type=click.Path(dir_okay=False, path_type=Path), help=help, **more)


def reader_options(verb: str) -> Callable[[Query], Query]:
    """``--as`` and ``--role``: who reads (or exports), which the record of the read names."""

    def add(fn: Query) -> Query:
        role = "Their role (default $ZHUCUN_ROLE)."
        fn = click.option("--role", "role", metavar="ROLE", help=role)(fn)
        who = f"Who {verb} (default $ZHUCUN_ACTOR)."
        return click.option("--as", "as_actor", metavar="ACTOR", help=who)(fn)

    return add
