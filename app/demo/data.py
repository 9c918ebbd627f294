"""Names for the Benxi demo: the real county-level units and townships of Benxi city, plausible
village names, the personal names people of the area commonly carry, and how the demo draws
names and identity numbers from them.

County and township names are real; township codes follow the national scheme (subdistricts
from 001, towns from 100, townships from 200) but are not claimed to be the official ones.
Village names are made up in the style of the region's place names.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date
from itertools import accumulate

from domain.identity import check_digit

CITY_CODE = "210500"
CITY_NAME = "本溪市"


@dataclass(frozen=True)
class Village:
    name: str
    poor: bool = True


@dataclass(frozen=True)
class Township:
    suffix: str  # the last three digits of the nine-digit code
    name: str
    villages: tuple[Village, ...] = field(default=())


@dataclass(frozen=True)
class County:
    code: str
    name: str
    townships: tuple[Township, ...]


def _v(*names: str) -> tuple[Village, ...]:
    """Village names; a leading ``~`` marks a village that is not on the poor list."""
    return tuple(Village(n.lstrip("~"), poor=not n.startswith("~")) for n in names)


COUNTIES: tuple[County, ...] = (
    County(
        "210502",
        "平山区",
        (
            Township("001", "平山街道"),
            Township("002", "北台街道", _v("孤家子村")),
            Township("100", "桥头镇", _v("~桥头村", "小峪村")),
        ),
    ),
    County(
        "210503",
        "溪湖区",
        (
            Township("001", "河西街道"),
            Township("002", "石桥子街道", _v("~石桥子村", "大峪村")),
            Township("003", "歪头山街道", _v("歪头山村")),
        ),
    ),
    County(
        "210504",
        "明山区",
        (
            Township("001", "高峪街道"),
            Township("002", "牛心台街道", _v("大沟村")),
            Township("003", "高台子街道", _v("~高台子村", "卧龙沟村")),
        ),
    ),
    County(
        "210505",
        "南芬区",
        (
            Township("001", "铁山街道"),
            Township("002", "下马塘街道", _v("下马塘村", "石湖沟村")),
            Township("003", "思山岭街道", _v("~思山岭村", "林家崴子村", "金坑村")),
        ),
    ),
    County(
        "210521",
        "本溪满族自治县",
        (
            Township("100", "小市镇", _v("蓝河峪村", "同江峪村", "~下堡村")),
            Township("101", "草河掌镇", _v("赛梨寨村", "汤沟村")),
            Township("102", "草河城镇", _v("新城子村", "白家堡村")),
            Township("103", "草河口镇", _v("~草河口村", "祁家堡村", "崔家沟村")),
            Township("104", "连山关镇", _v("连山关村", "摩天岭村")),
            Township("105", "清河城镇", _v("清河城村", "马家堡村", "双岭子村")),
            Township("106", "碱厂镇", _v("碱厂村", "松树台村", "佛爷沟村")),
            Township("107", "南甸镇", _v("南甸村", "柳木沟村", "滴塔村")),
            Township("108", "田师傅镇", _v("田师傅村", "大堡村", "新立屯村")),
            Township("109", "高官镇", _v("高官村", "郝家店村")),
            Township("110", "偏岭镇", _v("偏岭村", "八盘岭村")),
            Township("200", "东营坊乡", _v("东营坊村", "湖里村")),
        ),
    ),
    County(
        "210522",
        "桓仁满族自治县",
        (
            Township("100", "桓仁镇", _v("~西江村", "~光辉村", "五女山村")),
            Township("101", "普乐堡镇", _v("普乐堡村", "二户来村", "大甸子村")),
            Township("102", "二棚甸子镇", _v("二棚甸子村", "四道岭村", "仙人洞村")),
            Township("103", "沙尖子镇", _v("沙尖子村", "太平哨村", "蚂蚁河村")),
            Township("104", "五里甸子镇", _v("五里甸子村", "荒沟村", "老黑山村")),
            Township("105", "华来镇", _v("华来村", "川里村", "拐磨子村")),
            Township("106", "古城镇", _v("古城村", "四平村", "马鹿泡村")),
            Township("107", "八里甸子镇", _v("八里甸子村", "洼子沟村", "大恩堡村")),
            Township("200", "雅河朝鲜族乡", _v("雅河村", "米仓沟村", "弯弯川村")),
            Township("201", "向阳乡", _v("向阳村", "和平村", "双水洞村")),
            Township("202", "黑沟乡", _v("黑沟村", "夹皮沟村", "大青沟村")),
            Township("203", "北甸子乡", _v("北甸子村", "刀尖岭村", "蒿子沟村")),
        ),
    ),
)

# Village renamed during the period: (old name, new name, occurred_on, reason).
RENAMES: tuple[tuple[str, str, str, str], ...] = (
    ("新立屯村", "新立村", "2015-09-18", "经县政府批复，规范村名，去掉“屯”字"),
    ("拐磨子村", "拐磨村", "2016-04-12", "县民政局地名普查后规范村名"),
)


def village_name_on(name: str, day: date) -> str:
    """What a village (known by either name) was called on ``day``."""
    for old, new, renamed_on, _ in RENAMES:
        if name in (old, new):
            return new if day >= date.fromisoformat(renamed_on) else old
    return name


# Villages where no service station was ever opened, and one whose station closed for the
# rebuilding of the village office: the "no station" gaps of the demo.
NO_STATION = frozenset({"滴塔村", "刀尖岭村", "思山岭村"})
STATION_CLOSED = frozenset({"老黑山村"})

CHINESE_ORDINALS = ("一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二")

# Common surnames of Liaoning with rough weights; Manchu-origin ones (关, 佟, 那, 富) are
# frequent in the two autonomous counties.
SURNAMES: tuple[tuple[str, int], ...] = (
    ("王", 90),
    ("李", 80),
    ("张", 75),
    ("刘", 60),
    ("赵", 35),
    ("孙", 30),
    ("于", 28),
    ("杨", 26),
    ("陈", 22),
    ("高", 20),
    ("徐", 18),
    ("马", 16),
    ("郭", 15),
    ("曲", 12),
    ("姜", 14),
    ("宋", 12),
    ("韩", 12),
    ("金", 10),
    ("崔", 9),
    ("关", 14),
    ("佟", 10),
    ("那", 6),
    ("富", 5),
    ("付", 10),
    ("吴", 10),
    ("周", 10),
    ("吕", 8),
    ("孟", 7),
    ("邢", 5),
    ("鞠", 5),
    ("隋", 4),
    ("丛", 4),
    ("谭", 5),
    ("田", 8),
    ("范", 6),
    ("白", 6),
    ("郝", 5),
    ("祁", 4),
    ("林", 6),
    ("丁", 6),
    ("肖", 6),
    ("尹", 5),
)

# In the Korean-nationality township the usual Korean surnames dominate.
KOREAN_SURNAMES: tuple[tuple[str, int], ...] = (
    ("金", 40),
    ("朴", 30),
    ("李", 30),
    ("崔", 20),
    ("郑", 15),
    ("姜", 10),
    ("韩", 8),
    ("尹", 6),
    ("吴", 5),
    ("全", 5),
)

MALE_GIVEN: tuple[str, ...] = (
    "德福",
    "永贵",
    "长山",
    "振海",
    "国庆",
    "建国",
    "宝山",
    "春生",
    "立新",
    "福林",
    "玉成",
    "连生",
    "庆丰",
    "树林",
    "洪武",
    "志刚",
    "金山",
    "凤山",
    "俊峰",
    "海涛",
    "铁军",
    "景春",
    "广发",
    "殿臣",
    "文学",
    "继武",
    "绍华",
    "万福",
    "传义",
    "长海",
    "宝库",
    "守仁",
    "占山",
    "兴旺",
    "福贵",
    "成林",
    "春雷",
    "国富",
    "家祥",
    "明远",
    "忠",
    "刚",
    "强",
    "勇",
    "军",
    "斌",
    "亮",
    "伟",
    "峰",
    "东",
    "大勇",
    "二宝",
    "玉林",
    "宏伟",
    "德胜",
    "永利",
    "学文",
    "长青",
    "东升",
    "汉臣",
)

FEMALE_GIVEN: tuple[str, ...] = (
    "桂兰",
    "淑珍",
    "玉梅",
    "秀英",
    "凤芝",
    "桂芝",
    "玉兰",
    "秀珍",
    "淑华",
    "丽华",
    "春燕",
    "秀兰",
    "凤琴",
    "翠花",
    "艳红",
    "桂英",
    "玉霞",
    "淑芬",
    "素梅",
    "红梅",
    "丽",
    "敏",
    "静",
    "燕",
    "霞",
    "娟",
    "艳",
    "芳",
    "红",
    "玲",
)

# The three cadres of each work team come from a dispatching unit (city or county level).
DISPATCHING_UNITS: tuple[str, ...] = (
    "市委组织部",
    "市扶贫办",
    "市财政局",
    "市农委",
    "市交通局",
    "市民政局",
    "市司法局",
    "市公安局",
    "市国土资源局",
    "市住建委",
    "市水务局",
    "市林业局",
    "市卫计委",
    "市教育局",
    "县委组织部",
    "县扶贫办",
    "县农经局",
    "县财政局",
    "县交通局",
    "县民政局",
    "县司法局",
    "县林业局",
    "县水利局",
    "县畜牧局",
    "县农村信用联社",
    "县供电公司",
)

# Where party members transferred to.
DESTINATIONS: tuple[str, ...] = (
    "沈阳市大东区津桥街道党工委",
    "本溪市平山区南地街道党工委",
    "大连市甘井子区泉水街道党工委",
    "丹东市振兴区站前街道党工委",
    "本溪市明山区新明街道党工委",
    "鞍山市铁东区园林街道党工委",
)


# -- drawing names ----------------------------------------------------------------------------


class Surnames:
    """A weighted pool of surnames: the village's big families come up most."""

    def __init__(self, weights: tuple[tuple[str, int], ...] | list[tuple[str, int]]) -> None:
        self.names = [s for s, _ in weights]
        self.cum = list(accumulate(w for _, w in weights))

    def draw(self, rng: random.Random) -> str:
        return rng.choices(self.names, cum_weights=self.cum)[0]

    @classmethod
    def of_village(cls, rng: random.Random, village: str, township: str) -> Surnames:
        """Two big families drawn at random, plus the one a name like 祁家堡 points to."""
        if "朝鲜族" in township:
            pool = [*KOREAN_SURNAMES, *((s, w // 3) for s, w in SURNAMES)]
        else:
            pool = list(SURNAMES)
        names = [s for s, _ in pool]
        big = set(rng.sample(names[:20], 2))
        family = village.find("家")
        if family > 0 and village[family - 1] in names:
            big.add(village[family - 1])
        return cls([(s, w + 120 if s in big else w) for s, w in pool])


ANYONE = Surnames(SURNAMES)


def person(rng: random.Random, surnames: Surnames, male: bool, surname: str = "") -> str:
    return (surname or surnames.draw(rng)) + rng.choice(MALE_GIVEN if male else FEMALE_GIVEN)


def id_number(rng: random.Random, county_code: str, male: bool, born_after: int = 1934) -> str:
    """A well-formed resident identity number (GB 11643) registered in the county."""
    born = date(rng.randint(born_after, 1986), rng.randint(1, 12), rng.randint(1, 28))
    serial = rng.randrange(500) * 2 + (1 if male else 0)  # odd for men, even for women
    first17 = f"{county_code}{born:%Y%m%d}{serial:03d}"
    return first17 + check_digit(first17)
