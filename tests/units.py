"""The codes of the tests' administrative units: the city, the county, a township, its two
villages and their villager groups (``small_network`` in tests/builders.py opens them)."""

from __future__ import annotations

CITY, COUNTY, TOWNSHIP = "210500", "210521", "210521100"
VILLAGE_A, VILLAGE_B = "210521100201", "210521100202"
GROUP_A1, GROUP_A2, GROUP_B1 = VILLAGE_A + "001", VILLAGE_A + "002", VILLAGE_B + "001"
