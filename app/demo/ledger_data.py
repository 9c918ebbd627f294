"""Words and figures behind the demo's village work ledger (工作台账): the seed's survey totals,
and what the survey heard and found, the plans, measures and letters of poor villages in
Benxi's mountain areas (measures 1 and 3 of the seed).

Templates take ``{group}`` (a villager group, e.g. 三组), ``{few}`` (2–5), ``{n}`` (5–40),
``{homes}`` (30–150), ``{people}`` (100–300), ``{mu}`` (mu of land, 50–300), ``{km}``
(kilometres), ``{m}`` (metres), ``{w}`` (ten-thousands of yuan) and ``{crop}``.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.ledger.findings import OpinionCategory, OpinionSource, RootCause
from domain.ledger.goals import EvidenceKind, GoalStatus, SixHave
from domain.ledger.measures import FundingSource
from domain.ledger.plans import MeasureCategory
from domain.ledger.seed import SEED_FIGURES
from domain.ledger.survey import IntervieweeCategory

# -- the seed's figures ----------------------------------------------------------------------


SEED = {f.key: f for f in SEED_FIGURES}  # the city's totals the demo reaches
# How far above a "more than" figure the demo lands, within the report's rounding: "4200余份"
# is 4,201 to 4,299, "3570余条" 3,571 to 3,579.
ABOVE = {
    "tables_and_questionnaires": 60,
    "symposiums": 9,
    "households_visited": 60,
    "interviews": 60,
    "opinions": 9,
    "measures": 9,
}

PROBLEMS_EXACT = SEED["problems"].number
# Villages whose survey found two prominent problems: the rest found one.
TWO_PROBLEMS = PROBLEMS_EXACT - 72

# -- the survey (摸底排查) ---------------------------------------------------------------------

WHY = {
    "period": "确定本村摸底排查的起止日期",
    "statistics_table": "向村两委和各村民小组发放情况统计表，按期收回",
    "questionnaire": "入户发放调查问卷，按期收回",
    "symposium": "召开座谈会，征求党员群众意见",
    "consultation": "组织乡镇领导、村两委成员、党员和村民代表集体会诊，分析原因，查找致贫根源",
    "interview": "个别访谈村民群众",
    "opinion": "整理摸底排查征求到的意见建议",
    "problem": "集体会诊确定的突出问题及致贫根源",
    "form": "填写本溪市贫困村简要情况登记表",
    "form_revised": "核对村集体账目和债务清单后，更正登记表",
    "classify": "依据摸底排查查找出的突出问题，复核并确认村分类",
    "visit": "摸底排查入户走访",
}
FORM_REVISED_VILLAGES = 7  # forms corrected once the village's accounts were checked

VISIT_NOTES = (
    "摸底排查：了解家庭人口、劳动力和收入情况",
    "摸底排查：了解种植养殖和外出务工情况",
    "摸底排查：了解家庭困难和致贫原因",
    "摸底排查：发放调查问卷，听取对村两委班子的意见",
    "摸底排查：核实住房和饮水情况",
)

SYMPOSIUM_TOPICS = (
    "征求党员群众对村两委班子建设的意见",
    "听取村民代表对村屯道路、饮水等基础设施的意见",
    "研究发展村集体经济的思路",
    "了解村民增收的门路和困难",
    "征求老党员、老干部对村里发展的意见",
)
CONSULTATION_TOPIC = "集体会诊：分析存在问题的原因，查找致贫根源"

INTERVIEWS: dict[IntervieweeCategory, tuple[int, tuple[str, ...]]] = {
    # category: (weight, notes)
    IntervieweeCategory.COMMITTEE_MEMBER: (
        3,
        (
            "谈班子团结和分工情况",
            "谈村集体收入来源和债务情况",
            "谈村务公开和财务管理情况",
            "谈班子成员年龄结构和后备干部培养",
        ),
    ),
    IntervieweeCategory.PARTY_MEMBER: (
        4,
        (
            "谈党组织生活开展情况",
            "谈发展党员工作和党员发挥作用",
            "谈对村党支部书记的评价",
        ),
    ),
    IntervieweeCategory.VILLAGER_REPRESENTATIVE: (
        3,
        (
            "反映村民代表会议召开不正常",
            "谈对修路和饮水工程的意见",
            "谈集体土地发包和收益分配",
        ),
    ),
    IntervieweeCategory.POOR_HOUSEHOLD: (
        5,
        (
            "因病致贫，家中主要劳力常年吃药",
            "老两口无劳动能力，靠低保和子女接济生活",
            "孩子上学负担重，家里欠外债",
            "房屋年久失修，属危房",
            "残疾人家庭，缺少稳定收入",
        ),
    ),
    IntervieweeCategory.VILLAGER: (
        6,
        (
            "反映灌溉水渠年久失修",
            "想发展食用菌种植，缺技术缺资金",
            "反映山货卖不上价",
            "谈外出务工和农闲时的收入",
            "反映到村部和镇里的路不好走",
        ),
    ),
    IntervieweeCategory.OTHER: (
        1,
        (
            "老干部谈村里历史遗留问题",
            "致富带头人谈合作社经营和销路",
            "乡村医生谈村民看病就医情况",
        ),
    ),
}

# Where the opinions came from, by weight.
OPINION_SOURCES = {
    OpinionSource.QUESTIONNAIRE: 40,
    OpinionSource.SYMPOSIUM: 22,
    OpinionSource.HOUSEHOLD_VISIT: 28,
    OpinionSource.INTERVIEW: 10,
}

OPINIONS: dict[OpinionCategory, tuple[str, ...]] = {
    OpinionCategory.COMMITTEES: (
        "希望配齐村两委班子，选出年轻有能力、能带领大家致富的村干部",
        "村党支部多年没发展党员，建议培养{group}的年轻人入党",
        "两委成员分工不明确，遇事推诿，希望明确职责",
        "村务公开不及时，希望每季度公开一次财务账目",
        "党员年龄偏大，组织生活流于形式，希望定期开展活动",
        "希望村干部多到各组走走，听听群众意见",
        "集体土地发包应经村民代表会议讨论，公开透明",
        "建议村干部轮流坐班，方便群众办事",
        "村民代表会议很少开，大事小情都是几个人说了算",
    ),
    OpinionCategory.CONDITIONS: (
        "{group}到村部的路是土路，雨天出不去，希望硬化",
        "{group}的饮水井夏天水浑、冬天上冻，希望建自来水",
        "村里的桥是六十年代修的，已成危桥，希望重建",
        "灌溉水渠年久失修，{group}有{n}亩地浇不上水",
        "村里没有路灯，晚上出行不便",
        "希望给{group}的危房户争取危房改造指标",
        "村卫生室条件差，老人看病要去镇里",
        "手机信号不好，希望协调通信公司建基站",
        "河道没有护坝，每年汛期冲毁耕地",
        "村部房屋破旧，没有开会和活动的地方",
        "{group}的砂石路被山洪冲坏，拖拉机过不去",
    ),
    OpinionCategory.COLLECTIVE_ECONOMY: (
        "村集体没有收入，办事全靠上级拨款，希望发展集体经济",
        "村里的荒山可以统一流转，栽红松、榛子增加集体收入",
        "建议村集体建食用菌大棚对外出租",
        "村集体欠款{n}万元，希望帮助清理化解",
        "村里闲置的小学校舍可以改造出租",
        "建议成立村办合作社，统一收购销售山野菜",
        "集体林地承包费过低，合同到期后应重新发包",
    ),
    OpinionCategory.INCOME: (
        "想发展林下参种植，缺资金也缺技术",
        "希望组织养牛、养羊技术培训",
        "山核桃、榛子卖不上价，希望帮助联系销路",
        "年轻人都外出打工了，希望在本地有打工的门路",
        "希望提供小额贴息贷款，扩大{crop}种植",
        "中药材种植要技术指导，去年{n}亩细辛长得不好",
        "建议利用山水发展农家乐和乡村旅游",
        "养蜂户想成立合作社，统一品牌统一销售",
        "林蛙养殖要办手续，希望帮助协调",
    ),
    OpinionCategory.OTHER: (
        "希望解决{group}与邻村的山林界址纠纷",
        "低保评定不公开，希望张榜公示",
        "留守老人多，希望建老年活动室",
        "孩子上学路远，希望恢复校车",
        "建议调解{group}的宅基地纠纷",
        "新农合报销比例低，大病负担重",
        "村里缺劳力，农忙时雇不到人",
    ),
}
CROPS = ("蓝莓", "榛子", "五味子", "细辛", "食用菌", "山野菜", "红松籽")

# -- problems found and their root causes (突出问题, 致贫根源) ---------------------------------


@dataclass(frozen=True)
class ProblemText:
    description: str
    cause: RootCause
    heard: tuple[str, ...]  # what people said that pointed to it: the opinions it cites
    cause_text: str = ""  # required with RootCause.OTHER


P, R = ProblemText, RootCause

# The main problem of a governance village, by its class (``domain.villages.Problem``).
MAIN_PROBLEMS: dict[str, tuple[ProblemText, ...]] = {
    "weak_committees": (
        P(
            "村两委班子软弱涣散，书记年龄偏大，班子不团结，带领群众致富能力弱",
            R.WEAK_LEADERSHIP,
            (
                "村干部各干各的，遇事推诿，群众有事找不到人",
                "书记年纪大了，带不动大家致富，希望选年轻能干的人进班子",
                "两委班子不团结，开会经常吵架",
            ),
        ),
        P(
            "村党支部多年未发展党员，党员队伍老化，组织生活不正常",
            R.WEAK_LEADERSHIP,
            (
                "村党支部好几年没发展党员了，年轻人入党无门",
                "党员大多七十多岁，组织生活一年开不了几次",
                "希望把在外务工的年轻党员组织起来",
            ),
        ),
    ),
    "chaotic_affairs": (
        P(
            "村务管理混乱，财务账目不清，四议一审两公开落实不到位，群众意见大",
            R.WEAK_LEADERSHIP,
            (
                "村里的账多年没公开，群众不知道钱花哪了",
                "修路集资的钱没有公布去向",
                "大事不开村民代表会议，几个村干部说了算",
            ),
        ),
        P(
            "集体资产底数不清，土地发包未经村民代表会议讨论",
            R.OTHER,
            (
                "村里的机动地被谁承包了、承包费多少，群众都不清楚",
                "集体林地发包没开会讨论，价格太低",
                "村部旁边的集体房屋被个人长期占用",
            ),
            "村务管理制度不健全，集体资产长期无人监管",
        ),
    ),
    "many_disputes": (
        P(
            "山林权属和土地承包纠纷多，近两年群众上访十余起",
            R.OTHER,
            (
                "希望解决{group}与邻村的山林界址纠纷",
                "二轮承包时地块没分清，邻里为地界吵了好几年",
                "上访反映的问题一直没人给个说法",
            ),
            "历史遗留的山林界址不清，矛盾调处机制缺失",
        ),
        P(
            "征地补偿和宅基地纠纷突出，邻里矛盾多，治安状况较差",
            R.OTHER,
            (
                "修公路占地的补偿款分配不公平",
                "建议调解{group}的宅基地纠纷",
                "村里有人偷牛，晚上不敢出门",
            ),
            "征地补偿分配方案未经民主程序，群众不信任村干部",
        ),
    ),
}

# An economy village's main problem follows what its classification found (the keyword).
LAGGING: tuple[tuple[str, ProblemText], ...] = (
    (
        "空壳",
        P(
            "村集体经济空壳，无稳定收入来源，且有历史债务",
            R.WEAK_COLLECTIVE_ECONOMY,
            (
                "村集体没有收入，办事全靠上级拨款，希望发展集体经济",
                "村集体欠款{n}万元，希望帮助清理化解",
                "村里连办公的电费都交不起",
            ),
        ),
    ),
    (
        "无村集体经济收入",
        P(
            "集体资源闲置，山林、荒地承包费低，集体年收入不足万元",
            R.WEAK_COLLECTIVE_ECONOMY,
            (
                "集体林地承包费过低，合同到期后应重新发包",
                "村里的荒山可以统一流转，栽红松、榛子增加集体收入",
                "村里闲置的小学校舍可以改造出租",
            ),
        ),
    ),
    (
        "交通不便",
        P(
            "村屯道路多为砂石路和土路，雨季出行难，农产品运不出去",
            R.POOR_INFRASTRUCTURE,
            (
                "{group}到村部的路是土路，雨天出不去，希望硬化",
                "{group}的砂石路被山洪冲坏，拖拉机过不去",
                "路不好，收山货的车不愿意进村，价钱压得很低",
            ),
        ),
    ),
    (
        "玉米",
        P(
            "种植结构单一，以玉米为主，村民缺少致富技术和项目",
            R.LACK_OF_SKILLS,
            (
                "家家种玉米，一亩地挣不了几个钱，想种别的不会种",
                "希望组织养牛、养羊技术培训",
                "想发展林下参种植，缺资金也缺技术",
            ),
        ),
    ),
    (
        "耕地少",
        P(
            "地处深山区，耕地少且分散，土地贫瘠，靠天吃饭",
            R.NATURAL_CONDITIONS,
            (
                "地都在山坡上，一下大雨就冲，收成没保障",
                "{group}人均不到一亩地，种啥都不够吃",
                "离镇里远，看病上学买东西都不方便",
            ),
        ),
    ),
    (
        "缺少资金",
        P(
            "村民发展种养业缺少启动资金，贷款难",
            R.LACK_OF_FUNDS,
            (
                "希望提供小额贴息贷款，扩大{crop}种植",
                "想养牛买不起牛犊，信用社贷款要担保",
                "种参要先投钱好几年才见效，一般人家投不起",
            ),
        ),
    ),
)

# A second problem, found in a few villages beside the main one.
SECOND_PROBLEMS = (
    P(
        "饮水工程老化，部分村民小组季节性缺水，饮水不安全",
        R.POOR_INFRASTRUCTURE,
        (
            "{group}的饮水井夏天水浑、冬天上冻，希望建自来水",
            "干旱时要到山下挑水",
            "自来水管子老化，三天两头坏",
        ),
    ),
    P(
        "灌溉设施年久失修，河道无护坝，耕地常年受洪水威胁",
        R.POOR_INFRASTRUCTURE,
        (
            "灌溉水渠年久失修，{group}有{n}亩地浇不上水",
            "河道没有护坝，每年汛期冲毁耕地",
            "去年发大水冲走了{group}十几亩地",
        ),
    ),
    P(
        "因病致贫户多，老年人慢性病负担重",
        R.ILLNESS,
        (
            "新农合报销比例低，大病负担重",
            "家里老人常年吃药，一年药费好几千",
            "村卫生室条件差，老人看病要去镇里",
        ),
    ),
    P(
        "青壮年大多外出务工，留守老人多，村里缺劳力",
        R.LACK_OF_LABOUR,
        (
            "村里缺劳力，农忙时雇不到人",
            "年轻人都出去打工了，村里剩下老人孩子",
            "留守老人多，希望建老年活动室",
        ),
    ),
    P(
        "残疾人家庭多，缺少稳定收入",
        R.DISABILITY,
        (
            "残疾人家庭没有劳动能力，希望帮助找点能干的活",
            "希望落实残疾人补贴",
            "家里有残疾人，离不开人照顾，出不去打工",
        ),
    ),
    P(
        "村集体负债较重，无力兴办公益事业",
        R.WEAK_COLLECTIVE_ECONOMY,
        (
            "村集体欠款{n}万元，希望帮助清理化解",
            "村里想修路，集体一分钱拿不出来",
            "欠工程队的钱多年还不上，村里信誉不好",
        ),
    ),
)

# The opinions a problem is drawn from are of this category.
CAUSE_OPINIONS = {
    R.WEAK_LEADERSHIP: OpinionCategory.COMMITTEES,
    R.WEAK_COLLECTIVE_ECONOMY: OpinionCategory.COLLECTIVE_ECONOMY,
    R.POOR_INFRASTRUCTURE: OpinionCategory.CONDITIONS,
    R.NATURAL_CONDITIONS: OpinionCategory.CONDITIONS,
    R.LACK_OF_SKILLS: OpinionCategory.INCOME,
    R.LACK_OF_FUNDS: OpinionCategory.INCOME,
    R.ILLNESS: OpinionCategory.OTHER,
    R.LACK_OF_LABOUR: OpinionCategory.OTHER,
    R.DISABILITY: OpinionCategory.OTHER,
    R.OTHER: OpinionCategory.OTHER,
}

# -- plans (帮扶规划) ------------------------------------------------------------------------

C = MeasureCategory
ITEM_KEYS = {C.COMMITTEES: "A", C.CONDITIONS: "B", C.COLLECTIVE_ECONOMY: "C", C.INCOME: "D"}

# What a three-year goal aims at, by category.
GOALS: dict[MeasureCategory, tuple[str, ...]] = {
    C.COMMITTEES: (
        "调整充实村两委班子，选好配强村党支部书记",
        "三年内发展年轻党员{few}名，培养村级后备干部{few}名",
        "落实四议一审两公开，村务、财务每季度公开",
        "建立党员联系户和三会一课制度",
    ),
    C.CONDITIONS: (
        "硬化村屯道路{km}公里",
        "建设安全饮水工程，解决{homes}户吃水难",
        "维修灌溉水渠{km}公里，修筑河道护坝{m}米",
        "改造村部，建成为民服务站",
        "改造危房{n}户",
        "安装太阳能路灯{n}盏",
    ),
    C.COLLECTIVE_ECONOMY: (
        "建食用菌大棚{n}栋，集体年增收{w}万元",
        "流转荒山{mu}亩栽植红松、榛子，发展集体林业",
        "成立村级专业合作社，集体年收入达到{w}万元",
        "盘活闲置校舍，出租用作加工厂房",
    ),
    C.INCOME: (
        "发展林下参、细辛等中药材种植{mu}亩",
        "扶持{n}户发展肉牛、绒山羊养殖",
        "组织农民实用技术培训{people}人次",
        "发展蓝莓、五味子等特色种植{mu}亩",
    ),
}

# What a year's plan puts first, by category.
YEAR_FOCUS: dict[MeasureCategory, tuple[str, ...]] = {
    C.COMMITTEES: (
        "完成村两委班子调整，健全党员活动制度",
        "开展党员冬春培训，发展党员{few}名",
        "村务、财务按季度公开，建立村干部坐班制度",
    ),
    C.CONDITIONS: (
        "完成{group}道路硬化{km}公里",
        "完成饮水工程一期，解决{homes}户吃水难",
        "完成村部改造和为民服务站建设",
        "维修水渠{km}公里",
    ),
    C.COLLECTIVE_ECONOMY: (
        "建成食用菌大棚{n}栋并对外出租",
        "完成荒山流转{mu}亩，栽植红松",
        "合作社正常运营，集体收入达到{w}万元",
    ),
    C.INCOME: (
        "新增中药材种植{mu}亩",
        "扶持养殖户{n}户",
        "举办实用技术培训{few}期",
    ),
}

THREE_YEAR_TITLE = "{village}三年帮扶目标（2014—2016年）"
ANNUAL_TITLE = "{village}{year}年度帮扶计划"
REVISED_TITLE = "{title}（修订）"
PLAN_WHY = {
    "draft": "驻村工作队会同县(区)、乡镇党委研究起草",
    "revise": "根据乡镇党委审核意见修改完善",
    "revise_later": "项目调整，经村民代表会议讨论修订帮扶目标",
    "approve_township": "经乡镇党委会议研究，同意实施",
    "approve_county": "经县委组织部、县扶贫办审核，同意实施",
}
ANNUAL_PLANS_PENDING = 3  # villages whose 2017 plan still awaits approval when the demo ends
ANNUAL_PLANS_MISSING = 1  # and one whose 2017 plan was never drafted

# -- measures (帮扶措施) ---------------------------------------------------------------------

S = FundingSource


@dataclass(frozen=True)
class MeasureText:
    title: str
    fits: str  # a word of the plan items it serves ("": any of its category)
    budget: tuple[int, int]  # yuan, the least and the most
    sources: tuple[FundingSource, ...]


M = MeasureText

MEASURES: dict[MeasureCategory, tuple[MeasureText, ...]] = {
    C.COMMITTEES: (
        M("举办党员冬春培训班", "党员", (3000, 15000), (S.PARTY_FEE,)),
        M("选派后备干部外出考察学习", "后备干部", (8000, 30000), (S.PARTY_FEE,)),
        M("召开党员大会和村民代表会议，补选村委会委员", "班子", (2000, 8000), (S.PARTY_FEE,)),
        M(
            "制定村务公开目录，设立村务公开栏",
            "公开",
            (3000, 12000),
            (S.PARTY_FEE, S.COLLECTIVE_SELF_RAISED),
        ),
        M("建立党员联系户制度，划分党员责任区", "联系户", (0, 0), ()),
        M("规范三会一课，建立党员活动日制度", "三会一课", (0, 0), ()),
    ),
    C.CONDITIONS: (
        M("硬化{group}至村部道路{km}公里", "道路", (300000, 1600000), (S.FISCAL, S.URBAN_RURAL)),
        M(
            "打深水井{few}眼并铺设供水管网",
            "饮水",
            (80000, 300000),
            (S.FISCAL, S.COLLECTIVE_SELF_RAISED),
        ),
        M("维修{group}灌溉水渠{km}公里", "水渠", (50000, 300000), (S.FISCAL,)),
        M(
            "改造村部，建设为民服务站",
            "村部",
            (100000, 400000),
            (S.FISCAL, S.PARTY_FEE, S.URBAN_RURAL),
        ),
        M("落实{n}户危房改造补助", "危房", (100000, 400000), (S.FISCAL,)),
        M(
            "安装太阳能路灯{n}盏",
            "路灯",
            (40000, 150000),
            (S.URBAN_RURAL, S.COLLECTIVE_SELF_RAISED),
        ),
        M("修筑{group}河道护坝{m}米", "护坝", (120000, 500000), (S.FISCAL, S.URBAN_RURAL)),
    ),
    C.COLLECTIVE_ECONOMY: (
        M(
            "建设食用菌大棚{n}栋",
            "大棚",
            (200000, 800000),
            (S.FISCAL, S.URBAN_RURAL, S.COLLECTIVE_SELF_RAISED),
        ),
        M(
            "流转荒山{mu}亩栽植红松经济林",
            "荒山",
            (100000, 400000),
            (S.FISCAL, S.COLLECTIVE_SELF_RAISED),
        ),
        M(
            "成立山野菜专业合作社，建设收购点",
            "合作社",
            (50000, 200000),
            (S.FISCAL, S.COLLECTIVE_SELF_RAISED),
        ),
        M(
            "改造闲置校舍出租作加工厂房",
            "校舍",
            (30000, 150000),
            (S.COLLECTIVE_SELF_RAISED, S.URBAN_RURAL),
        ),
    ),
    C.INCOME: (
        M("引进林下参、细辛种苗，扶持{n}户种植", "中药材", (50000, 300000), (S.FISCAL,)),
        M("肉牛养殖贴息贷款，扶持{n}户", "养殖", (30000, 200000), (S.FISCAL,)),
        M("举办食用菌、中药材种植技术培训{few}期", "培训", (5000, 30000), (S.FISCAL,)),
        M("联系超市和电商平台销售山货", "", (0, 20000), (S.COLLECTIVE_SELF_RAISED,)),
        M(
            "发展蓝莓、五味子种植{mu}亩",
            "种植",
            (60000, 250000),
            (S.FISCAL, S.COLLECTIVE_SELF_RAISED),
        ),
    ),
}

MEASURE_WHY = {
    "plan": "依据批准的帮扶规划制定帮扶措施",
    "start": "开始实施",
    "done": "经乡镇组织验收，措施完成",
    "progress": "记录措施进展",
}
# Progress notes, in the order they come, by category.
PROGRESS: dict[MeasureCategory, tuple[str, ...]] = {
    C.COMMITTEES: (
        "召开村两委会议研究具体安排",
        "乡镇党委审核同意实施方案",
        "已组织党员集中学习一次",
        "制度上墙，建立活动记录本",
    ),
    C.CONDITIONS: (
        "完成前期勘察和设计",
        "召开村民代表会议讨论通过实施方案",
        "施工队进场，完成工程量约三成",
        "完成过半，资金按进度拨付",
        "主体完工，等待验收",
    ),
    C.COLLECTIVE_ECONOMY: (
        "完成选址和可行性论证",
        "村民代表会议表决通过",
        "签订承包（流转）合同",
        "开始建设，完成投资过半",
        "投入使用，开始产生收益",
    ),
    C.INCOME: (
        "入户摸清有意愿的农户",
        "联系县农业技术推广站提供技术指导",
        "种苗（牛犊）已到位，发放到户",
        "已有农户见到收益",
    ),
}
DELAYS = (
    "配套资金未到位，暂停施工",
    "受汛期影响，工期延误",
    "设计变更，重新报批",
    "承包方未按期进场，乡镇正在协调",
)
DROP_REASONS = (
    "选址涉及基本农田，无法办理用地手续，经村民代表会议讨论放弃",
    "市场行情变化，经合作社社员大会决定不再实施",
    "已纳入县交通局通村公路项目，本措施不再单独实施",
    "村民意见分歧较大，未通过四议一审程序",
)

# -- responsibility letters (工作目标责任书) --------------------------------------------------

LETTER_WHY = "派出单位与所驻村签订工作目标责任书"
TARGET_TEXT = "三年内{goal}"

# -- four-source funding (四位一体资金) --------------------------------------------------------

FUND_WHY = {
    "allocate": "按批准的帮扶措施拨付资金",
    "spend": "按工程（项目）进度支付，附发票和验收单",
    "reverse": "红字冲销",
    "reverse_dropped": "措施经村民代表会议讨论取消，未使用资金按原渠道收回",
    "reverse_wrong": "凭证{voucher}金额录入有误（应为{amount}元），红字冲销后重新登记",
}
PAYEES: dict[MeasureCategory, tuple[str, ...]] = {
    C.COMMITTEES: ("乡镇党校", "县委党校", "村党支部", "本溪市新华书店"),
    C.CONDITIONS: (
        "本溪县路桥工程有限公司",
        "桓仁满族自治县水利工程公司",
        "本溪市兴达建筑安装有限公司",
        "本溪华远照明工程有限公司",
        "本溪市宏建建筑工程有限公司",
    ),
    C.COLLECTIVE_ECONOMY: (
        "本溪市农业生产资料公司",
        "桓仁满族自治县林业种苗站",
        "本溪恒泰温室工程有限公司",
        "村山野菜专业合作社",
    ),
    C.INCOME: (
        "本溪县农业技术推广站",
        "桓仁满族自治县中药材种苗繁育基地",
        "本溪市畜牧技术推广站",
        "辽宁本溪农村商业银行",
    ),
}
PURPOSES = ("预付款", "进度款", "材料款", "验收后结算款", "种苗款", "培训费用")

# -- the 六有 goals ----------------------------------------------------------------------------

GOAL_WHY = {
    "set": "依据三年帮扶目标，确定本村六有建设目标",
    "evidence": "整理六有建设佐证材料",
    "judge": "乡镇党委年终检查评定",
}
SH = SixHave
GOAL_TARGETS: dict[SixHave, tuple[str, ...]] = {
    SH.LEADERSHIP_TEAM: (
        "村两委班子配齐配强，书记年龄结构合理，班子团结，战斗力强",
        "选优配强村党支部书记，两委班子成员交叉任职，年度考核为好",
    ),
    SH.BACKBONE_TEAM: (
        "每年发展党员1至2名，培养村级后备干部2名以上",
        "建立致富带头人、党员中心户队伍，骨干队伍不少于10人",
    ),
    SH.SERVICE_VENUE: (
        "村部面积达到300平方米以上，设立为民服务站，功能齐全",
        "改造村级组织活动场所，做到有办公室、会议室、服务大厅和文化室",
    ),
    SH.SERVICE_CARRIERS: (
        "建立党员志愿服务队，开展代办服务，群众办事不出村",
        "开通便民服务热线，组织农技培训、文化活动每年不少于4次",
    ),
    SH.RULES_AND_MECHANISMS: (
        "落实四议一审两公开、三会一课、村务财务公开制度，制度上墙",
        "健全村规民约和民主决策、民主管理、民主监督制度",
    ),
    SH.SERVICE_RESULTS: (
        "村集体经济年收入达到5万元以上，群众满意度达到90%以上",
        "完成帮扶项目，农民人均收入年均增长10%以上，群众满意",
    ),
}
EK = EvidenceKind
# What a goal's evidence may be: title, kind, and the file's type (by its suffix).
EVIDENCE: dict[SixHave, tuple[tuple[str, EvidenceKind, str], ...]] = {
    SH.LEADERSHIP_TEAM: (
        ("村两委换届选举会议记录", EK.MINUTES, ".txt"),
        ("乡镇党委关于村党支部书记任职的批复", EK.APPROVAL, ".pdf"),
        ("村两委班子民主生活会记录", EK.MINUTES, ".txt"),
    ),
    SH.BACKBONE_TEAM: (
        ("发展党员工作台账", EK.ROSTER, ".txt"),
        ("村级后备干部名册", EK.ROSTER, ".txt"),
        ("致富带头人培训结业证书", EK.APPROVAL, ".pdf"),
    ),
    SH.SERVICE_VENUE: (
        ("村部改造工程竣工验收单", EK.APPROVAL, ".pdf"),
        ("为民服务站设立情况报告", EK.REPORT, ".txt"),
    ),
    SH.SERVICE_CARRIERS: (
        ("党员志愿服务队名册", EK.ROSTER, ".txt"),
        ("代办服务登记台账", EK.ROSTER, ".txt"),
        ("农技培训活动总结", EK.REPORT, ".txt"),
    ),
    SH.RULES_AND_MECHANISMS: (
        ("村务公开和民主管理制度汇编", EK.RULES, ".txt"),
        ("村规民约", EK.RULES, ".txt"),
        ("四议一审两公开会议记录", EK.MINUTES, ".txt"),
    ),
    SH.SERVICE_RESULTS: (
        ("村集体经济收入情况报告", EK.REPORT, ".txt"),
        ("群众满意度测评汇总", EK.REPORT, ".txt"),
        ("县扶贫办项目验收意见", EK.APPROVAL, ".pdf"),
    ),
}
EVIDENCE_BODY: dict[EvidenceKind, tuple[str, ...]] = {
    EK.MINUTES: ("参加人员：村两委成员、驻村工作队、党员代表", "会议议定事项见附件，表决通过。"),
    EK.RULES: ("本制度经村民代表会议讨论通过，自公布之日起施行。",),
    EK.ROSTER: ("序号　姓名　性别　年龄　备注", "（名单略）"),
    EK.PHOTO: ("照片说明见文件名。",),
    EK.REPORT: ("一、基本情况", "二、主要做法", "三、存在问题和下步打算"),
    EK.APPROVAL: ("经研究，同意。",),
    EK.OTHER: ("见附件。",),
}
JUDGE_NOTES = {
    GoalStatus.NOT_STARTED: "尚未开展，督促工作队抓紧推进",
    GoalStatus.UNDER_WAY: "正在推进，佐证材料待补充完善",
    GoalStatus.MET: "经检查，佐证材料齐全，目标已达到",
}

# -- the rounds after 2018 ---------------------------------------------------------------------

ROUND_WHY = (
    "",
    "",
    "按照打赢脱贫攻坚战的部署，选派新一轮驻村工作队，接续帮扶",
    "巩固拓展脱贫攻坚成果同乡村振兴有效衔接，选派乡村振兴驻村工作队",
    "选派新一轮乡村振兴驻村第一书记和工作队",
)
LETTER_RENEWED_WHY = "新一轮驻村工作开始，派出单位与所驻村续签工作目标责任书"
ROUND_TARGET = "本轮驻村期内{goal}"
LATE_DROP = "项目条件发生变化，经村民代表会议讨论不再实施"
EXIT_WHY = "经县级初验、市级复核，达到贫困村退出标准，批准退出"
NEWLY_POOR_WHY = "经动态监测，纳入重点帮扶村管理，待选派驻村工作队"
