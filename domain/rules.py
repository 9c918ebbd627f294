"""Rule sets: thresholds of the programme, as versioned data.

An assessment or a coverage figure is computed under a named rule set, so that it can be
replayed later under the rules it used, or compared with another.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RuleSet:
    version: str
    # A central household usually links 10–20 neighbours; more than this is "overloaded".
    max_linked_per_central_household: int = 15


DEFAULT_RULES = RuleSet(version="benxi-2014")
