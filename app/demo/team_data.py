"""Tables behind the demo's work teams: the dispatching units, and the words of diaries,
visits, leave and findings (measures 2 and 4 of the seed)."""

from __future__ import annotations

from dataclasses import dataclass

from domain.cadres import DispatchLevel, Sector

S = Sector


@dataclass(frozen=True)
class UnitSpec:
    code: str
    name: str
    level: DispatchLevel
    sector: Sector
    county: str = ""  # a county-level unit's county; it sends its team to a village there


PROVINCE_CODE = "210000"  # 辽宁省

# Eight province departments sent a team each (the seed's "8 province teams").
PROVINCE_UNITS = tuple(
    UnitSpec(f"{PROVINCE_CODE}-{code}", name, DispatchLevel.PROVINCE, sector)
    for code, name, sector in (
        ("CIVIL", "辽宁省民政厅", S.CIVIL_AFFAIRS),
        ("AGRI", "辽宁省农村经济委员会", S.AGRICULTURE),
        ("POVERTY", "辽宁省扶贫开发领导小组办公室", S.POVERTY_ALLEVIATION),
        ("FIN", "辽宁省财政厅", S.FINANCE),
        ("TRANSPORT", "辽宁省交通厅", S.TRANSPORT),
        ("HOUSING", "辽宁省住房和城乡建设厅", S.CONSTRUCTION),
        ("LAND", "辽宁省国土资源厅", S.LAND_RESOURCES),
        ("RCC", "辽宁省农村信用社联合社", S.BANKING),
    )
)

# Twenty-seven departments of Benxi city.
CITY_UNITS = tuple(
    UnitSpec(f"210500-{code}", name, DispatchLevel.CITY, sector)
    for code, name, sector in (
        ("CIVIL", "本溪市民政局", S.CIVIL_AFFAIRS),
        ("PSB", "本溪市公安局", S.PUBLIC_SECURITY),
        ("JUSTICE", "本溪市司法局", S.JUSTICE),
        ("CONSTRUCT", "本溪市城乡建设委员会", S.CONSTRUCTION),
        ("HOUSING", "本溪市住房保障和房产管理局", S.HOUSING),
        ("LAND", "本溪市国土资源局", S.LAND_RESOURCES),
        ("ENFORCE", "本溪市城市管理综合行政执法局", S.LAW_ENFORCEMENT),
        ("COURT", "本溪市中级人民法院", S.JUSTICE),
        ("PROCURATE", "本溪市人民检察院", S.JUSTICE),
        ("PLANNING", "本溪市规划局", S.CONSTRUCTION),
        ("PETITION", "本溪市信访局", S.CIVIL_AFFAIRS),
        ("TRAFFICPOL", "本溪市公安局交通警察支队", S.PUBLIC_SECURITY),
        ("AGRI", "本溪市农村经济委员会", S.AGRICULTURE),
        ("POVERTY", "本溪市扶贫开发办公室", S.POVERTY_ALLEVIATION),
        ("FIN", "本溪市财政局", S.FINANCE),
        ("TRANSPORT", "本溪市交通局", S.TRANSPORT),
        ("WATER", "本溪市水利局", S.AGRICULTURE),
        ("FOREST", "本溪市林业局", S.AGRICULTURE),
        ("LIVESTOCK", "本溪市畜牧兽医局", S.AGRICULTURE),
        ("SUPPLY", "本溪市供销合作社", S.AGRICULTURE),
        ("LTAX", "本溪市地方税务局", S.FINANCE),
        ("NTAX", "本溪市国家税务局", S.FINANCE),
        ("ROAD", "本溪市公路管理处", S.TRANSPORT),
        ("ABC", "中国农业银行本溪分行", S.BANKING),
        ("CCB", "中国建设银行本溪分行", S.BANKING),
        ("RCC", "本溪市农村信用合作联社", S.BANKING),
        ("PSBC", "中国邮政储蓄银行本溪分行", S.BANKING),
    )
)

# The departments a county (district) sends from, in the order they were asked.
_COUNTY_DEPARTMENTS = (
    ("AGRI", "农业局", S.AGRICULTURE),
    ("CIVIL", "民政局", S.CIVIL_AFFAIRS),
    ("FIN", "财政局", S.FINANCE),
    ("PSB", "公安局", S.PUBLIC_SECURITY),
    ("POVERTY", "扶贫开发办公室", S.POVERTY_ALLEVIATION),
    ("JUSTICE", "司法局", S.JUSTICE),
    ("TRANSPORT", "交通局", S.TRANSPORT),
    ("CONSTRUCT", "住房和城乡建设局", S.CONSTRUCTION),
    ("WATER", "水利局", S.AGRICULTURE),
    ("LAND", "国土资源局", S.LAND_RESOURCES),
    ("FOREST", "林业局", S.AGRICULTURE),
    ("ENFORCE", "行政执法局", S.LAW_ENFORCEMENT),
    ("RCC", "农村信用合作联社", S.BANKING),
    ("LIVESTOCK", "畜牧兽医局", S.AGRICULTURE),
    ("HOUSING", "房产管理局", S.HOUSING),
    ("TAX", "地方税务局", S.FINANCE),
    ("ROAD", "公路管理段", S.TRANSPORT),
)

# How many teams each county (district) sent itself: 37 in all. The province's eight go to
# the two autonomous counties, where most poor villages are; the city's 27 fill the rest.
COUNTY_TEAMS = {"210502": 1, "210503": 1, "210504": 1, "210505": 2, "210521": 15, "210522": 17}
PROVINCE_TEAMS = {"210521": 4, "210522": 4}


def county_units(code: str, name: str) -> tuple[UnitSpec, ...]:
    return tuple(
        UnitSpec(f"{code}-{dept}", f"{name}{dept_name}", DispatchLevel.COUNTY, sector, code)
        for dept, dept_name, sector in _COUNTY_DEPARTMENTS[: COUNTY_TEAMS[code]]
    )


# Rough centres of the counties (lat, lon), for the check-ins' positions.
COUNTY_CENTRES = {
    "210502": (41.30, 123.77),
    "210503": (41.38, 123.72),
    "210504": (41.30, 123.85),
    "210505": (41.10, 123.75),
    "210521": (41.30, 124.12),
    "210522": (41.27, 125.36),
}

# -- findings of the classification ------------------------------------------------------------

GOVERNANCE_FINDINGS = {
    "weak_committees": (
        "村党支部书记年龄偏大，两委班子不团结，软弱涣散，多年未发展党员",
        "两委班子长期不健全，村委会主任空缺，组织生活不正常",
    ),
    "chaotic_affairs": (
        "村务公开不及时，集体资产账目不清，群众对四议一审两公开落实意见大",
        "党务村务管理混乱，集体土地发包未经村民代表会议讨论",
    ),
    "many_disputes": (
        "土地承包、宅基地纠纷多，近两年群众上访十余起，治安状况较差",
        "征地补偿和山林权属纠纷突出，邻里矛盾多，信访量居全乡前列",
    ),
}
ECONOMY_FINDINGS = (
    "以玉米种植为主，产业单一，无村集体经济收入，人均纯收入低于全县平均水平",
    "地处山区，交通不便，农产品销售难，村集体负债，青壮年大多外出务工",
    "林地多耕地少，缺少致富项目和带头人，村集体经济空壳",
    "山核桃、中药材有一定基础但规模小，缺少资金和技术，农民增收慢",
)

# -- life in the village -----------------------------------------------------------------------

DIARY = (
    "上午到{group}走访，了解群众春耕备耕情况，记录化肥、种子需求",
    "参加村两委班子会，研究{topic}，形成初步方案",
    "与村党支部书记谈心，交流班子团结和发展党员工作",
    "组织召开村民代表会议，按照四议一审两公开程序讨论{topic}",
    "到乡里汇报本月工作，争取{topic}项目支持",
    "走访低保户和五保户，核实家庭收入，帮助填写申请材料",
    "协调处理{group}邻里宅基地纠纷，双方达成调解意见",
    "整理民情台账，梳理群众反映的问题{n}条，逐条明确办理责任人",
    "联系派出单位落实帮扶资金，用于{topic}",
    "陪同技术人员到{group}查看{topic}进展，解决实际困难",
    "雨后查看村道和危房情况，提醒群众注意安全",
    "学习扶贫政策文件，准备在村民大会上宣讲",
    "组织党员过组织生活，讲党课，开展批评与自我批评",
    "帮助合作社联系销路，对接城区超市和农贸市场",
    "参加乡里驻村干部例会，交流各村帮扶经验",
)
DIARY_TOPICS = (
    "村路硬化",
    "饮水安全工程",
    "食用菌大棚",
    "山野菜种植合作社",
    "林下参种植",
    "中药材种植",
    "肉牛养殖",
    "集体经济发展",
    "村部改造",
    "文化广场建设",
    "危房改造",
    "土地流转",
    "蜂蜜合作社",
    "一村一业规划",
)
GROUPS = ("一", "二", "三", "四")  # villager groups named in diaries
VISIT_NOTES = (
    "了解家庭收入和生产情况",
    "宣讲扶贫政策，听取意见",
    "帮助解决孩子上学困难",
    "了解老人看病就医情况",
    "核实低保和贫困户信息",
    "送去种植技术资料",
    "询问养殖项目进展",
    "调解家庭矛盾",
    "了解外出务工人员情况",
    "征求对村两委工作的意见",
)

SHORT_LEAVE = (
    "家中老人生病，回家照料",
    "孩子开家长会",
    "回派出单位办理工作交接",
    "本人身体不适，到市医院就诊",
    "家中有事，请假处理",
    "参加派出单位业务培训",
)
SPRING_FESTIVAL_LEAVE = "春节回家探亲"
LONG_LEAVE = (
    "春节回家探亲，与家人团聚",
    "本人住院治疗",
    "参加市委党校中青年干部培训班",
)
REJECT_NOTE = "村里正值防汛关键期，暂缓请假"
