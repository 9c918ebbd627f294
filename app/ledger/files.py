"""How a line names a stored file (ADR 025): its SHA-256, its name and its media type, each
read once and normalised here, for the evidence commands and for ``zhucun ledger attach``."""

from __future__ import annotations

import mimetypes
import re
import unicodedata

from app.args import refuse
from domain.fields import SHA256_HEX

HEX = frozenset("0123456789abcdef")
# type "/" subtype, each a token of RFC 6838's restricted names, in lower case.
MEDIA_TYPE = re.compile(r"[a-z0-9][a-z0-9!#$&^_.+-]*/[a-z0-9][a-z0-9!#$&^_.+-]*")
OCTET_STREAM = "application/octet-stream"

# The standard library's own table only (not the system's files, which differ from machine
# to machine), with the office formats villages keep their records in.
_TYPES = mimetypes.MimeTypes()
for _type, _ext in (
    ("application/msword", ".doc"),
    ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx"),
    ("application/vnd.ms-excel", ".xls"),
    ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"),
    ("application/vnd.openxmlformats-officedocument.presentationml.presentation", ".pptx"),
    ("application/vnd.ms-works", ".wps"),
):
    _TYPES.add_type(_type, _ext)


def file_hash(text: str) -> str | None:
    """A SHA-256 as 64 lower-case hex digits (full-width or upper-case digits read as such);
    None when none was given."""
    if not text:
        return None
    value = unicodedata.normalize("NFKC", text).strip().lower()
    if len(value) != SHA256_HEX or not set(value) <= HEX:
        raise refuse(
            "file",
            "应为 zhucun ledger attach 给出的 SHA-256（64 位十六进制数）",
            "must be the SHA-256 zhucun ledger attach printed (64 hexadecimal digits)",
        )
    return value


def file_name(text: str) -> str:
    """A file's name without its folder: no ``/`` or ``\\``, not ``.`` or ``..``."""
    if "/" in text or "\\" in text or text in (".", ".."):
        raise refuse(
            "file_name",
            "只写文件名，不含路径（不能有 / 或 \\）",
            "is a file's name alone, without a folder (no / or \\)",
        )
    return text


def media_type(text: str) -> str:
    """A media type (``application/pdf``), lower-cased; empty when none was given."""
    value = text.strip().lower()
    if value and not MEDIA_TYPE.fullmatch(value):
        raise refuse(
            "media_type",
            "应为类型/子类型，例如 application/pdf、image/jpeg",
            "must be a type/subtype, e.g. application/pdf, image/jpeg",
        )
    return value


def guess_media_type(name: str) -> str:
    """The media type a file's name suggests, else ``application/octet-stream``."""
    return _TYPES.guess_type(name.lower(), strict=False)[0] or OCTET_STREAM
