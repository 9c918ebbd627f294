"""The village work ledger's forms as data, one per ledger command, on a village's ledger page:
the command each sends, who may (the command's roles, app/jurisdiction.py) and its fields.
They run through the recording forms' machinery (web/records.py): the page's village is the
command's ``village``, the account is its actor, and the domain refuses."""

from __future__ import annotations

from app.jurisdiction import COMMAND_ROLES
from web.i18n import N_
from web.record_forms import Field, FormSpec

VILLAGE = ("village",)
THE_VILLAGE = {"village": "the page's village"}


def _form(
    name: str,
    title: str,
    fields: tuple[Field, ...],
    reason: str,
    on_village: bool = True,
) -> FormSpec:
    command = name.replace("-", "_")
    return FormSpec(
        name,
        command,
        title,
        COMMAND_ROLES[command],
        "ledger",
        fields,
        reason,
        VILLAGE,
        extra=THE_VILLAGE if on_village else {},
    )


def _money(name: str, label: str) -> Field:
    return Field(name, label, "money", hint=N_("yuan, e.g. 12345.67"))


def _people(name: str, label: str) -> Field:
    return Field(name, label, "number", required=False)


PLAN_ITEM = Field("item", N_("Plan item"), "select", "approved_items", sends=("plan", "item"))
MEASURE = Field("measure", N_("Measure"), "select", "measures")
GOAL = Field("goal", N_("Goal"), "select", "set_goals")
SOURCE = Field("source", N_("Source"), "select", "funding_sources")
ITEMS = Field(
    "items",
    N_("Items"),
    "rows",
    columns=(
        Field("key", N_("Key"), hint=N_("A1, B2…")),
        Field("text", N_("What it aims at")),
        Field("category", N_("Category"), "select", "measure_categories"),
    ),
)

LEDGER_FORMS: dict[str, FormSpec] = {
    f.name: f
    for f in (
        # -- the survey (摸底排查) -------------------------------------------------------------
        _form(
            "register-village-form",
            N_("Fill in the registration form"),
            (
                Field("committee_size", N_("Members of the two committees"), "number"),
                Field(
                    "secretary",
                    N_("Party secretary"),
                    required=False,
                    hint=N_("empty while the post is vacant"),
                ),
                Field("assessment", N_("The two committees are"), "select", "assessments"),
                _money("collective_income", N_("Collective income a year")),
                _money("collective_assets", N_("Collective assets")),
                _money("collective_debts", N_("Collective debts")),
                _money("per_capita_income", N_("Per-capita net income")),
                Field("main_problems", N_("Main problems"), "textarea"),
            ),
            N_("Survey: the registration form"),
        ),
        _form(
            "set-survey-period",
            N_("Set the days of the survey"),
            (
                Field("first_day", N_("First day"), "date"),
                Field("last_day", N_("Last day"), "date"),
            ),
            N_("Survey period"),
        ),
        _form(
            "record-survey-tables",
            N_("Count tables and questionnaires"),
            (
                Field("kind", N_("Kind"), "select", "table_kinds"),
                Field("handed_out", N_("Handed out"), "number"),
                Field("returned", N_("Returned"), "number"),
            ),
            N_("Survey: tables and questionnaires"),
        ),
        _form(
            "hold-symposium",
            N_("Record a symposium"),
            (
                Field("topic", N_("Topic")),
                _people("township_leaders", N_("Township leaders")),
                _people("committee_members", N_("Members of the two committees")),
                _people("party_members", N_("Party members")),
                _people("villager_representatives", N_("Villager representatives")),
                Field(
                    "collective_consultation",
                    N_("A collective consultation on the causes of poverty"),
                    "check",
                    required=False,
                ),
            ),
            N_("Survey: symposium"),
        ),
        _form(
            "hold-interview",
            N_("Record an interview"),
            (
                Field("interviewee", N_("Interviewee")),
                Field("interviewee_category", N_("Who they are"), "select", "interviewees"),
                Field("interviewer", N_("Interviewer")),
                Field("note", N_("Note"), "textarea", required=False),
            ),
            N_("Survey: individual interview"),
        ),
        _form(
            "collect-opinion",
            N_("Record an opinion"),
            (
                Field("text", N_("Opinion or suggestion"), "textarea"),
                Field("source", N_("Collected through"), "select", "opinion_sources"),
                Field("category", N_("About"), "select", "opinion_categories"),
            ),
            N_("Survey: opinion collected"),
        ),
        _form(
            "record-survey-problem",
            N_("Record a problem found"),
            (
                Field("description", N_("Problem"), "textarea"),
                Field("root_cause", N_("Root cause of poverty"), "select", "root_causes"),
                Field(
                    "root_cause_text",
                    N_("The root cause in words"),
                    required=False,
                    hint=N_("needed when the root cause is 'other'"),
                ),
                Field(
                    "opinions",
                    N_("From the opinions"),
                    "many",
                    "opinions",
                    required=False,
                ),
            ),
            N_("Survey: problem found"),
        ),
        # -- plans (帮扶规划) -----------------------------------------------------------------
        _form(
            "draft-plan",
            N_("Draft a plan"),
            (
                Field("kind", N_("Kind of plan"), "select", "plan_kinds"),
                Field("year", N_("Year"), "number"),
                Field("title", N_("Title")),
                Field("drafted_by", N_("Drafted by")),
                ITEMS,
            ),
            N_("Plan drafted"),
        ),
        _form(
            "revise-plan",
            N_("Revise a plan"),
            (
                Field("plan", N_("Plan"), "select", "plans"),
                Field("title", N_("Title")),
                Field("revised_by", N_("Revised by")),
                ITEMS,
            ),
            N_("Plan revised"),
            on_village=False,
        ),
        _form(
            "approve-plan",
            N_("Approve a plan"),
            (
                Field("plan", N_("Plan"), "select", "plans_to_approve"),
                Field("approver", N_("Approved by"), hint=N_("the official's name")),
                Field("approver_unit", N_("For"), "select", "approver_units"),
            ),
            N_("Plan approved"),
            on_village=False,
        ),
        # -- measures (帮扶措施) --------------------------------------------------------------
        _form(
            "plan-measure",
            N_("Plan a measure"),
            (
                PLAN_ITEM,
                Field("title", N_("Measure")),
                Field("responsible", N_("Responsible")),
                Field("due_on", N_("Due on"), "day"),
                _money("budget", N_("Budget")),
                Field("sources", N_("Funding sources"), "many", "funding_sources", required=False),
            ),
            N_("Measure planned"),
        ),
        _form(
            "set-measure-status",
            N_("Move a measure on"),
            (
                MEASURE,
                Field("status", N_("Status"), "select", "next_statuses"),
                Field(
                    "because",
                    N_("Why"),
                    required=False,
                    hint=N_("needed when the measure is dropped"),
                ),
            ),
            N_("Measure status"),
            on_village=False,
        ),
        _form(
            "note-measure-progress",
            N_("Note a measure's progress"),
            (MEASURE, Field("note", N_("Progress"), "textarea")),
            N_("Measure progress"),
            on_village=False,
        ),
        # -- responsibility letters (工作目标责任书) ---------------------------------------------
        _form(
            "sign-responsibility-letter",
            N_("Record a responsibility letter"),
            (
                Field(
                    "team",
                    N_("Dispatching unit and its team"),
                    "select",
                    "serving_teams",
                    sends=("unit", "team"),
                ),
                Field("unit_signatory", N_("Signed for the unit by")),
                Field("village_signatory", N_("Signed for the village by")),
                Field("term_starts_on", N_("Term starts on"), "day"),
                Field("term_ends_on", N_("Term ends on"), "day"),
                Field(
                    "targets",
                    N_("Targets"),
                    "rows",
                    columns=(
                        Field("text", N_("Target")),
                        Field(
                            "item",
                            N_("Plan item"),
                            "select",
                            "plan_items",
                            sends=("plan", "item"),
                        ),
                    ),
                ),
            ),
            N_("Responsibility letter signed"),
        ),
        # -- duties and the 六有 goals ---------------------------------------------------------
        _form(
            "set-six-have-goal",
            N_("Set a goal of the six haves"),
            (
                Field("goal", N_("Goal"), "select", "six_haves"),
                Field("target", N_("Target"), "textarea"),
            ),
            N_("Six haves: goal set"),
        ),
        _form(
            "add-six-have-evidence",
            N_("Add evidence for a goal"),
            (
                GOAL,
                Field("title", N_("Document title")),
                Field("kind", N_("Kind of document"), "select", "evidence_kinds"),
                Field("dated", N_("Document dated"), "date"),
                Field(
                    "file",
                    N_("File"),
                    "file",
                    hint=N_("kept once by its content; never edited in place"),
                ),
            ),
            N_("Six haves: evidence"),
        ),
        _form(
            "judge-six-have-goal",
            N_("Judge a goal's status"),
            (
                GOAL,
                Field("status", N_("Status"), "select", "goal_statuses"),
                Field("judged_by", N_("Judged by"), hint=N_("the official's name")),
                Field("judge_unit", N_("For"), "select", "approver_units"),
                Field("note", N_("Note"), "textarea", required=False),
            ),
            N_("Six haves: status judged"),
        ),
        # -- four-source funding (四位一体资金) --------------------------------------------------
        _form(
            "allocate-funds",
            N_("Record an allocation"),
            (
                SOURCE,
                _money("amount", N_("Amount")),
                Field("voucher", N_("Voucher number")),
                Field("allocated_by", N_("Allocated by")),
                Field("document", N_("Document number"), required=False),
                Field(
                    "plan",
                    N_("Plan"),
                    "select",
                    "plans",
                    required=False,
                    hint=N_("the plan the funds are for, or the measure's"),
                ),
                Field("measure", N_("Measure"), "select", "measures", required=False),
            ),
            N_("Funds allocated"),
        ),
        _form(
            "record-expenditure",
            N_("Record an expenditure"),
            (
                SOURCE,
                _money("amount", N_("Amount")),
                Field("voucher", N_("Voucher number")),
                MEASURE,
                Field("payee", N_("Paid to")),
                Field("purpose", N_("Purpose")),
            ),
            N_("Funds spent"),
        ),
        _form(
            "reverse-fund-entry",
            N_("Reverse an entry"),
            (
                Field(
                    "entry",
                    N_("Entry"),
                    "select",
                    "fund_entries",
                    sends=("source", "voucher"),
                ),
                Field("because", N_("Why")),
            ),
            N_("Fund entry reversed"),
        ),
    )
}
