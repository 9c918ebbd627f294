"""Reads are audited too: who exported which data, and who looked at a household's personal
data. Each access is one small aggregate with a single event, recorded like any other."""

from __future__ import annotations

from uuid import UUID

from domain.base import Meta, NetworkAggregate
from domain.errors import WrongRoleError

# Roles that may see identity numbers unmasked (docs/audit.md). Everyone else sees them
# masked; every unmasked view is itself recorded as a PersonalDataViewed event.
UNMASK_ROLES = frozenset({"city_admin", "auditor"})


def check_may_unmask(role: str) -> None:
    if role not in UNMASK_ROLES:
        raise WrongRoleError(
            role, "查看完整的身份证号", "see identity numbers in full", sorted(UNMASK_ROLES)
        )


class DataAccess(NetworkAggregate):
    """One read of the recorded data that left the system or showed personal data."""

    def __init__(self) -> None:
        self.what = ""

    class Access(NetworkAggregate.Created):
        what: str  # e.g. "audit log", "household page"

        def apply(self, a: DataAccess) -> None:
            a.what = self.what

    class Exported(Access):
        format: str  # "xlsx", "csv", "json"
        target: str  # the file written
        filters: dict[str, str]  # the filters used, as given
        rows: int
        unmasked: bool  # identity numbers shown in full

    class PersonalDataViewed(Access):
        household_id: UUID | None  # the household looked at, when it was one
        entries: int  # how many entries (rows, records) were shown
        unmasked: bool
        scope: dict[str, str]  # filters or page, as given

    @classmethod
    def exported(
        cls,
        access_id: UUID,
        what: str,
        format: str,
        target: str,
        filters: dict[str, str],
        rows: int,
        unmasked: bool,
        meta: Meta,
    ) -> DataAccess:
        return cls._create(
            cls.Exported,
            id=access_id,
            what=what,
            format=format,
            target=target,
            filters=dict(filters),
            rows=rows,
            unmasked=unmasked,
            **meta.event_kwargs(),
        )

    @classmethod
    def personal_data_viewed(
        cls,
        access_id: UUID,
        what: str,
        household_id: UUID | None,
        entries: int,
        unmasked: bool,
        scope: dict[str, str],
        meta: Meta,
    ) -> DataAccess:
        if unmasked:
            check_may_unmask(meta.actor_role)
        return cls._create(
            cls.PersonalDataViewed,
            id=access_id,
            what=what,
            household_id=household_id,
            entries=entries,
            unmasked=unmasked,
            scope=dict(scope),
            **meta.event_kwargs(),
        )
