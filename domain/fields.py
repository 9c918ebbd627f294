"""The values a command accepts, defined once: each field's label (Chinese and English), its
longest text or its range, and whether it may span lines.

A value the read models cannot hold must never reach the log: the log is append-only, so one
such event would stop every read model for good. The read models' columns therefore take their
sizes from these same definitions (projections/tables.py and its siblings), and commands check
each value against them before anything is written (app/args.py).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

# Lengths, in characters. The read models' columns are declared with these.
PERSON_NAME_MAX = 100  # a head of household, a party member, a cadre, a responsible person
UNIT_NAME_MAX = 200  # an administrative unit, a service site, a dispatching unit
# Names the domain composes: "<unit>为民服务站" for a site named by default, and
# "<dispatching unit>驻<village>工作队" for a team.
SITE_NAME_MAX = UNIT_NAME_MAX + 8
TEAM_NAME_MAX = 2 * UNIT_NAME_MAX + 8
ACTOR_MAX = 100  # who recorded an event
ROLE_MAX = 32
CODE_MAX = 32  # a dispatching unit's own code
SHORT_TEXT_MAX = 200  # a destination, a place
LONG_TEXT_MAX = 2000  # a reason, a finding, a note
DIARY_MAX = 10_000  # a work diary entry
KEY_MAX = 200  # an idempotency key

# Whole numbers: a household's members, and a log position.
MEMBERS_MAX = 999
POSITION_MAX = 2**63 - 1  # PostgreSQL's bigint and SQLite's integer
# Processes sharing a rebuild or the following of the log (``--workers``, projections/shards.py):
# more than the cores of one machine would only share them, and SQLite attaches at most ten
# files to a connection (a rebuild's merge attaches each worker's, and the store).
WORKERS_MAX = 8


@dataclass(frozen=True)
class Field:
    """One kind of value: the label a refusal names it by, and its bounds."""

    zh: str
    en: str
    max_length: int = SHORT_TEXT_MAX
    multiline: bool = False  # free text (a diary, a note) may hold line breaks and tabs

    def label(self, name: str, lang: str) -> str:
        """The field as a refusal names it: its label, then the argument's name."""
        return f"{self.zh}（{name}）" if lang == "zh" else f"{self.en} ({name})"


PERSON_NAME = Field("姓名", "name", PERSON_NAME_MAX)
UNIT_NAME = Field("名称", "name", UNIT_NAME_MAX)
REASON = Field("事由", "reason", LONG_TEXT_MAX, multiline=True)
ACTOR = Field("办理人", "actor", ACTOR_MAX)
ROLE = Field("角色", "role", ROLE_MAX)
KEY = Field("幂等键", "key", KEY_MAX)

# Every argument of every command, by name. Where one name means different things in
# different commands ("name" of a unit or of a person), the command says which (app/commands.py).
ARGUMENTS: dict[str, Field] = {
    "code": Field("代码", "code", CODE_MAX),
    "name": PERSON_NAME,
    "level": Field("层级", "level", 16),
    "parent": Field("上级单位", "parent unit", 15),
    "unit": Field("单位", "unit", CODE_MAX),
    "into": Field("并入单位", "unit merged into", 15),
    "group": Field("村民小组", "villager group", 15),
    "head_name": Field("户主姓名", "head of household's name", PERSON_NAME_MAX),
    "members": Field("家庭人口", "members"),
    "id_number": Field("户主身份证号", "head's identity number", 18),
    "id": Field("编号", "id"),
    "household": Field("户", "household"),
    "how": Field("方式", "how", 32),
    "central_household": Field("党员中心户", "central household"),
    "party_member": Field("党员", "party member"),
    "destination": Field("转往", "destination", SHORT_TEXT_MAX),
    "kind": Field("类别", "kind", 16),
    "sector": Field("系统", "sector", 32),
    "village": Field("村", "village", 15),
    "problem": Field("主要问题", "main problem", 32),
    "finding": Field("调查结论", "finding", LONG_TEXT_MAX, multiline=True),
    "rank": Field("职级", "rank", 32),
    "young": Field("年轻干部", "young cadre"),
    "reserve": Field("后备干部", "reserve cadre"),
    "cadre": Field("队员", "team member"),
    "as_leader": Field("任队长", "as leader"),
    "team": Field("工作队", "work team"),
    "until": Field("延长至", "extended until"),
    "successor": Field("接替的工作队", "successor team"),
    "place": Field("地点", "place", SHORT_TEXT_MAX),
    "lat": Field("纬度", "latitude"),
    "lon": Field("经度", "longitude"),
    "first_day": Field("第一天", "first day"),
    "last_day": Field("最后一天", "last day"),
    "leave": Field("请假申请", "leave request"),
    "note": Field("说明", "note", LONG_TEXT_MAX, multiline=True),
    "text": Field("日记内容", "diary entry", DIARY_MAX, multiline=True),
    "position": Field("日志位置", "log position"),
    "occurred_on": Field("发生日期", "occurred_on"),
    # Rectifications (domain/rectifications.py).
    "assignee": Field("整改责任人", "assigned to", PERSON_NAME_MAX),
    "subject": Field("对象", "subject", 64),
    "type": Field("盲点类型", "gap type", 40),
}


def field(name: str) -> Field:
    """The definition of an argument; an unknown name is labelled by itself."""
    return ARGUMENTS.get(name) or Field(name, name)


# Characters no text may hold: controls (NUL, escapes, C1), lone surrogates (they cannot be
# stored as UTF-8), private-use and unassigned code points, and the format characters that
# reorder or hide text (bidirectional overrides, zero-width spaces) and so let one name pose
# as another. Free text may also hold line breaks and tabs.
_REFUSED_CATEGORIES = frozenset({"Cc", "Cs", "Co", "Cn", "Cf"})
_MULTILINE_ALLOWED = frozenset("\n\t")


def first_refused_character(text: str, multiline: bool) -> str | None:
    """The first character of ``text`` that no stored text may hold, or None."""
    # Every refused category is "Other", which str.isprintable() refuses: text it accepts
    # (most text, checked in C) holds none of them.
    if (text.replace("\n", "").replace("\t", "") if multiline else text).isprintable():
        return None
    for ch in text:
        if unicodedata.category(ch) in _REFUSED_CATEGORIES and not (
            multiline and ch in _MULTILINE_ALLOWED
        ):
            return ch
    return None


# -- the village work ledger (domain/ledger/) --------------------------------------------------

COMMITTEE_SIZE_MAX = 99  # members of the two committees
COPIES_MAX = 1_000_000  # questionnaires or tables handed out in one batch
PEOPLE_MAX = 100_000  # the people of one category at one symposium
# Money in whole fen (ADR 023): up to 100 billion yuan, well inside a bigint.
MONEY_MAX_FEN = 10**13
# A survey problem cites at most this many opinions; a class at most this many problems.
CITED_MAX = 500

ARGUMENTS |= {
    "committee_size": Field("两委班子人数", "members of the two committees"),
    "secretary": Field("村党组织书记", "party secretary", PERSON_NAME_MAX),
    "assessment": Field("班子评价", "assessment of the committees", 32),
    "collective_income": Field("村集体年收入（元）", "annual collective income (yuan)"),
    "collective_assets": Field("村集体资产（元）", "collective assets (yuan)"),
    "collective_debts": Field("村集体负债（元）", "collective debts (yuan)"),
    "per_capita_income": Field("农民人均纯收入（元）", "per-capita net income (yuan)"),
    "main_problems": Field("主要问题", "main problems", LONG_TEXT_MAX, multiline=True),
    "handed_out": Field("发出份数", "copies handed out"),
    "activity": Field("活动编号", "activity number"),
    "returned": Field("收回份数", "copies returned"),
    "township_leaders": Field("乡镇领导人数", "township leaders"),
    "committee_members": Field("两委成员人数", "members of the two committees"),
    "party_members": Field("党员人数", "party members"),
    "villager_representatives": Field("村民代表人数", "villager representatives"),
    "collective_consultation": Field("集体会诊", "collective consultation"),
    "topic": Field("主题", "topic", SHORT_TEXT_MAX),
    "interviewee": Field("访谈对象", "interviewee", PERSON_NAME_MAX),
    "interviewee_category": Field("访谈对象类别", "interviewee's category", 32),
    "interviewer": Field("访谈人", "interviewer", PERSON_NAME_MAX),
    "source": Field("意见来源", "source of the opinion", 32),
    "category": Field("意见类别", "category of the opinion", 32),
    "description": Field("问题", "problem found", LONG_TEXT_MAX, multiline=True),
    "root_cause": Field("致贫根源", "root cause of poverty", 32),
    "root_cause_text": Field("致贫根源说明", "root cause in words", LONG_TEXT_MAX, multiline=True),
    "opinions": Field("所依据的意见", "opinions it came from"),
    "problems": Field("所依据的问题", "problems it rests on"),
}

OPINION_TEXT = Field("意见内容", "opinion", LONG_TEXT_MAX, multiline=True)

# Plans, measures and responsibility letters.
PLAN_ITEMS_MAX = 200  # items of one plan; targets of one letter
PLAN_ITEM_KEY_MAX = 16  # an item's key within its plan: "A1"
YEAR_MIN, YEAR_MAX = 2000, 2100

ARGUMENTS |= {
    "plan": Field("帮扶规划", "plan"),
    "year": Field("年度", "year"),
    "title": Field("标题", "title", SHORT_TEXT_MAX),
    "items": Field("规划内容", "plan items"),
    "drafted_by": Field("起草人", "drafted by", PERSON_NAME_MAX),
    "revised_by": Field("修订人", "revised by", PERSON_NAME_MAX),
    "approver": Field("批准人", "approved by", PERSON_NAME_MAX),
    "approver_unit": Field("批准单位", "approving unit", 15),
    "item": Field("规划内容编号", "plan item", PLAN_ITEM_KEY_MAX),
    "measure": Field("帮扶措施", "measure"),
    "responsible": Field("责任人", "responsible person", PERSON_NAME_MAX),
    "due_on": Field("完成期限", "due date"),
    "budget": Field("预算（元）", "budget (yuan)"),
    "sources": Field("资金来源", "funding sources"),
    "status": Field("状态", "status", 16),
    "because": Field("原因", "reason", LONG_TEXT_MAX, multiline=True),
    "letter": Field("工作目标责任书", "responsibility letter"),
    "unit_signatory": Field("派出单位签字人", "signatory for the unit", PERSON_NAME_MAX),
    "village_signatory": Field("村签字人", "signatory for the village", PERSON_NAME_MAX),
    "term_starts_on": Field("责任期起", "term starts on"),
    "term_ends_on": Field("责任期止", "term ends on"),
    "targets": Field("目标", "targets"),
}

PLAN_ITEM_TEXT = Field("规划内容", "plan item", LONG_TEXT_MAX, multiline=True)

# Assessments (domain/assessments/).
ARGUMENTS |= {
    "rules": Field("考核规则", "assessment rules"),
    "effective_from": Field("生效日", "effective from"),
    "bodies": Field("报送单位", "bodies reported to"),
    "document_sha256": Field("报告文件的 SHA-256", "the report's SHA-256", 80),
    "attendance": Field("到会人数", "attendance"),
    "votes": Field("票数", "votes"),
    "run": Field("考核", "assessment run"),
}
ATTENDANCE_MAX = 100_000  # people at one village meeting
# Duties and the 六有 goals; evidence files (ADR 025).
FILE_NAME_MAX = 255  # a file's name as given, without its folder
MEDIA_TYPE_MAX = 100  # "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
SHA256_HEX = 64  # a file's SHA-256, in hex

ARGUMENTS |= {
    "goal": Field("六有目标", "six-haves goal", 32),
    "target": Field("目标", "target", LONG_TEXT_MAX, multiline=True),
    "dated": Field("文件日期", "document date"),
    "file": Field("文件", "file", SHA256_HEX + 8),
    "file_name": Field("文件名", "file name", FILE_NAME_MAX),
    "media_type": Field("文件类型", "media type", MEDIA_TYPE_MAX),
    "judged_by": Field("评定人", "judged by", PERSON_NAME_MAX),
    "judge_unit": Field("评定单位", "judging unit", 15),
}
# Four-source funding (四位一体资金).
VOUCHER_MAX = 64  # a voucher number (凭证号), as kept: "记-2014-0012"

ARGUMENTS |= {
    "amount": Field("金额（元）", "amount (yuan)"),
    "voucher": Field("凭证号", "voucher number", VOUCHER_MAX),
    "allocated_by": Field("拨款单位", "allocated by", UNIT_NAME_MAX),
    "document": Field("文件", "document", SHORT_TEXT_MAX),
    "payee": Field("收款人", "payee", UNIT_NAME_MAX),
    "purpose": Field("用途", "purpose", SHORT_TEXT_MAX),
}

# Full-width forms (！ to ～) and the ideographic space, as their ASCII counterparts.
_HALF_WIDTH = {0xFF01 + i: 0x21 + i for i in range(0x5E)} | {0x3000: 0x20}


def voucher_number(text: str) -> str:
    """A voucher number as it is kept and compared: full-width letters, digits and signs as
    ASCII, runs of spaces as one, trimmed, upper case (``ｊｚ－００１`` is ``JZ-001``)."""
    return " ".join(text.translate(_HALF_WIDTH).split()).upper()


# ``source`` names an opinion's source above; in the funding commands, a source of funds.
FUNDING_SOURCE = Field("资金来源", "source of funds", 32)
