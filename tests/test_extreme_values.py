"""No poison events: every command fed the largest and strangest values its definition allows
(domain/fields.py) is stored, and then every query, the audit log, a checksum and a rebuild
still work on both engines; one character or one unit more is refused by the field's label,
and writes nothing. The read models' columns are sized from the same definitions."""

from __future__ import annotations

import json
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import String

from app.bootstrap import BatchRefused, Zhucun
from app.cli.main import cli
from domain import fields
from projections import tables
from projections.coverage import tables as coverage_tables
from projections.teams import tables as team_tables
from tests.builders import apply, cmd, id_number

CITY, COUNTY, TOWN, VILLAGE = "210500", "210521", "210521100", "210521100201"
GROUP = VILLAGE + "001"
CADRE, TEAM, HH, PM = (f"00000000-0000-0000-00{k}-000000000001" for k in ("02", "03", "00", "01"))

# Allowed, and hard to store: 4-byte characters, combining marks, right-to-left letters,
# quotes, backslashes, percent and markup.
ODD = "𠀀x\u0334ب'\"\\%<b>_"  # x with a combining overlay: no precomposed form


def longest(n: int, multiline: bool = False) -> str:
    unit = ODD + ("\n\t" if multiline else "")
    return (unit * (n // len(unit) + 1))[:n].strip() or "x"


def full(n: int, multiline: bool = False) -> str:
    """Exactly ``n`` characters after trimming: the longest text a field takes."""
    text = longest(n, multiline)
    return text + "字" * (n - len(text))


ACTOR = full(fields.ACTOR_MAX)
UNIT_CODE = "X-" + "9" * (fields.CODE_MAX - 2)  # a dispatching unit's code: letters, digits, -
REASON = full(fields.LONG_TEXT_MAX, multiline=True)


def line(
    command: str, on: str = "2014-06-01", role: str = "operator", **args: Any
) -> dict[str, Any]:
    return cmd(command, on=on, actor=ACTOR, role=role, reason=REASON, **args)


def extreme_store(z: Zhucun) -> None:
    unit_name, person = full(fields.UNIT_NAME_MAX), full(fields.PERSON_NAME_MAX)
    opened = "1900-01-01"
    apply(
        z,
        line("open_unit", on=opened, code=CITY, name=unit_name, level="city"),
        line("open_unit", on=opened, code=COUNTY, name=unit_name, level="county", parent=CITY),
        line("open_unit", on=opened, code=TOWN, name=unit_name, level="township", parent=COUNTY),
        line("open_unit", on=opened, code=VILLAGE, name=unit_name, level="village", parent=TOWN),
        line("open_unit", on=opened, code=GROUP, name=unit_name, level="group", parent=VILLAGE),
        line("declare_poor_village", on="2014-01-01", unit=VILLAGE),
        line("open_site", unit=VILLAGE, kind="station"),  # named after its unit: longer still
        line("open_site", unit=GROUP, kind="point", name=unit_name),
        line(
            "register_household",
            group=GROUP,
            head_name=person,
            members=fields.MEMBERS_MAX,
            id_number=id_number(9),
            id=HH,
        ),
        line("party_member_joined", name=person, household=HH, id=PM),
        line("designate_central_household", party_member=PM),
        line("assign_site_responsible", unit=GROUP, name=person),
        line(
            "register_dispatching_unit",
            on="2014-01-01",
            code=UNIT_CODE,
            name=unit_name,
            level="city",
            sector="agriculture",
        ),
        line(
            "register_cadre",
            on="2014-01-01",
            name=person,
            unit=UNIT_CODE,
            rank="deputy_division",
            party_member=True,
            id=CADRE,
        ),
        line(
            "classify_village",
            on="2014-05-01",
            village=VILLAGE,
            problem="weak_committees",
            finding=full(fields.LONG_TEXT_MAX, multiline=True),
        ),
        line("dispatch_team", unit=UNIT_CODE, village=VILLAGE, id=TEAM),
        line("join_team", team=TEAM, cadre=CADRE, as_leader=True),
        line("extend_team_term", on="2014-06-02", team=TEAM, until="2199-12-31"),
    )
    on = "2016-12-30"
    apply(
        z,
        line("check_in", on=on, cadre=CADRE, place=full(fields.SHORT_TEXT_MAX), lat=90, lon=-180),
        line("write_diary", on=on, cadre=CADRE, text=full(fields.DIARY_MAX, multiline=True)),
        line("visit_household", on=on, cadre=CADRE, household=HH, note=REASON),
        line("record_absence", on="2016-12-29", role="inspector", cadre=CADRE, note=REASON),
        line("request_leave", on=on, cadre=CADRE, first_day="2016-12-31", last_day="2016-12-31"),
        line("party_member_transferred_out", on=on, party_member=PM, destination=full(200)),
        line("record_correction", on=on, position=1, note=REASON),
    )


QUERIES = [
    ["summary", "--unit", CITY, "--json"],
    ["coverage", "--unit", CITY, "--json"],
    ["coverage", "--unit", VILLAGE, "--households", "--json"],
    ["coverage", "--unit", CITY, "--as-of", "1900-01-01", "--json"],
    ["coverage", "--unit", CITY, "--as-known-at", "2017-01-01", "--json"],
    ["gaps", "--unit", CITY, "--json"],
    ["teams", "--unit", CITY, "--json"],
    ["residency", "--unit", CITY, "--month", "2016-12", "--json"],
    ["residency", "--team", TEAM, "--month", "2016-12", "--json"],
    ["history", "--unit", GROUP, "--json"],
    ["history", "--id", HH, "--json"],
    ["history", "--team", TEAM, "--json"],
    ["history", "--cadre", CADRE, "--json"],
    ["audit", "log", "--json"],
    ["audit", "log", "--person", ACTOR[:20], "--json"],
    ["audit", "log", "--unit", VILLAGE, "--csv"],
    ["audit", "verify", "--json"],
    ["projections", "status", "--json"],
    ["projections", "checksum"],
]


def test_the_largest_and_strangest_allowed_values_leave_every_query_and_a_rebuild_working(
    zhucun: Zhucun, db_url: str
) -> None:
    extreme_store(zhucun)
    runner = CliRunner()

    def run(*args: str) -> str:
        result = runner.invoke(cli, ["--db", db_url, *args], catch_exceptions=True)
        assert result.exit_code == 0, (args, result.output[-2000:], result.exception)
        assert "Traceback" not in result.output
        return result.output

    answers = {tuple(q): run(*q) for q in QUERIES}
    summary = json.loads(answers[tuple(QUERIES[0])])
    assert summary  # the store has what was fed to it
    households = json.loads(answers[tuple(QUERIES[2])])["households"]
    assert households[0]["name"] == full(fields.PERSON_NAME_MAX), "stored as sent"
    checksum = answers[("projections", "checksum")]
    run("projections", "rebuild")
    assert run("projections", "checksum") == checksum, "a rebuild gives the same read models"
    assert run(*QUERIES[1]) == answers[tuple(QUERIES[1])]


TOO_MUCH: list[tuple[str, dict[str, Any], dict[str, Any], str]] = [
    # (command, args, line fields, the field refused)
    ("rename_unit", {"unit": VILLAGE, "name": "x" * (fields.UNIT_NAME_MAX + 1)}, {}, "name"),
    ("open_site", {"unit": GROUP, "kind": "point", "name": "x" * 201}, {}, "name"),
    (
        "register_household",
        {"group": GROUP, "head_name": "x" * 101, "members": 1, "id_number": id_number(8)},
        {},
        "head_name",
    ),
    (
        "register_household",
        {"group": GROUP, "head_name": "王\u0000", "members": 1, "id_number": id_number(8)},
        {},
        "head_name",
    ),
    (
        "register_household",
        {"group": GROUP, "head_name": "王\u202e", "members": 1, "id_number": id_number(8)},
        {},
        "head_name",
    ),
    *[
        (
            "register_household",
            {"group": GROUP, "head_name": "王", "members": n, "id_number": id_number(8)},
            {},
            "members",
        )
        for n in (fields.MEMBERS_MAX + 1, 2**31, 2**63, 10**400, -1)
    ],
    (
        "register_household",
        {"group": GROUP, "head_name": "王", "members": 2, "id_number": "21052119800101²00X"},
        {},
        "id_number",
    ),
    ("record_correction", {"position": 2**63, "note": "x"}, {}, "position"),
    ("write_diary", {"cadre": CADRE, "text": "x" * (fields.DIARY_MAX + 1)}, {}, "text"),
    ("check_in", {"cadre": CADRE, "place": "x" * 201}, {}, "place"),
    ("rename_unit", {"unit": VILLAGE, "name": "新名"}, {"actor": "x" * 101}, "actor"),
    ("rename_unit", {"unit": VILLAGE, "name": "新名"}, {"actor": "a\u0000b"}, "actor"),
    ("rename_unit", {"unit": VILLAGE, "name": "新名"}, {"reason": "x" * 2001}, "reason"),
    ("rename_unit", {"unit": VILLAGE, "name": "新名"}, {"reason": 42}, "reason"),
    (
        "rename_unit",
        {"unit": VILLAGE, "name": "新名"},
        {"occurred_on": "0001-01-01"},
        "occurred_on",
    ),
    ("extend_team_term", {"team": TEAM, "until": "9999-12-31"}, {}, "until"),
    ("rename_unit", {"unit": VILLAGE, "name": 7}, {}, "name"),
]


DOMAIN_LABELS = {"id_number": ("身份证号码", "identity number")}


@pytest.mark.parametrize(
    ("command", "args", "fields_", "field"),
    TOO_MUCH,
    ids=[f"{c}-{f}-{i}" for i, (c, _, _, f) in enumerate(TOO_MUCH)],
)
def test_one_more_than_allowed_is_refused_by_the_fields_label_and_writes_nothing(
    zhucun: Zhucun, command: str, args: dict[str, Any], fields_: dict[str, Any], field: str
) -> None:
    extreme_store(zhucun)
    before = zhucun.store.max_position()
    sent = {**cmd(command, on="2016-12-30", **args), **fields_}
    with pytest.raises(BatchRefused) as info:
        zhucun.apply_text(json.dumps(sent, ensure_ascii=False))
    error = info.value.error
    assert error.field == field, error
    # Named by its label, which says the argument's own name too: "户主姓名（head_name）…";
    # the identity number's own rule names it as the domain does.
    zh, en = DOMAIN_LABELS.get(field, (f"（{field}）", f"({field})"))
    assert zh in error.zh and en in error.en, (error.zh, error.en)
    assert zhucun.store.max_position() == before


def test_the_read_models_columns_take_their_sizes_from_the_field_definitions() -> None:
    def size(table: Any, column: str) -> int:
        kind = table.c[column].type
        assert isinstance(kind, String)
        return int(kind.length or 0)

    assert size(tables.households, "head_name") == fields.PERSON_NAME_MAX
    assert size(tables.units, "name") == fields.UNIT_NAME_MAX
    assert size(tables.sites, "name") == fields.SITE_NAME_MAX
    assert size(coverage_tables.rows, "cause_actor") == fields.ACTOR_MAX
    assert size(team_tables.teams, "name") == fields.TEAM_NAME_MAX
    assert 2 * fields.UNIT_NAME_MAX + len("驻工作队") <= fields.TEAM_NAME_MAX
