"""The ledger's refusals: a table of the same shape as ``domain/errors.py`` (code, field,
arguments, zh and en templates), printed with it in docs/errors.md
(``python -m domain.catalogue``)."""

from __future__ import annotations

from domain.errors import invalid, missing, name_rows, rule

# fmt: off

# -- the survey (摸底排查) ----------------------------------------------------------------------

ReturnedMoreThanHandedOutError = rule("returned_more_than_handed_out", "returned",
    "returned handed_out kind_zh kind_en",
    "收回的{kind_zh} {returned} 份多于发出的 {handed_out} 份",
    "{returned} {kind_en} returned is more than the {handed_out} handed out")

SymposiumWithoutParticipantsError = rule("symposium_without_participants", "participants", "",
    "座谈会至少要有一位参加者：请填写各类参加人数",
    "a symposium has at least one participant: give the number of each category who took part")

InvalidSurveyPeriodError = invalid("invalid_survey_period", "last_day", "first_day last_day",
    "摸底排查的最后一天 {last_day} 早于第一天 {first_day}",
    "the survey's last day {last_day} is before its first day {first_day}")

OpinionNotFoundError = missing("opinion_not_found", "opinions", "opinion_id field",
    "找不到意见 {opinion_id}",
    "no opinion {opinion_id}")

OpinionOfOtherVillageError = rule("opinion_of_other_village", "opinions",
    "opinion_id village other_village",
    "意见 {opinion_id} 是在村 {other_village} 收集的，不是村 {village} 的意见",
    "opinion {opinion_id} was collected in village {other_village}, not in village {village}")

SurveyProblemNotFoundError = missing("survey_problem_not_found", "problems", "problem_id field",
    "找不到排查出的问题 {problem_id}",
    "no problem found by a survey with id {problem_id}")

ProblemOfOtherVillageError = rule("problem_of_other_village", "problems",
    "problem_id village other_village",
    "问题 {problem_id} 是村 {other_village} 排查出的，不是村 {village} 的问题",
    "problem {problem_id} was found in village {other_village}, not in village {village}")

RootCauseUnexplainedError = rule("root_cause_unexplained", "root_cause_text", "",
    "致贫根源为“其他”（other）时，请写明是什么根源（root_cause_text）",
    "a root cause of 'other' needs the cause in words (root_cause_text)")
# fmt: on

name_rows(globals())
