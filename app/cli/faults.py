"""What the command line says when something other than a rule stops a command: the store
cannot be opened, read or written, a file is not UTF-8 text, a date or number is out of
range. One table maps each fault to a named error in Chinese and English; the command
group (``app/cli/main.py``) prints it with exit code 1, never a traceback.

Also the check every command but ``init`` and ``demo`` makes before it opens the store: the
store must exist, so a mistyped path is refused instead of becoming a new empty store.
"""

from __future__ import annotations

import errno
import sqlite3
import sys
from collections.abc import Iterator
from dataclasses import dataclass

from app.store.config import StoreConfig
from domain.errors import InvalidInputError, ZhucunError

# Seconds to wait for PostgreSQL to answer before saying it cannot be reached.


class StoreFaultError(ZhucunError):
    """The store could not be used; what was asked was not done."""

    def __init__(self, code: str, zh: str, en: str, field: str = "db") -> None:
        super().__init__(field, zh, en)
        self.code = code


@dataclass(frozen=True)
class Fault:
    code: str
    needles: tuple[str, ...]  # words of the database's own message that name the fault
    zh: str  # {where}: the store
    en: str


# SQLite's messages (sqlite3 and through the library) and what they mean to the reader.
SQLITE_FAULTS = (
    Fault(
        "store_read_only",
        ("readonly", "read-only"),
        "数据库 {where} 是只读的，无法写入；请检查文件及其目录的权限",
        "the database {where} is read-only: nothing can be written; "
        "check the permissions of the file and its directory",
    ),
    Fault(
        "store_full",
        ("disk is full", "database or disk is full", "no space left"),
        "数据库 {where} 所在的磁盘已满，本次没有写入任何内容；请腾出空间后重试",
        "the disk holding the database {where} is full; nothing was written: "
        "free some space and try again",
    ),
    Fault(
        "store_corrupt",
        ("file is not a database", "malformed", "database corrupt"),
        "{where} 不是可用的 SQLite 数据库（文件已损坏或不是数据库）；请从备份恢复",
        "{where} is not a usable SQLite database (damaged, or not a database at all); "
        "restore it from a backup",
    ),
    Fault(
        "store_locked",
        ("database is locked", "database table is locked"),
        "数据库 {where} 正被其他程序长时间占用；请稍后重试",
        "the database {where} stayed locked by another program; try again later",
    ),
    Fault(
        "store_io_error",
        ("disk i/o error",),
        "读写数据库 {where} 时磁盘出错（磁盘已满、超出文件大小限制或磁盘故障），"
        "本次没有写入任何内容",
        "a disk error while using the database {where} (a full disk, a file size limit or a "
        "failing disk); nothing was written",
    ),
    Fault(
        "store_unopenable",
        ("unable to open database file",),
        "无法打开数据库 {where}（是目录、无权限或磁盘错误）",
        "cannot open the database {where} (a directory, no permission, or a disk error)",
    ),
)


def _chain(error: BaseException) -> Iterator[BaseException]:
    """The error, what it was raised from, and a SQLAlchemy error's driver error."""
    seen: set[int] = set()
    todo: list[BaseException | None] = [error]
    while todo:
        e = todo.pop(0)
        if e is None or id(e) in seen:
            continue
        seen.add(id(e))
        yield e
        todo += [e.__cause__, e.__context__, getattr(e, "orig", None)]


def store_fault(error: BaseException, config: StoreConfig | None) -> ZhucunError | None:
    """The named error for a fault of the store, or None when ``error`` is not one."""
    where = _where(config)
    # PostgreSQL's driver is imported only for a PostgreSQL address: no error can be one of
    # its own before it was.
    pg = sys.modules.get("psycopg")
    for e in _chain(error):
        if pg is not None and isinstance(e, pg.errors.DiskFull):
            return _named(SQLITE_FAULTS[1], where)
        if pg is not None and isinstance(e, pg.errors.ReadOnlySqlTransaction):
            return _named(SQLITE_FAULTS[0], where)
        if (
            pg is not None
            and isinstance(e, pg.OperationalError)
            and (e.sqlstate is None or e.sqlstate.startswith(("08", "57P")))
        ) or (
            type(e).__module__.startswith("eventsourcing") and "couldn't get a connection" in str(e)
        ):
            return unreachable(config, str(e))
        if isinstance(e, sqlite3.Error) or (
            type(e).__module__.startswith(("eventsourcing", "sqlalchemy"))
            and config is not None
            and not config.is_postgres
        ):
            text = str(e).lower()
            for fault in SQLITE_FAULTS:
                if any(n in text for n in fault.needles):
                    return _named(fault, where)
        if isinstance(e, OSError) and e.errno == errno.ENOSPC:
            return _named(SQLITE_FAULTS[1], where)
    return None


def _named(fault: Fault, where: str) -> StoreFaultError:
    return StoreFaultError(fault.code, fault.zh.format(where=where), fault.en.format(where=where))


def unreachable(config: StoreConfig | None, detail: str) -> StoreFaultError:
    env = config.es_env if config is not None else {}
    at = f"{env.get('POSTGRES_HOST', '?')}:{env.get('POSTGRES_PORT', '?')}"
    first = (detail.strip().splitlines() or [""])[0][:200]
    return StoreFaultError(
        "store_unreachable",
        f"无法连接 PostgreSQL 服务器 {at}（{first}）；请检查地址、端口和服务器是否在运行",
        f"cannot reach the PostgreSQL server at {at} ({first}); "
        "check the address, the port and that the server is running",
    )


def explain(error: BaseException, config: StoreConfig | None) -> ZhucunError:
    """Any error that reached the command line, as a named error to print."""
    if isinstance(error, ZhucunError):
        return error
    fault = store_fault(error, config)
    if fault is not None:
        return fault
    if isinstance(error, UnicodeDecodeError):
        return not_utf8("输入 input", error)
    if isinstance(error, OverflowError):
        return InvalidInputError(
            "value",
            "日期、时间或数字超出了可处理的范围",
            "a date, a time or a number is out of the range that can be handled",
        )
    if isinstance(error, RecursionError):
        return InvalidInputError(
            "input", "输入嵌套层数过多", "the input is nested too deeply to be read"
        )
    if isinstance(error, OSError):
        name = f" {error.filename}" if error.filename else ""
        return StoreFaultError(
            "file_error",
            f"无法读写文件{name}：{error.strerror or error}",
            f"cannot read or write the file{name}: {error.strerror or error}",
            field="file",
        )
    return StoreFaultError(
        "internal_error",
        f"内部错误，命令没有完成：{type(error).__name__}: {_first_line(error)}",
        f"internal error, the command was not done: {type(error).__name__}: {_first_line(error)}",
        field="internal",
    )


def not_utf8(name: str, error: UnicodeDecodeError) -> InvalidInputError:
    """A file (``name``) that is not UTF-8 text, with the first byte that is not."""
    byte = error.object[error.start : error.start + 1].hex()
    return InvalidInputError(
        "file",
        f"{name} 不是 UTF-8 编码的文本（第 {error.start} 字节为 0x{byte}）；请先另存为 UTF-8",
        f"{name} is not UTF-8 text (byte 0x{byte} at offset {error.start}); save it as UTF-8 first",
    )


def _first_line(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [""])[0][:300]


def _where(config: StoreConfig | None) -> str:
    if config is None:
        return ""
    if config.sqlite_path is not None:
        return str(config.sqlite_path)
    env = config.es_env
    return f"{env['POSTGRES_HOST']}:{env['POSTGRES_PORT']}/{env['POSTGRES_DBNAME']}"


# -- does the store exist? ----------------------------------------------------------------------


class StoreNotFoundError(InvalidInputError):
    code = "store_not_found"

    def __init__(self, where: str) -> None:
        super().__init__(
            "db",
            f"找不到存储 {where}；请检查 --db 的路径，新的存储用 `zhucun init` 创建",
            f"no store at {where}: check the path given to --db; "
            "make a new store with `zhucun init`",
        )


def check_store(config: StoreConfig, create: bool) -> None:
    """Refuse a store that does not exist unless this command creates one (``init``,
    ``demo``); on PostgreSQL, find out quickly whether the server answers at all."""
    path = config.sqlite_path
    if path is not None:
        if path.is_dir():
            raise StoreFaultError(
                "store_is_directory",
                f"{path} 是目录，不是数据库文件",
                f"{path} is a directory, not a database file",
            )
        if create:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as e:
                raise explain(e, config) from None
        elif not path.is_file():
            raise StoreNotFoundError(str(path))
        return
    import psycopg
    from psycopg import sql

    try:
        with config.postgres_connection(autocommit=False) as conn:
            if create:
                return
            table = sql.Identifier(config.schema or "public", "zhucun_events")
            found = conn.execute(
                sql.SQL("SELECT to_regclass({})").format(sql.Literal(table.as_string(conn)))
            ).fetchone()
    except psycopg.OperationalError as e:
        raise unreachable(config, str(e)) from None
    if not found or found[0] is None:
        raise StoreNotFoundError(f"{_where(config)} (schema {config.schema or 'public'})")
