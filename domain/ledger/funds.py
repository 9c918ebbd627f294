"""Four-source funding (四位一体: 集体自筹、财政投入、党费补贴、城乡统筹): what was allocated to a
village from each source and what it spent, each entry with its voucher number.

One ``FundAccount`` per village and source (its id derived from both), holding every
allocation, expenditure and reversal of that source in that village. The rule "a village
never spends from a source more than was allocated to it" reads only this account, so the
store's own version check guards it against concurrent writers: two expenditures racing for
the last yuan write the same version of the same account, and the loser runs again and is
refused by the rule (ADR 026). The rule holds on every day, not only on the day of the new
entry: a back-dated allocation reversal that would leave an earlier-recorded expenditure
uncovered is refused too.

Nothing is edited in place: a wrong entry is reversed (红字冲销), by its voucher, on a day of
its own, with a reason; the right one is entered again under a new voucher number.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum
from itertools import groupby
from typing import TYPE_CHECKING
from uuid import UUID

from domain.base import Meta, NetworkAggregate, derived_id
from domain.ledger.errors import (
    AmountNotPositiveError,
    DatedBeforeMeasureError,
    DuplicateVoucherError,
    FundEntryAlreadyReversedError,
    FundsBeforePlanError,
    FundsOverspentError,
    MeasureDroppedError,
    MeasureOfOtherPlanError,
    MeasureOfOtherVillageError,
    PlanOfOtherVillageError,
    ReversalBeforeEntryError,
    SourceNotOfMeasureError,
    VoucherNotFoundError,
)
from domain.ledger.measures import FundingSource, Measure
from domain.ledger.money import yuan_text
from domain.villages import VillageProfile

if TYPE_CHECKING:
    from domain.ledger.plans import VillagePlan
    from domain.units import Unit


def fund_account_id(village_code: str, source: FundingSource) -> UUID:
    return derived_id("fund-account", f"{village_code}:{source.value}")


class EntryKind(StrEnum):
    ALLOCATION = "allocation"  # 拨入
    EXPENDITURE = "expenditure"  # 支出

    @property
    def zh(self) -> str:
        return "拨入" if self is EntryKind.ALLOCATION else "支出"


@dataclass(frozen=True)
class Entry:
    """An allocation or an expenditure of the account, as its rule needs it."""

    kind: EntryKind
    day: date
    amount_fen: int
    plan_id: str  # hex
    measure_id: str  # hex, or "" for an allocation to the plan as a whole
    reversed_on: date | None = None

    def changes(self) -> list[tuple[date, int, int]]:
        """What the entry adds to the account from a day on: (day, allocated, spent) in fen;
        a reversal takes it back from the day of the reversal."""
        amount = self.amount_fen
        change = (amount, 0) if self.kind is EntryKind.ALLOCATION else (0, amount)
        out = [(self.day, *change)]
        if self.reversed_on is not None:
            out.append((self.reversed_on, -change[0], -change[1]))
        return out


def check_measure(measure: Measure, village_code: str, source: FundingSource, day: date) -> None:
    """Funds go to a measure of the village, on or after the day it was planned and before
    any day it was dropped, from a source it names."""
    if measure.village_code != village_code:
        raise MeasureOfOtherVillageError(str(measure.id), village_code, measure.village_code)
    if day < measure.planned_on:
        raise DatedBeforeMeasureError(day.isoformat(), measure.planned_on.isoformat())
    if measure.dropped_on is not None and measure.dropped_on <= day:
        raise MeasureDroppedError(str(measure.id), measure.dropped_on.isoformat(), day.isoformat())
    if source not in measure.sources:
        named = ", ".join(sorted(s.value for s in measure.sources)) or "—"
        raise SourceNotOfMeasureError(source.value, str(measure.id), named)


def check_plan(plan: VillagePlan, village_code: str, day: date) -> None:
    """Funds serve an approved plan of the village, from the day it was first approved."""
    if plan.village_code != village_code:
        raise PlanOfOtherVillageError(str(plan.id), village_code, plan.village_code)
    approved = plan.first_approved_on
    if approved is None or day < approved:
        when = approved.isoformat() if approved else "尚未批准 / not yet approved"
        raise FundsBeforePlanError(day.isoformat(), str(plan.id), when)


class FundAccount(NetworkAggregate):
    """The funds of one source in one village: allocations in, expenditures out."""

    def __init__(self) -> None:
        self.village_code = ""
        self.source = FundingSource.FISCAL
        self.entries: dict[str, Entry] = {}  # by voucher number

    class Opened(NetworkAggregate.Created):
        village_code: str
        source: str

        def apply(self, a: FundAccount) -> None:
            a.village_code = self.village_code
            a.source = FundingSource(self.source)

    class Allocated(NetworkAggregate.Event):
        village_code: str
        source: str
        voucher: str
        amount_fen: int
        plan_id: str  # hex
        measure_id: str  # hex, or ""
        allocated_by: str  # who allocated it (拨款单位)
        document: str  # under which document (文件、文号), or ""

        def apply(self, a: FundAccount) -> None:
            a._enter(EntryKind.ALLOCATION, self)

    class Spent(NetworkAggregate.Event):
        village_code: str
        source: str
        voucher: str
        amount_fen: int
        plan_id: str
        measure_id: str
        payee: str
        purpose: str

        def apply(self, a: FundAccount) -> None:
            a._enter(EntryKind.EXPENDITURE, self)

    class Reversed(NetworkAggregate.Event):
        """An entry reversed (红字冲销) from ``occurred_on`` on; its amount and measure are
        copied, so that sums need not look the entry up."""

        village_code: str
        source: str
        voucher: str
        entry: str  # allocation / expenditure
        amount_fen: int
        plan_id: str
        measure_id: str
        because: str

        def apply(self, a: FundAccount) -> None:
            entry = a.entries[self.voucher]
            a.entries[self.voucher] = replace(entry, reversed_on=self.day)

    def _enter(self, kind: EntryKind, e: Allocated | Spent) -> None:
        day = date.fromisoformat(e.occurred_on)
        self.entries[e.voucher] = Entry(kind, day, e.amount_fen, e.plan_id, e.measure_id)

    # -- commands -----------------------------------------------------------------------------

    @classmethod
    def open(cls, village: Unit, source: FundingSource, meta: Meta) -> FundAccount:
        VillageProfile.check_village(village, meta.occurred_on)
        return cls._create(
            cls.Opened,
            id=fund_account_id(village.code, source),
            village_code=village.code,
            source=source.value,
            **meta.event_kwargs(),
        )

    def allocate(
        self,
        village: Unit,
        voucher: str,
        amount_fen: int,
        plan: VillagePlan,
        measure: Measure | None,
        allocated_by: str,
        document: str,
        meta: Meta,
    ) -> None:
        day = meta.occurred_on
        self._check_new(village, voucher, amount_fen, day)
        if measure is not None:
            check_measure(measure, self.village_code, self.source, day)
            if measure.plan_id != plan.id.hex:
                raise MeasureOfOtherPlanError(str(measure.id), str(plan.id))
        check_plan(plan, self.village_code, day)
        self.trigger_event(
            self.Allocated,
            **self._fields(voucher, amount_fen, plan.id.hex, measure),
            allocated_by=allocated_by,
            document=document,
            **meta.event_kwargs(),
        )

    def spend(
        self,
        village: Unit,
        voucher: str,
        amount_fen: int,
        measure: Measure,
        payee: str,
        purpose: str,
        meta: Meta,
    ) -> None:
        day = meta.occurred_on
        self._check_new(village, voucher, amount_fen, day)
        check_measure(measure, self.village_code, self.source, day)
        new = Entry(EntryKind.EXPENDITURE, day, amount_fen, measure.plan_id, measure.id.hex)
        self._check_covered([*self.entries.values(), new], "amount")
        self.trigger_event(
            self.Spent,
            **self._fields(voucher, amount_fen, measure.plan_id, measure),
            payee=payee,
            purpose=purpose,
            **meta.event_kwargs(),
        )

    def reverse(self, village: Unit, voucher: str, because: str, meta: Meta) -> EntryKind:
        VillageProfile.check_village(village, meta.occurred_on)
        entry = self.entries.get(voucher)
        if entry is None:
            raise VoucherNotFoundError(voucher, self.village_code, *self._source_words())
        if entry.reversed_on is not None:
            raise FundEntryAlreadyReversedError(voucher, entry.reversed_on.isoformat())
        day = meta.occurred_on
        if day < entry.day:
            raise ReversalBeforeEntryError(day.isoformat(), entry.day.isoformat(), voucher)
        if entry.kind is EntryKind.ALLOCATION:
            after = self.entries | {voucher: replace(entry, reversed_on=day)}
            self._check_covered(after.values(), "voucher")
        self.trigger_event(
            self.Reversed,
            village_code=self.village_code,
            source=self.source.value,
            voucher=voucher,
            entry=entry.kind.value,
            amount_fen=entry.amount_fen,
            plan_id=entry.plan_id,
            measure_id=entry.measure_id,
            because=because,
            **meta.event_kwargs(),
        )
        return entry.kind

    # -- the rules ----------------------------------------------------------------------------

    def _check_new(self, village: Unit, voucher: str, amount_fen: int, day: date) -> None:
        VillageProfile.check_village(village, day)
        if amount_fen <= 0:
            raise AmountNotPositiveError()
        used = self.entries.get(voucher)
        if used is not None:
            raise DuplicateVoucherError(
                voucher, self.village_code, *self._source_words(), used.day.isoformat()
            )

    def _check_covered(self, entries: Iterable[Entry], field: str) -> None:
        """Refuse if, with ``entries`` as the account's, what was spent by some day would
        exceed what was allocated by that day (each net of its reversals)."""
        changes = sorted(c for e in entries for c in e.changes())
        allocated = spent = 0
        for day, same_day in groupby(changes, key=lambda c: c[0]):
            for _, more_allocated, more_spent in same_day:
                allocated += more_allocated
                spent += more_spent
            if spent > allocated:
                raise FundsOverspentError(
                    self.village_code,
                    *self._source_words(),
                    day.isoformat(),
                    yuan_text(allocated),
                    yuan_text(spent),
                    field,
                )

    def _source_words(self) -> tuple[str, str]:
        return self.source.zh, self.source.en

    def _fields(
        self, voucher: str, amount_fen: int, plan_id: str, measure: Measure | None
    ) -> dict[str, object]:
        return {
            "village_code": self.village_code,
            "source": self.source.value,
            "voucher": voucher,
            "amount_fen": amount_fen,
            "plan_id": plan_id,
            "measure_id": measure.id.hex if measure is not None else "",
        }
