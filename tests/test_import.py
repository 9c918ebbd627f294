"""Spreadsheet import (ADR 044): the template, a good file applied, a refused file written
nowhere and given back marked, re-imports applied once, CSV encodings and hostile files."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import load_workbook
from openpyxl.styles import Font

from app.bootstrap import Zhucun
from app.imports.kinds import KINDS
from app.imports.marked import ERROR_HEADER, ERROR_SHEET, marked_copy, template
from app.imports.run import Envelope, ImportRefused, ImportResult, import_file
from app.jurisdiction import Reach
from domain.accounts import Role
from domain.errors import InvalidInputError
from tests.builders import (
    COUNTY,
    GROUP_A1,
    GROUP_A2,
    GROUP_B1,
    TOWNSHIP,
    apply,
    id_number,
    open_unit,
    small_network,
)
from tests.import_files import (
    HOUSEHOLD_HEADERS,
    csv_text,
    filled_template,
    opened,
    saved,
    workbook,
)

WHO = Envelope("li.clerk", "township_officer", date(2014, 7, 1), "2014 年入户登记")
OTHER_COUNTY_GROUP = "210522100201001"  # a valid group code of 桓仁满族自治县


def households(*rows: tuple[str, str, int, int]) -> list[list[object]]:
    """Rows of (group, head, members, serial of the head's identity number)."""
    return [[g, name, members, id_number(n), None, None] for g, name, members, n in rows]


def run(
    z: Zhucun, name: str, content: bytes, kind: str = "households", **kw: object
) -> ImportResult:
    return import_file(z, kind, name, content, WHO, **kw)  # type: ignore[arg-type]


def refused(z: Zhucun, name: str, content: bytes, **kw: object) -> ImportRefused:
    before = z.store.max_position()
    with pytest.raises(ImportRefused) as info:
        run(z, name, content, **kw)
    assert z.store.max_position() == before, "a refused import must write nothing"
    return info.value


GOOD = households((GROUP_A1, "周一", 3, 11), (GROUP_A2, "吴二", 4, 12), (GROUP_B1, "郑三", 2, 13))


# -- the template ------------------------------------------------------------------------------


def test_the_template_heads_the_command_s_arguments_by_their_labels_with_hints() -> None:
    wb = load_workbook(io.BytesIO(template(KINDS["households"])))
    ws = wb.worksheets[0]
    headers = [c.value for c in ws[1]]
    assert headers == ["村民小组*", "户主姓名*", "家庭人口*", "户主身份证号*", "发生日期", "事由"]
    assert "15 位数字" in ws["A1"].comment.text
    assert ws.column_dimensions["D"].number_format == "@"  # identity numbers stay text
    assert "说明" in wb.sheetnames


def test_the_template_offers_a_list_where_the_values_are_a_choice() -> None:
    wb = load_workbook(io.BytesIO(template(KINDS["service_sites"])))
    ws = wb.worksheets[0]
    headers = [c.value for c in ws[1]]
    letter = ws.cell(1, headers.index("类别*") + 1).column_letter
    ranges = [str(dv.sqref) for dv in ws.data_validations.dataValidation]
    assert f"{letter}2:{letter}1001" in ranges, "a choice column has its pick list"
    listed = [c.value for c in wb["选项"][letter] if c.value]
    assert "为民服务站" in listed


def test_english_headers_are_taken_as_the_chinese(zhucun: Zhucun) -> None:
    small_network(zhucun)
    en = load_workbook(io.BytesIO(template(KINDS["households"], "en")))
    ws = en.worksheets[0]
    for row in GOOD:
        ws.append(row)
    assert run(zhucun, "en.xlsx", saved(en)).applied == 3


def test_a_filled_template_imports_and_the_households_are_there(zhucun: Zhucun) -> None:
    small_network(zhucun)
    result = run(zhucun, "户.xlsx", filled_template("households", GOOD))
    assert (result.rows, result.applied, result.skipped) == (3, 3, 0)
    assert [r["row"] for r in result.results] == [2, 3, 4]
    listed = zhucun.households(GROUP_A1, date(2014, 7, 1))
    assert listed is not None and "周一" in str(listed)


# -- refusals: nothing written, the workbook given back marked ---------------------------------


def test_a_file_with_errors_writes_nothing_and_names_every_error_by_row_and_column(
    zhucun: Zhucun,
) -> None:
    small_network(zhucun)
    rows = [
        *GOOD[:1],
        [GROUP_A1, "", "四", "123", None, None],  # three errors in one row
        [GROUP_A2, "王五", 3, id_number(21), "2014-13-01", None],  # no such day
    ]
    e = refused(zhucun, "bad.xlsx", filled_template("households", rows))
    placed = {(x.row, x.column, x.field) for x in e.errors}
    assert placed == {
        (3, 2, "head_name"),
        (3, 3, "members"),
        (3, 4, "id_number"),
        (4, 5, "occurred_on"),
    }
    assert all(x.zh and x.en for x in e.errors)


def test_the_marked_workbook_keeps_the_officials_sheets_and_marks_the_bad_cells(
    zhucun: Zhucun,
) -> None:
    small_network(zhucun)
    wb = workbook(HOUSEHOLD_HEADERS, [*GOOD[:2], [GROUP_A1, "赵六", 0, id_number(31), None, None]])
    wb.worksheets[0]["B1"].font = Font(bold=True)
    notes = wb.create_sheet("备注")
    notes["A1"] = "村里的说明"
    content = saved(wb)
    e = refused(zhucun, "村里的表.xlsx", content)
    back = opened(marked_copy(e, "村里的表.xlsx", content))
    assert back.sheetnames == ["户", "备注", ERROR_SHEET]
    assert back["备注"]["A1"].value == "村里的说明"
    ws = back["户"]
    assert ws["B1"].font.bold
    assert ws.cell(1, 7).value == ERROR_HEADER
    assert ws.cell(4, 7).value.startswith("第 4 行 第 C 列（家庭人口）：")
    assert ws.cell(2, 7).value is None
    bad = ws["C4"]
    assert bad.fill.fgColor.rgb.endswith("FFC7CE")
    assert bad.comment.text == "家庭人口应在 1 至 999 之间\nmembers must be between 1 and 999"
    assert ws["B4"].comment is None
    listing = [r for r in back[ERROR_SHEET].iter_rows(values_only=True)]
    assert listing[0] == ("行", "列", "原因", "reason")
    assert listing[1][:2] == (4, "第 C 列（家庭人口）")


def test_a_rule_of_the_domain_refuses_at_its_row_and_column(zhucun: Zhucun) -> None:
    small_network(zhucun)
    rows = [*GOOD[:1], [TOWNSHIP + "209001", "钱七", 3, id_number(41), None, None]]
    e = refused(zhucun, "x.xlsx", filled_template("households", rows))
    assert [(x.row, x.column, x.field) for x in e.errors] == [(3, 1, "group")]


def test_the_same_household_twice_in_one_file_is_refused(zhucun: Zhucun) -> None:
    small_network(zhucun)
    rows = [*GOOD, [GROUP_A2, "周一", 3, id_number(11), None, None]]
    e = refused(zhucun, "x.xlsx", filled_template("households", rows))
    assert [(x.row, x.field) for x in e.errors] == [(5, "id_number")]
    assert "第 2 行" in e.errors[0].zh


# -- applied once --------------------------------------------------------------------------------


def test_a_corrected_file_imports_once_and_again_is_all_skipped(zhucun: Zhucun) -> None:
    small_network(zhucun)
    bad = [*GOOD[:2], [GROUP_B1, "郑三", "两", id_number(13), None, None]]
    refused(zhucun, "户.xlsx", filled_template("households", bad))
    first = run(zhucun, "户.xlsx", filled_template("households", GOOD))
    head = zhucun.store.max_position()
    again = run(zhucun, "户.xlsx", filled_template("households", GOOD))
    assert (first.applied, again.applied, again.skipped) == (3, 0, 3)
    assert zhucun.store.max_position() == head
    assert all(r.get("skipped") for r in again.results)


def test_a_longer_file_applies_only_its_new_rows_with_the_same_ids(zhucun: Zhucun) -> None:
    small_network(zhucun)
    first = run(zhucun, "a.xlsx", filled_template("households", GOOD[:2]))
    more = run(zhucun, "b.xlsx", filled_template("households", GOOD))
    assert (more.applied, more.skipped) == (1, 2)
    assert more.results[0] == {"row": 2, "skipped": True}
    assert first.results[0]["household"] != more.results[2]["household"]


def test_a_row_written_padded_or_in_full_width_digits_is_the_same_row(zhucun: Zhucun) -> None:
    small_network(zhucun)
    run(zhucun, "a.xlsx", filled_template("households", GOOD[:1]))
    wide = GROUP_A1.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    again = [[f"  {wide} ", " 周一 ", "3", f" {id_number(11)} ", None, None]]
    assert run(zhucun, "b.xlsx", filled_template("households", again)).skipped == 1


def test_a_row_changed_after_it_was_imported_is_refused_not_applied_twice(zhucun: Zhucun) -> None:
    small_network(zhucun)
    run(zhucun, "a.xlsx", filled_template("households", GOOD[:1]))
    changed = [[GROUP_A1, "周一", 5, id_number(11), None, None]]
    e = refused(zhucun, "b.xlsx", filled_template("households", changed))
    assert e.errors[0].row == 2 and e.errors[0].field == "key"


# -- jurisdiction --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "group",
    [
        OTHER_COUNTY_GROUP,
        f" {OTHER_COUNTY_GROUP} ",
        OTHER_COUNTY_GROUP.translate(str.maketrans("0123456789", "０１２３４５６７８９")),
    ],
)
def test_a_township_may_not_import_into_another_county(zhucun: Zhucun, group: str) -> None:
    small_network(zhucun)
    apply(
        zhucun,
        open_unit("210522", "桓仁满族自治县", "county", "210500"),
        open_unit("210522100", "桓仁镇", "township", "210522"),
        open_unit("210522100201", "丙村", "village", "210522100"),
        open_unit(OTHER_COUNTY_GROUP, "丙村一组", "group", "210522100201"),
    )
    reach = Reach(Role.TOWNSHIP_OFFICER, TOWNSHIP)
    rows = [*GOOD[:1], [group, "孙八", 3, id_number(51), None, None]]
    e = refused(zhucun, "x.xlsx", filled_template("households", rows), reach=reach)
    assert [(x.row, x.code) for x in e.errors] == [(3, "outside_jurisdiction")]
    assert run(zhucun, "y.xlsx", filled_template("households", GOOD), reach=reach).applied == 3


def test_a_county_admin_imports_within_the_county(zhucun: Zhucun) -> None:
    small_network(zhucun)
    reach = Reach(Role.COUNTY_ADMIN, COUNTY)
    assert run(zhucun, "y.xlsx", filled_template("households", GOOD), reach=reach).applied == 3


# -- CSV -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_in_utf_8_with_or_without_bom_or_gb18030(zhucun: Zhucun, encoding: str) -> None:
    small_network(zhucun)
    content = csv_text(HOUSEHOLD_HEADERS, GOOD).encode(encoding)
    assert run(zhucun, "户.csv", content).applied == 3


@pytest.mark.parametrize(
    "content",
    [b"\x00\x01\x02\xff\xfe\xfd" * 20, "村民小组,户主姓名\r\n\x07,x".encode(), b"\x81\x30\xff\xff"],
)
def test_a_csv_that_is_not_text_is_refused_clearly(zhucun: Zhucun, content: bytes) -> None:
    with pytest.raises(InvalidInputError) as info:
        run(zhucun, "x.csv", content)
    assert info.value.field == "file" and "UTF-8" in info.value.zh


def test_a_refused_csv_comes_back_as_a_marked_workbook_its_text_kept_as_text(
    zhucun: Zhucun,
) -> None:
    small_network(zhucun)
    rows = [*GOOD[:1], [GROUP_A1, '=HYPERLINK("x")', 0, id_number(61), None, None]]
    content = csv_text(HOUSEHOLD_HEADERS, rows).encode("gb18030")
    e = refused(zhucun, "户.csv", content)
    ws = opened(marked_copy(e, "户.csv", content)).worksheets[0]
    assert ws["B3"].data_type == "s" and ws["B3"].value.startswith("=")
    assert ws["C3"].comment is not None and ws.cell(3, 7).value


# -- hostile files ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("x.xlsx", b"not a zip at all", "Excel"),
        ("x.xlsx", b"PK\x03\x04" + b"\x00" * 64, "Excel"),
        ("x.xls", b"\xd0\xcf\x11\xe0", ".xlsx"),
        ("x.csv", "村民小组,户主姓名,家庭人口,户主身份证号,备注\r\n".encode(), "备注"),
        ("x.csv", "村民小组,户主姓名,家庭人口\r\n".encode(), "户主身份证号"),
        ("x.csv", "村民小组,村民小组,户主姓名,家庭人口,户主身份证号\r\n".encode(), "两次"),
        ("x.csv", "村民小组,户主姓名,家庭人口,户主身份证号\r\n".encode(), "没有数据"),
        ("x.csv", b"", "没有"),
        (
            "x.csv",
            ("村民小组,户主姓名,家庭人口,户主身份证号\r\n" + "x" * 200_000 + ",y\r\n").encode(),
            "格式有误",
        ),
    ],
)
def test_a_file_that_is_not_a_households_table_is_refused_by_name(
    zhucun: Zhucun, name: str, content: bytes, words: str
) -> None:
    with pytest.raises(InvalidInputError) as info:
        run(zhucun, name, content)
    assert info.value.field == "file" and words in info.value.zh, info.value.zh


def test_an_unknown_kind_is_refused_by_name(zhucun: Zhucun) -> None:
    with pytest.raises(InvalidInputError) as info:
        run(zhucun, "x.csv", b"a\r\n", kind="villagers")
    assert info.value.field == "kind"


# -- other kinds ---------------------------------------------------------------------------------


def test_party_members_and_central_households_import_by_their_rows(zhucun: Zhucun) -> None:
    net = small_network(zhucun)
    members = run(
        zhucun,
        "党员.xlsx",
        filled_template("party_members", [["李二", net.households["A1b"], None, None]]),
        kind="party_members",
    )
    member = members.results[0]["party_member"]
    central = run(
        zhucun,
        "中心户.xlsx",
        filled_template("central_households", [[member, None, None]]),
        kind="central_households",
    )
    assert central.applied == 1 and central.results[0]["central_household"]


def test_an_identity_number_ending_in_a_small_x_is_the_same_row(zhucun: Zhucun) -> None:
    small_network(zhucun)
    upper = id_number(2)  # its check digit is X
    assert upper.endswith("X")
    run(zhucun, "a.xlsx", filled_template("households", [[GROUP_A1, "冯九", 2, upper, None, None]]))
    lower = [[GROUP_A1, "冯九", 2, upper.lower(), None, None]]
    assert run(zhucun, "b.xlsx", filled_template("households", lower)).skipped == 1


def test_cadres_take_their_choices_and_yes_or_no_in_words(zhucun: Zhucun) -> None:
    units = [["D001", "市民政局", "市", "民政", None, None]]
    assert (
        run(
            zhucun, "u.xlsx", filled_template("dispatching_units", units), kind="dispatching_units"
        ).applied
        == 1
    )
    cadres = [
        ["钱一", "D001", "副处级", "是", "否", None, None, None],
        ["孙二", "d001", "Section", "否", "是", "是", None, None],
    ]
    result = run(zhucun, "c.xlsx", filled_template("cadres", cadres), kind="cadres")
    assert result.applied == 2
    bad = [["李三", "D001", "处长", "也许", None, None, None, None]]
    e = refused(zhucun, "d.xlsx", filled_template("cadres", bad), kind="cadres")
    assert {(x.column, x.field) for x in e.errors} == {(3, "rank"), (4, "party_member")}
