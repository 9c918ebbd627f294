"""Evidence files, kept write-once by their content hash (docs/adr/025).

One table in the event store's own database, ``zhucun_files``: a file's SHA-256 (hex, the
key), its size, its bytes and when they were first stored. The same bytes stored twice are
one row; a row is only ever inserted (``ON CONFLICT DO NOTHING``), never updated or deleted,
so an event that cites a hash always finds the bytes it cited. Reading a file hashes the
bytes again and refuses them when they no longer match (``StoredFileAlteredError``). With
encryption at rest (``CIPHER_KEY``, ADR 009) the bytes are stored encrypted by the log's own
cipher; the key stays the hash of the plain bytes.

The table is not a read model: no rebuild drops it. It is made on the first file stored.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Engine,
    LargeBinary,
    MetaData,
    String,
    Table,
    inspect,
    select,
    text,
)

from domain.errors import InvalidInputError
from domain.fields import SHA256_HEX
from domain.ledger.errors import (
    EmptyFileError,
    EvidenceFileNotFoundError,
    FileTooLargeError,
    StoredFileAlteredError,
)
from projections.runner import SETUP_LOCK
from projections.tables import utc_naive

MAX_FILE_BYTES_VAR = "ZHUCUN_MAX_FILE_BYTES"
DEFAULT_MAX_FILE_BYTES = 20 * 1024 * 1024  # a scanned document or a few photos

metadata = MetaData()
files = Table(
    "zhucun_files",
    metadata,
    Column("sha256", String(SHA256_HEX), primary_key=True),
    Column("size", BigInteger, nullable=False),
    Column("content", LargeBinary, nullable=False),
    Column("stored_at", DateTime, nullable=False),
)


class Cipher(Protocol):
    def encrypt(self, plaintext: bytes) -> bytes: ...

    def decrypt(self, ciphertext: bytes) -> bytes: ...


def max_file_bytes(environ: Mapping[str, str] = os.environ) -> int:
    """The largest file the store takes: ``ZHUCUN_MAX_FILE_BYTES`` (whole bytes), else 20 MiB."""
    raw = environ.get(MAX_FILE_BYTES_VAR, "").strip()
    if not raw:
        return DEFAULT_MAX_FILE_BYTES
    if not (raw.isascii() and raw.isdigit()) or int(raw) < 1:
        raise InvalidInputError(
            MAX_FILE_BYTES_VAR,
            f"设置 {MAX_FILE_BYTES_VAR} 应为正整数（字节数），不是 {raw[:40]!r}",
            f"the setting {MAX_FILE_BYTES_VAR} must be a whole number of bytes above 0, "
            f"not {raw[:40]!r}",
        )
    return int(raw)


def sha256_of(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


@dataclass(frozen=True)
class StoredFile:
    sha256: str
    size: int
    new: bool  # False: the same bytes were stored before


class FileStore:
    def __init__(self, engine: Engine, cipher: Cipher | None = None) -> None:
        self.engine = engine
        self.cipher = cipher
        self._made = False

    def put(self, content: bytes, now: datetime, most: int | None = None) -> StoredFile:
        """Keep ``content`` (once): its hash, its size, and whether it is new here. Refused,
        with nothing stored, when empty or over ``most`` bytes (default: the setting)."""
        most = max_file_bytes() if most is None else most
        if not content:
            raise EmptyFileError()
        if len(content) > most:
            raise FileTooLargeError(len(content), most)
        digest = sha256_of(content)
        if self.size_of(digest) is not None:  # kept already: not sent again
            return StoredFile(digest, len(content), False)
        self._make()
        stored = self.cipher.encrypt(content) if self.cipher is not None else content
        row = {
            "sha256": digest,
            "size": len(content),
            "content": stored,
            "stored_at": utc_naive(now),
        }
        # The engine's own dialect's INSERT, imported here: a SQLite process never loads
        # PostgreSQL's dialect (ADR 045).
        dialect: Any
        if self.engine.dialect.name == "postgresql":
            from sqlalchemy.dialects import postgresql as dialect
        else:
            from sqlalchemy.dialects import sqlite as dialect
        statement = (
            dialect.insert(files).values(**row).on_conflict_do_nothing().returning(files.c.size)
        )
        with self.engine.begin() as conn:
            new = conn.execute(statement).first() is not None
        return StoredFile(digest, len(content), new)

    def size_of(self, sha256: str) -> int | None:
        """The stored file's size, or None when the store has no such file."""
        if not self._exists():
            return None
        with self.engine.connect() as conn:
            found = conn.execute(select(files.c.size).where(files.c.sha256 == sha256)).scalar()
        return None if found is None else int(found)

    def read(self, sha256: str) -> bytes:
        """The file's bytes, checked against their hash."""
        row = None
        if self._exists():
            with self.engine.connect() as conn:
                row = conn.execute(select(files.c.content).where(files.c.sha256 == sha256)).scalar()
        if row is None:
            raise EvidenceFileNotFoundError(sha256)
        content = bytes(row)
        if self.cipher is not None:
            try:
                content = self.cipher.decrypt(content)
            except ValueError:
                raise StoredFileAlteredError(sha256) from None
        if sha256_of(content) != sha256:
            raise StoredFileAlteredError(sha256)
        return content

    # -- the table ---------------------------------------------------------------------------

    def _exists(self) -> bool:
        if not self._made:
            self._made = inspect(self.engine).has_table(files.name)
        return self._made

    def _make(self) -> None:
        """Create the table if missing, under the set-up lock the read models take (several
        processes may store their first file at once)."""
        if self._exists():
            return
        with self.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SETUP_LOCK})
            metadata.create_all(conn, checkfirst=True)
        self._made = True
