"""A deliberately plain second reading of the log, to check the coverage read model against.

It replays the known events up to a moment, folds each entity up to a day, and lists the
blind spots on that day straight from DOMAIN.md's definitions. Slow and simple on purpose.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from typing import Any

from projections.tables import utc_naive


def known_events(log: list[tuple[int, Any]], known_at: datetime | None) -> list[tuple[int, Any]]:
    out, last = [], None
    for position, event in log:
        moment = utc_naive(event.timestamp)
        last = moment if last is None or moment > last else last
        if known_at is None or last <= known_at:
            out.append((position, event))
    return out


def state_on(log: list[tuple[int, Any]], day: date) -> dict[str, Any]:
    """Fold every entity's events dated up to ``day``, in (date, position) order."""
    units: dict[str, dict[str, Any]] = {}
    unit_code: dict[str, str] = {}
    hh: dict[str, dict[str, Any]] = {}
    members: dict[str, dict[str, Any]] = {}
    chs: dict[str, dict[str, Any]] = {}
    sites: dict[str, dict[str, Any]] = {}
    ordered = sorted(log, key=lambda pe: (date.fromisoformat(pe[1].occurred_on), pe[0]))
    for _, e in ordered:
        if date.fromisoformat(e.occurred_on) > day:
            break
        cls, name, oid = type(e).__qualname__.split(".")[0], type(e).__name__, e.originator_id.hex
        if cls == "Unit":
            if name == "Opened":
                units[e.code] = {"level": e.level, "parent": e.parent_code, "open": True}
                unit_code[oid] = e.code
            elif oid in unit_code:
                u = units[unit_code[oid]]
                if name == "Moved":
                    u["parent"] = e.parent_code
                elif name in ("Closed", "Merged"):
                    u["open"] = False
        elif cls == "Household":
            h = hh.setdefault(oid, {})
            if name == "Registered":
                h.update(group=e.group_code, village=e.village_code, active=True, link=None)
            elif name == "Moved":
                if e.village_code != h.get("village"):
                    h["link"] = None
                h.update(group=e.group_code, village=e.village_code)
            elif name == "Left":
                h.update(active=False, link=None)
            elif name == "Linked":
                h["link"] = e.central_household_id.hex
            elif name == "Unlinked":
                h["link"] = None
        elif cls == "PartyMember":
            m = members.setdefault(oid, {})
            if name == "Joined":
                m.update(village=e.village_code, active=True)
            else:
                m["active"] = False
        elif cls == "CentralHousehold":
            c = chs.setdefault(oid, {})
            if name == "Designated":
                c.update(
                    household=e.household_id.hex,
                    village=e.village_code,
                    member=e.party_member_id.hex,
                    active=True,
                )
            elif name in ("Redesignated", "PartyMemberChanged"):
                c["member"] = e.party_member_id.hex
                if name == "Redesignated":
                    c["active"] = True
            elif name == "Ended":
                c["active"] = False
        elif cls == "Site":
            s = sites.setdefault(oid, {})
            if name == "Opened":
                s.update(unit=e.unit_code, kind=e.kind, open=True, name_r=None, member=None)
            elif name == "Reopened":
                s.update(open=True, name_r=None, member=None)
            elif name == "ResponsibleAssigned":
                s.update(name_r=e.name, member=e.party_member_id.hex if e.party_member_id else None)
            elif name == "Closed":
                s["open"] = False
    return {"units": units, "hh": hh, "members": members, "chs": chs, "sites": sites}


def blind_spots(st: dict[str, Any], max_linked: int) -> tuple[set[tuple[str, str]], dict]:
    units, hh, members, chs, sites = (st[k] for k in ("units", "hh", "members", "chs", "sites"))

    def member_ok(m: str | None) -> bool:
        return bool(m) and members.get(m, {}).get("active", False)

    def village_of(h: dict[str, Any]) -> str | None:
        g = units.get(h.get("group", ""))
        return g["parent"] if g and g["open"] else None

    def serving(c_id: str | None, village: str | None) -> bool:
        c = chs.get(c_id or "")
        return bool(c and c["active"] and member_ok(c["member"]) and c["village"] == village)

    gaps: set[tuple[str, str]] = set()
    counts: dict[str, int] = defaultdict(int)
    load: dict[str, int] = defaultdict(int)
    own = {c["household"]: cid for cid, c in chs.items()}
    open_sites = {s["unit"]: s for s in sites.values() if s.get("open")}
    for hid, h in hh.items():
        village = village_of(h)
        if not h.get("active") or village is None:
            continue
        counts["household"] += 1
        if serving(own.get(hid), village):
            continue
        if serving(h.get("link"), village):
            load[h["link"]] += 1
            continue
        gaps.add(("unlinked_household", hid))
    for code, u in units.items():
        if not u["open"]:
            continue
        if u["level"] == "group":
            counts["group"] += 1
            if code not in open_sites:
                gaps.add(("group_without_point", code))
        elif u["level"] == "village":
            counts["village"] += 1
            if code not in open_sites:
                gaps.add(("village_without_station", code))
        elif u["level"] in ("city", "county", "township") and code not in open_sites:
            gaps.add(("unit_without_centre", code))
    for cid, c in chs.items():
        if not c.get("active"):
            continue
        counts["central_household"] += 1
        if not member_ok(c["member"]):
            gaps.add(("vacant_central_household", cid))
        if load[cid] > max_linked:
            gaps.add(("overloaded_central_household", cid))
    for mid, m in members.items():
        if not m.get("active"):
            continue
        counts["party_member"] += 1
        runs = any(c.get("active") and c["member"] == mid for c in chs.values())
        keeps = any(s.get("open") and s["member"] == mid for s in sites.values())
        if not (runs or keeps):
            gaps.add(("party_member_without_role", mid))
    for sid, s in sites.items():
        unit = units.get(s.get("unit", ""))
        if not s.get("open") or not unit or not unit["open"]:
            continue
        if not s["name_r"] or (s["member"] and not member_ok(s["member"])):
            gaps.add(("site_without_responsible", sid))
    return gaps, counts
