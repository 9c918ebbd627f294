"""A choice of the domain (a ``StrEnum``) that pages show in Chinese."""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar


class Worded(StrEnum):
    """Its members' words in Chinese are its table ``__zh__`` (by value), which a dunder name
    keeps out of the members."""

    __zh__: ClassVar[dict[str, str]]

    @property
    def zh(self) -> str:
        return self.__zh__[str(self)]  # a StrEnum member is its value
