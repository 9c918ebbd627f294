"""Use cases of the survey (摸底排查): the registration form, the survey's activities, the
opinions collected and the problems found."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from uuid import UUID

from app.ledger.use_case import LedgerUseCase
from domain.base import Meta
from domain.ledger.errors import (
    OpinionNotFoundError,
    SurveyActivityNotFoundError,
    SurveyProblemNotFoundError,
)
from domain.ledger.findings import (
    Opinion,
    OpinionCategory,
    OpinionSource,
    RootCause,
    SurveyProblem,
)
from domain.ledger.survey import (
    IntervieweeCategory,
    ParticipantCategory,
    RegistrationForm,
    TableKind,
    VillageSurvey,
    village_survey_id,
)
from domain.villages import VillageProfile


class Survey(LedgerUseCase):
    # -- lookups ------------------------------------------------------------------------------

    def survey(self, village_code: str, meta: Meta) -> VillageSurvey:
        """The village's survey, started by the first thing recorded of it."""
        village = self.network.unit(village_code, "village")
        return self.uow.find_or_add(
            VillageSurvey,
            village_survey_id(village_code),
            lambda: VillageSurvey.start(village, meta),
        )

    def opinion(self, oid: UUID, field: str = "opinions") -> Opinion:
        return self.uow.get(Opinion, oid, lambda: OpinionNotFoundError(str(oid), field))

    def problem(self, pid: UUID, field: str = "problems") -> SurveyProblem:
        return self.uow.get(SurveyProblem, pid, lambda: SurveyProblemNotFoundError(str(pid), field))

    def problems(self, ids: Sequence[UUID]) -> list[SurveyProblem]:
        return [self.problem(pid) for pid in ids]

    # -- the registration form and the survey's activities ------------------------------------

    def register_form(
        self, village_code: str, form: RegistrationForm, meta: Meta
    ) -> dict[str, object]:
        village = self.network.unit(village_code, "village")
        revision = self.survey(village_code, meta).register_form(village, form, meta)
        return {"village": village_code, "revision": revision}

    def set_period(
        self, village_code: str, first: date, last: date, meta: Meta
    ) -> dict[str, object]:
        village = self.network.unit(village_code, "village")
        self.survey(village_code, meta).set_period(village, first, last, meta)
        return {
            "village": village_code,
            "first_day": first.isoformat(),
            "last_day": last.isoformat(),
        }

    def record_tables(
        self, village_code: str, kind: TableKind, handed_out: int, returned: int, meta: Meta
    ) -> dict[str, object]:
        village = self.network.unit(village_code, "village")
        survey = self.survey(village_code, meta)
        survey.record_tables(village, kind, handed_out, returned, meta)
        return {
            "village": village_code,
            "activity": survey.version,
            "kind": kind.value,
            "returned": returned,
        }

    def hold_symposium(
        self,
        village_code: str,
        participants: dict[ParticipantCategory, int],
        collective_consultation: bool,
        topic: str,
        meta: Meta,
    ) -> dict[str, object]:
        village = self.network.unit(village_code, "village")
        survey = self.survey(village_code, meta)
        survey.hold_symposium(village, participants, collective_consultation, topic, meta)
        return {
            "village": village_code,
            "activity": survey.version,
            "participants": sum(participants.values()),
        }

    def hold_interview(
        self,
        village_code: str,
        interviewee: str,
        category: IntervieweeCategory,
        interviewer: str,
        note: str,
        meta: Meta,
    ) -> dict[str, object]:
        village = self.network.unit(village_code, "village")
        survey = self.survey(village_code, meta)
        survey.hold_interview(village, interviewee, category, interviewer, note, meta)
        return {"village": village_code, "activity": survey.version, "interviewee": interviewee}

    def withdraw_activity(
        self, village_code: str, activity: int, note: str, meta: Meta
    ) -> dict[str, object]:
        """Withdraw a wrong activity of the village's survey (ADR 034): as known from now on
        it counts on no day."""
        village = self.network.unit(village_code, "village")
        VillageProfile.check_village(village, meta.occurred_on)
        survey = self.uow.find(VillageSurvey, village_survey_id(village_code))
        if survey is None:
            raise SurveyActivityNotFoundError(activity, village_code)
        kind = survey.withdraw_activity(village, activity, note, meta)
        return {"village": village_code, "activity": activity, "kind": kind.value}

    # -- what the survey found ----------------------------------------------------------------

    def collect_opinion(
        self,
        village_code: str,
        text: str,
        source: OpinionSource,
        category: OpinionCategory,
        meta: Meta,
        opinion_id: UUID | None = None,
    ) -> dict[str, object]:
        oid = self.uow.new_id(opinion_id, "意见", "opinion")
        village = self.network.unit(village_code, "village")
        self.survey(village_code, meta)
        self.uow.add(Opinion.collect(oid, village, text, source, category, meta))
        return {"opinion": str(oid)}

    def record_problem(
        self,
        village_code: str,
        description: str,
        root_cause: RootCause,
        root_cause_text: str,
        opinion_ids: Sequence[UUID],
        meta: Meta,
        problem_id: UUID | None = None,
    ) -> dict[str, object]:
        pid = self.uow.new_id(problem_id, "问题", "problem")
        village = self.network.unit(village_code, "village")
        opinions = [self.opinion(oid) for oid in opinion_ids]
        self.survey(village_code, meta)
        problem = SurveyProblem.find(
            pid, village, description, root_cause, root_cause_text, opinions, meta
        )
        self.uow.add(problem)
        return {"problem": str(pid), "root_cause": root_cause.value}
