"""Living in the village: daily check-in, leave, spot-check findings, diary and household visits.

A member's record is cut by month (``MemberMonth``): years of daily check-ins never make one
check-in slower, because each command replays one month of one cadre at most (ADR 006).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, ClassVar
from uuid import UUID

from domain.base import Meta, NetworkAggregate, check_within, derived_id, written
from domain.errors import (
    AlreadyCheckedInError,
    AlreadyFoundAbsentError,
    InvalidInputError,
    InvalidLeaveDatesError,
    LeaveAlreadyDecidedError,
    LeaveConflictError,
    OnApprovedLeaveError,
    WrongRoleError,
)
from domain.worded import Worded

if TYPE_CHECKING:
    from domain.cadres import Cadre
    from domain.rules import RuleSet

INSPECTOR = "inspector"


class LeaveTier(Worded):
    TOWNSHIP = "township"  # 乡镇审批
    COUNTY = "county"  # 县审批

    __zh__: ClassVar[dict[str, str]] = {"township": "乡镇", "county": "县"}

    @property
    def approvers(self) -> list[str]:
        # The city may approve anything.
        return {"township": ["township_officer"], "county": ["county_admin"]}[self.value] + [
            "city_admin"
        ]


def month_key(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def member_month_id(cadre_id: UUID, month: str) -> UUID:
    return derived_id("member-month", f"{cadre_id.hex}:{month}")


def days_between(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


class MemberMonth(NetworkAggregate):
    """One cadre's month in the village: at most ~31 check-ins and their diaries and visits."""

    def __init__(self) -> None:
        self.cadre_id: UUID | None = None
        self.cadre_name = ""
        self.month = ""
        self.checked_in: set[date] = set()
        self.leave_days: dict[date, UUID] = {}
        self.absent_days: set[date] = set()

    class Started(NetworkAggregate.CreatedSetsFields):
        cadre_id: UUID
        cadre_name: str
        month: str

    class CheckedIn(NetworkAggregate.Event):
        team_id: UUID
        place: str
        lat: float | None
        lon: float | None

        def apply(self, mm: MemberMonth) -> None:
            mm.checked_in.add(self.day)

    class LeaveGranted(NetworkAggregate.Event):
        """The days of this month covered by an approved leave request."""

        leave_id: UUID
        team_id: UUID
        first_day: str
        last_day: str

        def apply(self, mm: MemberMonth) -> None:
            first, last = date.fromisoformat(self.first_day), date.fromisoformat(self.last_day)
            for day in days_between(first, last):
                mm.leave_days[day] = self.leave_id

    class FoundAbsent(NetworkAggregate.Event):
        team_id: UUID
        note: str

        def apply(self, mm: MemberMonth) -> None:
            mm.absent_days.add(self.day)

    class DiaryWritten(NetworkAggregate.Event):
        team_id: UUID
        text: str

        def apply(self, mm: MemberMonth) -> None:
            pass

    class HouseholdVisited(NetworkAggregate.Event):
        """A contact with the household, made in the team's village."""

        team_id: UUID
        household_id: UUID
        village_code: str
        note: str

        def apply(self, mm: MemberMonth) -> None:
            pass

    # -- commands -----------------------------------------------------------------------------

    @classmethod
    def start(cls, cadre: Cadre, month: str, meta: Meta) -> MemberMonth:
        return cls._create(
            cls.Started,
            id=member_month_id(cadre.id, month),
            cadre_id=cadre.id,
            cadre_name=cadre.name,
            month=month,
            **meta.event_kwargs(),
        )

    def check_in(
        self, team_id: UUID, place: str, lat: float | None, lon: float | None, meta: Meta
    ) -> None:
        day = meta.occurred_on
        self._check_not_on_leave(day, "签到", "check in")
        if day in self.checked_in:
            raise AlreadyCheckedInError(self.cadre_name, day.isoformat())
        _check_position(lat, lon)
        self.trigger_event(
            self.CheckedIn,
            team_id=team_id,
            place=place.strip(),
            lat=lat,
            lon=lon,
            **meta.event_kwargs(),
        )

    def grant_leave(
        self, leave_id: UUID, team_id: UUID, first: date, last: date, meta: Meta
    ) -> None:
        for day in days_between(first, last):
            if day in self.leave_days:
                raise LeaveConflictError(
                    self.cadre_name,
                    day.isoformat(),
                    "已在另一份批准的假期内",
                    "is already on leave",
                )
            if day in self.checked_in:
                raise LeaveConflictError(self.cadre_name, day.isoformat(), "已签到", "checked in")
        self.trigger_event(
            self.LeaveGranted,
            leave_id=leave_id,
            team_id=team_id,
            first_day=first.isoformat(),
            last_day=last.isoformat(),
            **meta.event_kwargs(),
        )

    def find_absent(self, team_id: UUID, note: str, meta: Meta) -> None:
        if meta.actor_role != INSPECTOR:
            raise WrongRoleError(meta.actor_role, "登记抽查脱岗", "record an absence", [INSPECTOR])
        day = meta.occurred_on
        self._check_not_on_leave(day, "登记脱岗", "be found absent")
        if day in self.absent_days:
            raise AlreadyFoundAbsentError(self.cadre_name, day.isoformat())
        self.trigger_event(self.FoundAbsent, team_id=team_id, note=note, **meta.event_kwargs())

    def write_diary(self, team_id: UUID, text: str, meta: Meta) -> None:
        text = written(text, "text", "民情日记不能为空", "the diary entry is empty")
        self.trigger_event(self.DiaryWritten, team_id=team_id, text=text, **meta.event_kwargs())

    def visit(
        self, team_id: UUID, household_id: UUID, village_code: str, note: str, meta: Meta
    ) -> None:
        self._check_not_on_leave(meta.occurred_on, "走访入户", "visit households")
        self.trigger_event(
            self.HouseholdVisited,
            team_id=team_id,
            household_id=household_id,
            village_code=village_code,
            note=note,
            **meta.event_kwargs(),
        )

    def _check_not_on_leave(self, day: date, what_zh: str, what_en: str) -> None:
        if day in self.leave_days:
            raise OnApprovedLeaveError(self.cadre_name, day.isoformat(), what_zh, what_en)


def _check_position(lat: float | None, lon: float | None) -> None:
    if (lat is None) != (lon is None):
        field = "lon" if lon is None else "lat"
        raise InvalidInputError(
            field,
            "经纬度应同时给出（纬度 lat 和经度 lon），或都不填",
            "give both latitude (lat) and longitude (lon), or neither",
        )
    if lat is not None and not -90 <= lat <= 90:
        raise InvalidInputError(
            "lat", "纬度应在 -90 到 90 之间", "latitude (lat) must be between -90 and 90"
        )
    if lon is not None and not -180 <= lon <= 180:
        raise InvalidInputError(
            "lon", "经度应在 -180 到 180 之间", "longitude (lon) must be between -180 and 180"
        )


class LeaveStatus(Worded):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"

    __zh__: ClassVar[dict[str, str]] = {"pending": "待审批", "approved": "批准", "rejected": "驳回"}


class LeaveRequest(NetworkAggregate):
    """A member asks for leave; whoever the length calls for approves or rejects it."""

    def __init__(self) -> None:
        self.cadre_id: UUID | None = None
        self.team_id: UUID | None = None
        self.first_day = date.min
        self.last_day = date.min
        self.tier = LeaveTier.TOWNSHIP
        self.requested_on = date.min
        self.status = LeaveStatus.PENDING
        self.decided_on: date | None = None

    class Requested(NetworkAggregate.Created):
        cadre_id: UUID
        team_id: UUID
        first_day: str
        last_day: str
        days: int
        tier: str
        rules_version: str

        def apply(self, lr: LeaveRequest) -> None:
            self.copy_to(lr, "cadre_id", "team_id")
            lr.first_day = date.fromisoformat(self.first_day)
            lr.last_day = date.fromisoformat(self.last_day)
            lr.tier = LeaveTier(self.tier)
            lr.requested_on = self.day

    class Approved(NetworkAggregate.SetsStatus):
        status = LeaveStatus.APPROVED
        day_sets = "decided_on"

    class Rejected(NetworkAggregate.SetsStatus):
        status = LeaveStatus.REJECTED
        day_sets = "decided_on"

    @classmethod
    def request(
        cls,
        leave_id: UUID,
        cadre: Cadre,
        team_id: UUID,
        first: date,
        last: date,
        rules: RuleSet,
        meta: Meta,
    ) -> LeaveRequest:
        if last < first:
            raise InvalidLeaveDatesError(first.isoformat(), last.isoformat())
        days = (last - first).days + 1
        tier = LeaveTier.TOWNSHIP if days <= rules.township_leave_max_days else LeaveTier.COUNTY
        return cls._create(
            cls.Requested,
            id=leave_id,
            cadre_id=cadre.id,
            team_id=team_id,
            first_day=first.isoformat(),
            last_day=last.isoformat(),
            days=days,
            tier=tier.value,
            rules_version=rules.version,
            **meta.event_kwargs(),
        )

    def approve(self, meta: Meta) -> None:
        self._check_decision(meta, "批准", "approve")
        self.trigger_event(self.Approved, **meta.event_kwargs())

    def reject(self, meta: Meta) -> None:
        self._check_decision(meta, "驳回", "reject")
        self.trigger_event(self.Rejected, **meta.event_kwargs())

    def _check_decision(self, meta: Meta, what_zh: str, what_en: str) -> None:
        if self.decided_on is not None:
            raise LeaveAlreadyDecidedError(
                self.status.zh, self.status.value, self.decided_on.isoformat()
            )
        check_within("这份请假申请", "the leave request", meta.occurred_on, self.requested_on, None)
        if meta.actor_role not in self.tier.approvers:
            raise WrongRoleError(
                meta.actor_role,
                f"{what_zh}{self.tier.zh}审批的请假",
                f"{what_en} leave that the {self.tier} approves",
                self.tier.approvers,
            )

    def months(self) -> list[tuple[str, date, date]]:
        """The months the leave touches, each with its first and last day of leave."""
        out: list[tuple[str, date, date]] = []
        for day in days_between(self.first_day, self.last_day):
            key = month_key(day)
            if out and out[-1][0] == key:
                out[-1] = (key, out[-1][1], day)
            else:
                out.append((key, day, day))
        return out
