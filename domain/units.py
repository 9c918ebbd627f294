"""Administrative units: province, city, county, township, village, villager group."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from domain.base import Meta, NetworkAggregate, check_within, derived_id
from domain.errors import (
    InvalidCodeError,
    MergeTargetError,
    NotAVillageError,
    PovertyStatusError,
    UnitClosedError,
    WrongParentLevelError,
)
from domain.levels import OPTIONAL_PARENT, Level


def unit_id(code: str) -> UUID:
    return derived_id("unit", code)


class Unit(NetworkAggregate):
    """One administrative unit. Its id derives from its code, so a code is used once."""

    def __init__(self) -> None:
        self.code = ""
        self.name = ""
        self.level = Level.VILLAGE
        self.parent_code: str | None = None
        self.opened_on = date.min
        self.closed_on: date | None = None
        self.merged_into: str | None = None
        self.poor_since: date | None = None
        self.exited_poverty_on: date | None = None

    # -- events -------------------------------------------------------------------------------

    class Opened(NetworkAggregate.Created):
        code: str
        name: str
        level: str
        parent_code: str | None

        def apply(self, unit: Unit) -> None:
            self.copy_to(unit, "code", "name")
            unit.level = Level(self.level)
            unit.parent_code = self.parent_code
            unit.opened_on = self.day

    class Renamed(NetworkAggregate.SetsFields):
        name: str

    class Moved(NetworkAggregate.SetsFields):
        parent_code: str

    class Merged(NetworkAggregate.Event):
        into_code: str

        def apply(self, unit: Unit) -> None:
            unit.merged_into = self.into_code
            unit.closed_on = self.day

    class Closed(NetworkAggregate.SetsDay):
        day_sets = "closed_on"

    class DeclaredPoor(NetworkAggregate.Event):
        def apply(self, unit: Unit) -> None:
            unit.poor_since = self.day
            unit.exited_poverty_on = None

    class ExitedPoverty(NetworkAggregate.SetsDay):
        day_sets = "exited_poverty_on"

    # -- commands -----------------------------------------------------------------------------

    @classmethod
    def open(cls, code: str, name: str, level: Level, parent: Unit | None, meta: Meta) -> Unit:
        if not (code.isdigit() and len(code) == level.code_length):
            raise InvalidCodeError(code, level.zh, level.value, level.code_length)
        expected = level.parent_level
        if parent is None:
            if level not in OPTIONAL_PARENT:
                assert expected is not None
                raise WrongParentLevelError(
                    level.zh, level.value, "（无）", "nothing", expected.zh, expected.value
                )
        else:
            if parent.level is not expected:
                exp_zh, exp_en = (
                    (expected.zh, expected.value) if expected else ("（无）", "nothing")
                )
                raise WrongParentLevelError(
                    level.zh, level.value, parent.level.zh, parent.level.value, exp_zh, exp_en
                )
            parent.check_acting(meta.occurred_on, field="parent")
        return cls._create(
            cls.Opened,
            id=unit_id(code),
            code=code,
            name=name,
            level=level.value,
            parent_code=parent.code if parent else None,
            **meta.event_kwargs(),
        )

    def rename(self, name: str, meta: Meta) -> None:
        self.check_acting(meta.occurred_on)
        self.trigger_event(self.Renamed, name=name, **meta.event_kwargs())

    def move(self, new_parent: Unit, meta: Meta) -> None:
        self.check_acting(meta.occurred_on)
        if new_parent.level is not self.level.parent_level:
            expected = self.level.parent_level
            exp_zh, exp_en = (expected.zh, expected.value) if expected else ("（无）", "nothing")
            raise WrongParentLevelError(
                self.level.zh,
                self.level.value,
                new_parent.level.zh,
                new_parent.level.value,
                exp_zh,
                exp_en,
            )
        new_parent.check_acting(meta.occurred_on, field="parent")
        self.trigger_event(self.Moved, parent_code=new_parent.code, **meta.event_kwargs())

    def merge_into(self, target: Unit, meta: Meta) -> None:
        self.check_acting(meta.occurred_on)
        if target.code == self.code:
            raise MergeTargetError("不能并入自身", "a unit cannot be merged into itself")
        if target.level is not self.level:
            raise MergeTargetError(
                f"{self.level.zh}只能并入另一个{self.level.zh}，{target.code} 是{target.level.zh}",
                f"a {self.level} can only be merged into another {self.level}; "
                f"{target.code} is a {target.level}",
            )
        target.check_acting(meta.occurred_on, field="into")
        self.trigger_event(self.Merged, into_code=target.code, **meta.event_kwargs())

    def close(self, meta: Meta) -> None:
        self.check_acting(meta.occurred_on)
        self.trigger_event(self.Closed, **meta.event_kwargs())

    def declare_poor(self, meta: Meta) -> None:
        self._check_village()
        self.check_acting(meta.occurred_on)
        if self.is_poor:
            raise PovertyStatusError(
                f"{self.name} 已是贫困村（自 {self.poor_since}）",
                f"{self.name} is already a poor village (since {self.poor_since})",
            )
        self.trigger_event(self.DeclaredPoor, **meta.event_kwargs())

    def exit_poverty(self, meta: Meta) -> None:
        self._check_village()
        self.check_acting(meta.occurred_on)
        if not self.is_poor:
            raise PovertyStatusError(
                f"{self.name} 不是贫困村，无需脱贫", f"{self.name} is not a poor village"
            )
        assert self.poor_since is not None
        if meta.occurred_on < self.poor_since:
            raise PovertyStatusError(
                f"脱贫日期早于认定为贫困村的日期 {self.poor_since}",
                f"exit date is before the village was found poor on {self.poor_since}",
            )
        self.trigger_event(self.ExitedPoverty, **meta.event_kwargs())

    # -- rules --------------------------------------------------------------------------------

    @property
    def is_closed(self) -> bool:
        return self.closed_on is not None

    @property
    def is_poor(self) -> bool:
        return self.poor_since is not None and self.exited_poverty_on is None

    def check_acting(self, day: date, field: str = "unit") -> None:
        """Something is done on or under this unit on ``day``: it must be open then and now."""
        if self.closed_on is not None:
            raise UnitClosedError(self.code, self.name, self.closed_on.isoformat(), field)
        self.check_date(day)

    def check_date(self, day: date) -> None:
        check_within(
            f"「{self.name}」", f"'{self.name}' ({self.code})", day, self.opened_on, self.closed_on
        )

    def _check_village(self) -> None:
        if self.level is not Level.VILLAGE:
            raise NotAVillageError(self.code, self.level.zh, self.level.value)
