"""Where the store lives: one URL, read once, turned into the library's and SQLAlchemy's
settings."""

from __future__ import annotations

import os
import re
from base64 import b64decode
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, unquote, urlsplit

from domain.errors import InvalidInputError

if TYPE_CHECKING:
    import psycopg

DEFAULT_SQLITE_PATH = Path("var") / "zhucun.db"
ENV_VAR = "ZHUCUN_DATABASE_URL"
# Encryption at rest (docs/audit.md): the library's AES cipher, keyed from the environment.
CIPHER_KEY_VARS = ("ZHUCUN_CIPHER_KEY", "CIPHER_KEY")
CIPHER_TOPIC = "eventsourcing.cipher:AESCipher"
# A PostgreSQL schema name as the store takes it: an unquoted identifier in lower case (so it
# means the same quoted or not), at most the server's 63 bytes.
SCHEMA_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")
# Seconds the library waits for a PostgreSQL connection before giving up.
PG_CONNECT_TIMEOUT = "5"


@dataclass(frozen=True)
class StoreConfig:
    url: str
    engine: str  # "sqlite" or "postgresql"
    es_env: dict[str, str]  # settings for the eventsourcing library
    sqlalchemy_url: str
    schema: str | None = None  # PostgreSQL schema holding both the log and the read models
    sqlite_path: Path | None = None

    @property
    def is_postgres(self) -> bool:
        return self.engine == "postgresql"

    @property
    def encrypted(self) -> bool:
        return "CIPHER_KEY" in self.es_env

    def postgres_connection(self, autocommit: bool = True) -> psycopg.Connection[Any]:
        """A plain connection to the PostgreSQL database (not its schema), for the few
        statements made outside the library and the engine: creating or dropping the schema,
        telling an unreachable server from a missing store."""
        import psycopg  # PostgreSQL's driver, only for a PostgreSQL address

        env = self.es_env
        return psycopg.connect(
            dbname=env["POSTGRES_DBNAME"],
            host=env["POSTGRES_HOST"],
            port=env["POSTGRES_PORT"],
            user=env["POSTGRES_USER"],
            password=env["POSTGRES_PASSWORD"] or None,
            connect_timeout=int(env["POSTGRES_CONNECT_TIMEOUT"]),
            autocommit=autocommit,
        )


def cipher_settings() -> dict[str, str]:
    """The library's cipher settings when a key is in the environment, checked here so that a
    bad key is refused by name rather than failing inside the library."""
    key = next((os.environ[v] for v in CIPHER_KEY_VARS if os.environ.get(v)), "")
    if not key:
        return {}
    try:
        size = len(b64decode(key.encode("ascii"), validate=True))
    except (ValueError, UnicodeEncodeError):
        size = 0
    if size not in (16, 24, 32):
        raise InvalidInputError(
            "CIPHER_KEY",
            "加密密钥 CIPHER_KEY 应为 16、24 或 32 字节的 base64 编码"
            "（用 AESCipher.create_key(16) 生成）",
            "CIPHER_KEY must be 16, 24 or 32 bytes in base64 "
            "(make one with AESCipher.create_key(16))",
        )
    return {"CIPHER_TOPIC": CIPHER_TOPIC, "CIPHER_KEY": key}


def resolve_url(url: str | None) -> str:
    return url or os.environ.get(ENV_VAR) or f"sqlite:///{DEFAULT_SQLITE_PATH}"


def parse_database_url(url: str | None = None, make_dirs: bool = True) -> StoreConfig:
    """The store's settings from its URL; with ``make_dirs`` the SQLite file's directory is
    made if missing (the command line makes it only for the commands that create a store)."""
    url = resolve_url(url)
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        path_text = unquote(url[len("sqlite:///") :]) if url.startswith("sqlite:///") else ""
        if not path_text:
            raise InvalidInputError(
                "db", f"数据库地址 {url!r} 缺少文件路径", f"database URL {url!r} has no file path"
            )
        path = Path(path_text)
        if make_dirs:
            path.parent.mkdir(parents=True, exist_ok=True)
        return StoreConfig(
            url=url,
            engine="sqlite",
            es_env={
                "PERSISTENCE_MODULE": "eventsourcing.sqlite",
                "SQLITE_DBNAME": str(path),
                "SQLITE_LOCK_TIMEOUT": "30",
                **cipher_settings(),
            },
            sqlalchemy_url=f"sqlite:///{path}",
            sqlite_path=path,
        )
    if parts.scheme in ("postgresql", "postgres", "postgresql+psycopg"):
        query = parse_qs(parts.query)
        schema = query.get("schema", [""])[0] or "public"
        if not SCHEMA_NAME.fullmatch(schema):
            raise InvalidInputError(
                "schema",
                f"数据库地址中的模式名 {schema!r} 不对：应以小写字母或下划线开头，"
                "只含小写字母、数字和下划线，最长 63 个字符",
                f"the schema name {schema!r} in the database URL is invalid: it must begin "
                "with a lower-case letter or an underscore and hold only lower-case letters, "
                "digits and underscores, 63 at most",
            )
        dbname = parts.path.lstrip("/")
        if not dbname:
            raise InvalidInputError(
                "db", f"数据库地址 {url!r} 缺少数据库名", f"database URL {url!r} names no database"
            )
        user = unquote(parts.username or os.environ.get("PGUSER", "postgres"))
        password = unquote(parts.password or "")
        host = parts.hostname or "127.0.0.1"
        port = str(parts.port or 5432)
        auth = user + (f":{password}" if password else "")
        return StoreConfig(
            url=url,
            engine="postgresql",
            es_env={
                "PERSISTENCE_MODULE": "eventsourcing.postgres",
                "POSTGRES_DBNAME": dbname,
                "POSTGRES_HOST": host,
                "POSTGRES_PORT": port,
                "POSTGRES_USER": user,
                "POSTGRES_PASSWORD": password,
                "POSTGRES_SCHEMA": schema,
                "POSTGRES_CONNECT_TIMEOUT": PG_CONNECT_TIMEOUT,
                **cipher_settings(),
            },
            sqlalchemy_url=f"postgresql+psycopg://{auth}@{host}:{port}/{dbname}",
            schema=schema,
        )
    raise InvalidInputError(
        "db",
        f"不支持的数据库地址 {url!r}：请用 sqlite:///路径 或 postgresql://…",
        f"unsupported database URL {url!r}: use sqlite:///PATH or postgresql://...",
    )
