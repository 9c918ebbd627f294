"""The canonical serialisation an assessment's digest is taken over: JSON with sorted keys,
no spaces, UTF-8, and no floating-point number anywhere (figures are whole numbers, values
decimal strings), so that the same result gives the same bytes on any machine, engine or
version of Python; and the first place two results part (docs/adr/027)."""

from __future__ import annotations

import hashlib
import json
from typing import Any


class NotCanonicalError(ValueError):
    """A value the canonical form does not hold (a float, a tuple, a key not text)."""


def _check(value: Any, path: str) -> None:
    kind = type(value)
    if kind in (str, int, bool) or value is None:
        return
    if kind is dict:
        for key, item in value.items():
            if type(key) is not str:
                raise NotCanonicalError(f"{path}: key {key!r} is not text")
            _check(item, f"{path}.{key}")
        return
    if kind is list:
        for i, item in enumerate(value):
            _check(item, f"{path}[{i}]")
        return
    raise NotCanonicalError(f"{path}: {kind.__name__} is not canonical")


def canonical_bytes(value: Any) -> bytes:
    _check(value, "$")
    return json.dumps(
        value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False
    ).encode("utf-8")


def digest(value: Any) -> str:
    """SHA-256 of the canonical bytes, as 64 hex digits."""
    return hashlib.sha256(canonical_bytes(value)).hexdigest()


def first_difference(old: Any, new: Any, path: str = "") -> tuple[str, Any, Any] | None:
    """The first place (in canonical order) where ``new`` differs from ``old``: its path,
    e.g. ``teams[2].inputs.days_checked_in.numerator``, and the two values there."""
    if type(old) is not type(new):
        return path or "$", old, new
    if isinstance(old, dict):
        for key in sorted(set(old) | set(new)):
            here = f"{path}.{key}" if path else key
            if key not in old or key not in new:
                return here, old.get(key), new.get(key)
            found = first_difference(old[key], new[key], here)
            if found is not None:
                return found
        return None
    if isinstance(old, list):
        for i, (a, b) in enumerate(zip(old, new, strict=False)):
            found = first_difference(a, b, f"{path}[{i}]")
            if found is not None:
                return found
        if len(old) != len(new):
            i = min(len(old), len(new))
            return (
                f"{path}[{i}]",
                old[i] if i < len(old) else None,
                new[i] if i < len(new) else None,
            )
        return None
    return None if old == new else (path or "$", old, new)
