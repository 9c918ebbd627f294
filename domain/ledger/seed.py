"""The seed report's figures of the village work ledger in Benxi city (210500): what the city's
survey of its 72 poor villages counted in June 2014, and the letters and measures that
followed. The city's ledger page shows them beside the ledger's own roll-up, and the demo is
built to reach them; they are kept here, as data, in one place.

Each figure names the roll-up's part and key it stands beside (``Zhucun.ledger``), the
number the report gives, and whether the report says "more than" (余, 多) or an exact count.
"""

from __future__ import annotations

from dataclasses import dataclass

SEED_CITY = "210500"  # 本溪市: the city the report is about


@dataclass(frozen=True)
class SeedFigure:
    part: str  # the roll-up's part: survey, letters, measures
    key: str  # the figure's key in that part
    number: int
    more_than: bool  # "4200余份": the report gives a floor, not a count


# "全市先后共发放情况统计表和调查问卷4200余份，召开座谈会120余次，入户走访5600余户，个别访谈村民群众
# 1500多人次，征求意见3570余条，查找出存在的突出问题90个"; "64个选派单位与64个贫困村签订了工作目标
# 责任书，有针对性地制订具体帮扶措施310余项".
SEED_FIGURES: tuple[SeedFigure, ...] = (
    SeedFigure("survey", "tables_and_questionnaires", 4200, True),
    SeedFigure("survey", "symposiums", 120, True),
    SeedFigure("survey", "households_visited", 5600, True),
    SeedFigure("survey", "interviews", 1500, True),
    SeedFigure("survey", "opinions", 3570, True),
    SeedFigure("survey", "problems", 90, False),
    SeedFigure("letters", "letters", 64, False),
    SeedFigure("measures", "measures", 310, True),
)


def reached(figure: SeedFigure, count: int) -> bool:
    """Does the ledger's count reach the report's figure: above its floor ("more than"), or
    equal to its count?"""
    return count > figure.number if figure.more_than else count == figure.number
