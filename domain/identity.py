"""Resident identity numbers (GB 11643): validated on entry, shown masked everywhere."""

from __future__ import annotations

from operator import mul

from domain.errors import InvalidIdentityNumberError

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


def check_digit(first17: str) -> str:
    if len(first17) != len(_WEIGHTS):
        raise ValueError(first17)
    return _CHECK[sum(map(mul, map(int, first17), _WEIGHTS)) % 11]


# Typed on a Chinese keyboard, digits and X may come full-width: they are the same number.
_FULL_WIDTH = str.maketrans("０１２３４５６７８９ｘＸ", "0123456789XX")


def validate_identity_number(value: str) -> str:
    number = value.strip().translate(_FULL_WIDTH).upper()
    if len(number) != 18:
        raise InvalidIdentityNumberError(
            f"应为 18 位，实为 {len(number)} 位", f"it must have 18 characters, not {len(number)}"
        )
    # ASCII digits only: str.isdigit() also holds for "²" and other digits int() refuses.
    if not (number.isascii() and number[:17].isdigit() and number[17] in "0123456789X"):
        raise InvalidIdentityNumberError(
            "前 17 位应为数字，末位为数字或 X", "17 digits followed by a digit or X expected"
        )
    if check_digit(number[:17]) != number[17]:
        raise InvalidIdentityNumberError("校验位不符", "the check digit does not match")
    return number


def mask_identity_number(number: str) -> str:
    """Keep the region (first 4) and the last 4 characters: enough to tell people apart."""
    if len(number) < 8:
        return "*" * len(number)
    return number[:4] + "*" * (len(number) - 8) + number[-4:]
