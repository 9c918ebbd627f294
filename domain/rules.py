"""Rule sets: thresholds of the programme, as versioned data.

An assessment or a coverage figure is computed under a named rule set, so that it can be
replayed later under the rules it used, or compared with another.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from domain.cadres import DispatchLevel, Rank


@dataclass(frozen=True)
class RuleSet:
    version: str
    # A central household usually links 10–20 neighbours; more than this is "overloaded".
    max_linked_per_central_household: int = 15
    # Work teams: a term of three years, "no decoupling until out of poverty" after that.
    team_term_years: int = 3
    # Team leaders: deputy-division rank for city units, deputy-section for county units
    # (the seed); province units are not in the seed, so theirs is a choice.
    province_leader_min_rank: Rank = Rank.DEPUTY_DIVISION
    city_leader_min_rank: Rank = Rank.DEPUTY_DIVISION
    county_leader_min_rank: Rank = Rank.DEPUTY_SECTION
    # Leave up to this many days is approved by the township, longer leave by the county.
    township_leave_max_days: int = 3
    # A member is "not regularly resident" in a month with fewer days than this in the village.
    min_days_in_village_per_month: int = 20
    # Audit: an entry recorded more than this many days after it occurred is "back-dated".
    backdated_after_days: int = 7

    def leader_min_rank(self, level: DispatchLevel) -> Rank:
        return {
            DispatchLevel.PROVINCE: self.province_leader_min_rank,
            DispatchLevel.CITY: self.city_leader_min_rank,
            DispatchLevel.COUNTY: self.county_leader_min_rank,
        }[level]


DEFAULT_RULES = RuleSet(version="benxi-2014")


def days_required(min_days_per_month: int, days_served: int, days_in_month: int) -> int:
    """The days in the village a member owes in a month: a member who served part of the
    month owes that part of the threshold, rounded up."""
    return math.ceil(min_days_per_month * days_served / days_in_month)
