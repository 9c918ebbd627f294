"""Which function a read model applies to each kind of event: a table filled by decorating
each function with the event classes it handles."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Generic, TypeVar

H = TypeVar("H", bound=Callable[..., None])


class Handlers(Generic[H]):
    """``@handlers.on(Unit.Opened, ...)`` over a function makes it the one for those classes;
    ``handlers.get(type(event))`` finds it (None: the model leaves that event alone); iterating
    gives the event classes handled."""

    def __init__(self) -> None:
        self._by_class: dict[type, H] = {}

    def on(self, *event_classes: type) -> Callable[[H], H]:
        def register(fn: H) -> H:
            for event_class in event_classes:
                self._by_class[event_class] = fn
            return fn

        return register

    def get(self, event_class: type) -> H | None:
        return self._by_class.get(event_class)

    def __iter__(self) -> Iterator[type]:
        return iter(self._by_class)
