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
    for ch in text:
        if unicodedata.category(ch) in _REFUSED_CATEGORIES and not (
            multiline and ch in _MULTILINE_ALLOWED
        ):
            return ch
    return None
