"""Money in the ledger: whole fen (分, a hundredth of a yuan) in an ``int``.

Exact in events, in sums and in the read models' integer columns on both engines (SQLite has
no decimal type: a ``Numeric`` column there is a float). Yuan are what users write and read:
``yuan_text`` shows fen as yuan with two decimals (ADR 023).
"""

from __future__ import annotations

from decimal import Decimal

FEN_PER_YUAN = 100


def fen_of_yuan(yuan: Decimal) -> int:
    """Yuan with at most two decimals, as whole fen (the caller has checked the decimals)."""
    fen = yuan * FEN_PER_YUAN
    assert fen == fen.to_integral_value(), yuan
    return int(fen)


def yuan_text(fen: int) -> str:
    """``1234567`` -> ``"12345.67"``: fen shown as yuan, exact."""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), FEN_PER_YUAN)
    return f"{sign}{whole}.{cents:02d}"
