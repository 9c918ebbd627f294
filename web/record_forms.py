"""The recording forms as data: for each, the ordinary ``apply`` command it sends, who may use
it, where (a unit's page or a team's), and its fields. The rules stay in the domain: a form
only gathers the command's arguments."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.jurisdiction import COMMAND_ROLES
from domain.accounts import Role
from web.i18n import N_

# Who may use a form is who may send its command (app/jurisdiction.py): one table for
# every path, so the forms offered and the commands accepted cannot drift apart.
NETWORK = COMMAND_ROLES["register_household"]
TEAM_WORK = COMMAND_ROLES["check_in"]
DECIDERS = COMMAND_ROLES["approve_leave"]
INSPECTORS = COMMAND_ROLES["record_absence"]
EVALUATORS = COMMAND_ROLES["record_evaluation"]
SPOT_CHECKERS = COMMAND_ROLES["record_spot_check"]
REPORTERS = COMMAND_ROLES["submit_written_report"]
VILLAGE_LEVELS = ("village", "group")
ANY_LEVEL = ("city", "county", "township", "village", "group")


@dataclass(frozen=True)
class Field:
    name: str  # the command's argument
    label: str  # English, translated on the page
    # text, textarea, number, decimal, money (yuan, sent as typed), date (not after today),
    # day (any day: a due date, a term's end), select, code, check (a yes), many (a list of
    # the choices ticked), rows (a list of objects, one per row of ``columns``), file (an
    # upload: the page's own ``prepare`` step keeps it and sends what cites it)
    kind: str = "text"
    choices: str = ""  # where a select's options come from (web/records.py CHOICES)
    required: bool = True
    hint: str = ""
    # A select whose option stands for several arguments ("<plan>|<item>"): their names. A
    # refusal naming any of them is shown beside this field.
    sends: tuple[str, ...] = ()
    columns: tuple[Field, ...] = ()  # rows: the fields of one row (one object)
    # Filled in with the page's unit when the form is opened from a villager group's page.
    group_page: bool = False
    # Not repeated in the message after saving (personal data: an identity number).
    private: bool = False


@dataclass(frozen=True)
class FormSpec:
    name: str  # in the URL
    command: str  # the apply command; "decide_leave" chooses approve or reject
    title: str
    roles: frozenset[Role]
    scope: str  # "unit" or "team"
    fields: tuple[Field, ...]
    reason: str  # the default reason, English (translated)
    levels: tuple[str, ...] = ANY_LEVEL
    today_only: bool = False  # the day is today, not asked
    extra: dict[str, str] = field(default_factory=dict)
    # A refusal naming an argument no field sends (the command's ``cadre`` of a list of
    # cadres): beside which of the fields named ("cadre": "present absent"), the one holding
    # the cadre the refusal names, else the first.
    beside: dict[str, str] = field(default_factory=dict)


HOUSEHOLD = Field("household", N_("Household"), "select", "households")
PARTY_MEMBER = Field("party_member", N_("Party member"), "select", "party_members")
CADRE = Field("cadre", N_("Team member"), "select", "members")

FORMS: dict[str, FormSpec] = {
    f.name: f
    for f in (
        FormSpec(
            "register-household",
            "register_household",
            N_("Register a household"),
            NETWORK,
            "unit",
            (
                Field("group", N_("Villager group"), "select", "groups", group_page=True),
                Field("head_name", N_("Head of household")),
                Field("members", N_("Members"), "number"),
                Field(
                    "id_number",
                    N_("Head's identity number"),
                    hint=N_("18 characters"),
                    private=True,
                ),
            ),
            N_("Household registration"),
            VILLAGE_LEVELS,
        ),
        FormSpec(
            "move-household",
            "move_household",
            N_("Move a household to another group"),
            NETWORK,
            "unit",
            (HOUSEHOLD, Field("group", N_("New villager group"), "code", "groups")),
            N_("Household moved"),
            VILLAGE_LEVELS,
        ),
        FormSpec(
            "party-member-joined",
            "party_member_joined",
            N_("A party member joined"),
            NETWORK,
            "unit",
            (Field("name", N_("Name")), HOUSEHOLD),
            N_("Party membership transferred in"),
            VILLAGE_LEVELS,
        ),
        FormSpec(
            "party-member-transferred-out",
            "party_member_transferred_out",
            N_("A party member transferred out"),
            NETWORK,
            "unit",
            (PARTY_MEMBER, Field("destination", N_("Destination"), required=False)),
            N_("Party membership transferred out"),
            VILLAGE_LEVELS,
        ),
        FormSpec(
            "party-member-died",
            "party_member_died",
            N_("A party member died"),
            NETWORK,
            "unit",
            (PARTY_MEMBER,),
            N_("Death of a party member"),
            VILLAGE_LEVELS,
        ),
        FormSpec(
            "designate-central-household",
            "designate_central_household",
            N_("Designate a central household"),
            NETWORK,
            "unit",
            # Only a party member who is not a central household's already.
            (Field("party_member", N_("Party member"), "select", "undesignated_party_members"),),
            N_("Central household designated"),
            VILLAGE_LEVELS,
        ),
        FormSpec(
            "link-household",
            "link_household",
            N_("Link a household"),
            NETWORK,
            "unit",
            (
                # Only a household not linked yet (and not itself a central household).
                Field("household", N_("Household"), "select", "unlinked_households"),
                Field("central_household", N_("Central household"), "select", "central_households"),
            ),
            N_("Household linked to a central household"),
            VILLAGE_LEVELS,
        ),
        FormSpec(
            "unlink-household",
            "unlink_household",
            N_("Unlink a household"),
            NETWORK,
            "unit",
            (Field("household", N_("Household"), "select", "linked_households"),),
            N_("Household unlinked"),
            VILLAGE_LEVELS,
        ),
        FormSpec(
            "open-site",
            "open_site",
            N_("Open a service site"),
            NETWORK,
            "unit",
            (
                Field("kind", N_("Kind of site"), "select", "site_kinds"),
                Field("name", N_("Name"), required=False),
            ),
            N_("Service site opened"),
            extra={"unit": "the page's unit"},
        ),
        FormSpec(
            "assign-site-responsible",
            "assign_site_responsible",
            N_("Assign the person responsible for the site"),
            NETWORK,
            "unit",
            (
                Field("name", N_("Name"), required=False),
                Field(
                    "party_member", N_("Party member"), "select", "party_members", required=False
                ),
            ),
            N_("Responsible person assigned"),
            extra={"unit": "the page's unit"},
        ),
        FormSpec(
            "close-site",
            "close_site",
            N_("Close the service site"),
            NETWORK,
            "unit",
            (),
            N_("Service site closed"),
            extra={"unit": "the page's unit"},
        ),
        FormSpec(
            "check-in",
            "check_in",
            N_("Check in today"),
            TEAM_WORK,
            "team",
            (
                CADRE,
                Field("place", N_("Place"), required=False, hint=N_("optional")),
                Field("lat", N_("Latitude"), "decimal", required=False, hint=N_("−90 to 90")),
                Field("lon", N_("Longitude"), "decimal", required=False, hint=N_("−180 to 180")),
            ),
            N_("Daily check-in"),
            today_only=True,
        ),
        FormSpec(
            "request-leave",
            "request_leave",
            N_("Ask for leave"),
            TEAM_WORK,
            "team",
            (
                CADRE,
                Field("first_day", N_("First day"), "date"),
                Field("last_day", N_("Last day"), "date"),
            ),
            N_("Leave request"),
        ),
        FormSpec(
            "decide-leave",
            "decide_leave",
            N_("Approve or reject leave"),
            DECIDERS,
            "team",
            (
                Field("leave", N_("Leave request"), "select", "pending_leave"),
                Field("decision", N_("Decision"), "select", "decisions"),
            ),
            N_("Leave decided"),
            extra={"approve": "approve_leave", "reject": "reject_leave"},
        ),
        FormSpec(
            "write-diary",
            "write_diary",
            N_("Write a diary entry"),
            TEAM_WORK,
            "team",
            (CADRE, Field("text", N_("Diary entry"), "textarea")),
            N_("Work diary"),
        ),
        FormSpec(
            "visit-household",
            "visit_household",
            N_("Record a household visit"),
            TEAM_WORK,
            "team",
            (
                CADRE,
                HOUSEHOLD,
                Field("note", N_("What was discussed"), "textarea", required=False),
            ),
            N_("Household visit"),
        ),
        FormSpec(
            "record-evaluation",
            "record_evaluation",
            N_("Record the village meeting's evaluation of the team's report"),
            EVALUATORS,
            "team",
            (
                Field("year", N_("Year reported on"), "number"),
                Field("attendance", N_("Attendance"), "number"),
                Field("satisfied", N_("Votes: satisfied"), "number"),
                Field("basically_satisfied", N_("Votes: basically satisfied"), "number"),
                Field("dissatisfied", N_("Votes: dissatisfied"), "number"),
            ),
            N_("Evaluation of the team's report by the village meeting"),
            # The command's ``team`` is the page's team; its ``votes`` the three counts.
            extra={
                "team": "the page's team",
                "votes": "satisfied basically_satisfied dissatisfied",
            },
        ),
        FormSpec(
            "record-absence",
            "record_absence",
            N_("Record an absence found on a spot check"),
            INSPECTORS,
            "team",
            (CADRE, Field("note", N_("What was found"), "textarea", required=False)),
            N_("Spot check"),
        ),
        FormSpec(
            "record-spot-check",
            "record_spot_check",
            N_("Record an unannounced spot check"),
            SPOT_CHECKERS,
            "team",
            (
                Field("inspectors", N_("Inspectors"), "many", "inspectors"),
                Field("present", N_("Members found present"), "many", "members", required=False),
                Field("absent", N_("Members found absent"), "many", "members", required=False),
                Field("findings", N_("Findings"), "textarea", required=False),
            ),
            N_("Unannounced spot check"),
            # The command's ``team`` is the page's team.
            extra={"team": "the page's team"},
            beside={"cadre": "present absent"},
        ),
    )
}

# 述职评议's written report, on the team's assessments page (web/assessments.py): its own
# route, as its document is uploaded and kept by its hash before the command cites it.
WRITTEN_REPORT = FormSpec(
    "submit-written-report",
    "submit_written_report",
    N_("Record the team's written report"),
    REPORTERS,
    "team",
    (
        Field("year", N_("Year reported on"), "number"),
        Field("bodies", N_("Submitted to"), "many", "report_bodies"),
        Field("title", N_("Title")),
        # The command cites the uploaded bytes' SHA-256: its refusals are shown here.
        Field("file", N_("Report document"), "file", sends=("document_sha256",)),
    ),
    N_("Written report of the team's year"),
    extra={"team": "the page's team"},
)

REPORT_BODIES = {
    "dispatching_unit": N_("Dispatching unit"),
    "organisation_department": N_("Organisation department"),
    "poverty_office": N_("Poverty-relief office"),
}

SITE_KINDS = {
    "centre": N_("Convenience service centre"),
    "station": N_("Service station"),
    "point": N_("Service point"),
}
DECISIONS = {"approve": N_("Approve"), "reject": N_("Reject")}
