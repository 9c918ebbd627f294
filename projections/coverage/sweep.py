"""The coverage computation for one scope, over effective time.

A scope is a village (with its groups, households, party members, central households,
station and points) or one unit above village level (with its centre). Given every fact
known about the scope, ``sweep`` walks the days on which anything changed, in effective
order, and returns each presence (a household, a group, an active central household, …) and
each gap (a blind spot) as an interval of days, with the event that began it.

Only subjects touched by a fact are re-evaluated, so a sweep costs about the number of
facts, not days × households.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple

from domain.rules import RuleSet
from projections.coverage.facts import CENTRAL, HOUSEHOLD, MEMBER, SITE, UNIT, Fact

# Kinds of rows. Presences are counted for coverage; gaps are the blind spots.
PRESENCES = (
    "unit:province",
    "unit:city",
    "unit:county",
    "unit:township",
    "unit:village",
    "village",
    "group",
    "household",
    "central_household",
    "party_member",
    "site:centre",
    "site:station",
    "site:point",
)
GAPS = (
    "unlinked_household",
    "group_without_point",
    "village_without_station",
    "unit_without_centre",
    "vacant_central_household",
    "overloaded_central_household",
    "party_member_without_role",
    "site_without_responsible",
)

CENTRE_LEVELS = {"city", "county", "township"}


class Cause(NamedTuple):  # tuples: made per fact and per row (see facts.Fact)
    position: int
    type: str
    actor: str
    occurred_on: date


class Interval(NamedTuple):
    kind: str
    subject: str  # entity id (hex) or unit code
    name: str
    unit: str  # the unit it is reported under
    parent: str  # for "unit" rows: the parent unit; otherwise ""
    valid_from: date
    valid_to: date | None  # exclusive; None while it lasts
    since: date  # start of the episode (earlier than valid_from if the unit changed)
    cause: Cause


# -- entity state ------------------------------------------------------------------------------


@dataclass
class UnitState:
    code: str = ""
    name: str = ""
    level: str = ""
    parent: str | None = None
    open: bool = False


@dataclass
class HouseholdState:
    name: str = ""
    group: str = ""
    village: str = ""
    active: bool = False
    link: str | None = None


@dataclass
class MemberState:
    name: str = ""
    village: str = ""
    household: str = ""
    active: bool = False


@dataclass
class CentralState:
    household: str = ""
    village: str = ""
    member: str = ""
    active: bool = False


@dataclass
class SiteState:
    unit: str = ""
    kind: str = ""
    name: str = ""
    open: bool = False
    responsible: str | None = None
    responsible_member: str | None = None


Key = tuple[str, str]  # (kind, subject)
Attrs = tuple[str, str, str]  # (name, unit, parent)


@dataclass
class _Episode:
    since: date
    cause: Cause
    valid_from: date
    attrs: Attrs


@dataclass
class Sweep:
    scope: str
    rules: RuleSet
    units: dict[str, UnitState] = field(default_factory=dict)  # by code
    unit_code_of: dict[str, str] = field(default_factory=dict)  # entity id -> code
    households: dict[str, HouseholdState] = field(default_factory=dict)
    members: dict[str, MemberState] = field(default_factory=dict)
    centrals: dict[str, CentralState] = field(default_factory=dict)
    sites: dict[str, SiteState] = field(default_factory=dict)
    # reverse indexes of the current state
    hh_by_group: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    links_by_ch: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    chs_by_member: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    ch_by_household: dict[str, str] = field(default_factory=dict)
    sites_by_member: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    site_by_unit: dict[str, str] = field(default_factory=dict)
    covered_via: dict[str, str | None] = field(default_factory=dict)
    load: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    # what holds now, per subject
    keys: dict[tuple[str, str], dict[Key, Attrs]] = field(default_factory=dict)
    appeared: dict[Key, Cause] = field(default_factory=dict)

    # -- applying facts ------------------------------------------------------------------------

    def apply(self, f: Fact) -> set[tuple[str, str]]:
        """Apply one fact; return the subjects (kind, id) to evaluate again."""
        handler = getattr(self, f"_on_{f.kind}")
        dirty: set[tuple[str, str]] = handler(f)
        return dirty

    def _on_unit(self, f: Fact) -> set[tuple[str, str]]:
        if f.type == "Opened":
            u = UnitState(f.data["code"], f.data["name"], f.data["level"], f.data["parent"], True)
            self.units[u.code] = u
            self.unit_code_of[f.entity] = u.code
        code = self.unit_code_of.get(f.entity)
        if code is None:
            return set()
        u = self.units[code]
        if f.type == "Renamed":
            u.name = f.data["name"]
        elif f.type == "Moved":
            u.parent = f.data["parent"]
        elif f.type in ("Closed", "Merged"):
            u.open = False
        dirty = {(UNIT, code)}
        if code == self.scope:
            dirty |= self._everything()
        dirty |= {(HOUSEHOLD, h) for h in self.hh_by_group.get(code, ())}
        site = self.site_by_unit.get(code)
        if site:
            dirty.add((SITE, site))
        return dirty

    def _on_household(self, f: Fact) -> set[tuple[str, str]]:
        h = self.households.setdefault(f.entity, HouseholdState())
        old_link = h.link
        if f.type == "Registered":
            h.name, h.group, h.village, h.active, h.link = (
                f.data["name"],
                f.data["group"],
                f.data["village"],
                True,
                None,
            )
            self.hh_by_group[h.group].add(f.entity)
        elif f.type == "Moved":
            self.hh_by_group[h.group].discard(f.entity)
            if f.data["village"] != h.village:
                h.link = None  # links stay inside one village
            h.group, h.village = f.data["group"], f.data["village"]
            self.hh_by_group[h.group].add(f.entity)
        elif f.type == "Left":
            h.active, h.link = False, None
        elif f.type == "Linked":
            h.link = f.data["ch"]
        elif f.type == "Unlinked":
            h.link = None
        if old_link != h.link:
            if old_link:
                self.links_by_ch[old_link].discard(f.entity)
            if h.link:
                self.links_by_ch[h.link].add(f.entity)
        dirty = {(HOUSEHOLD, f.entity)}
        ch = self.ch_by_household.get(f.entity)
        if ch:
            dirty.add((CENTRAL, ch))
        return dirty

    def _on_member(self, f: Fact) -> set[tuple[str, str]]:
        m = self.members.setdefault(f.entity, MemberState())
        if f.type == "Joined":
            m.name, m.village, m.household, m.active = (
                f.data["name"],
                f.data["village"],
                f.data["household"],
                True,
            )
        else:  # TransferredOut, Died
            m.active = False
        dirty = {(MEMBER, f.entity)}
        for c in self.chs_by_member.get(f.entity, ()):
            dirty |= self._central_dependents(c)
        dirty |= {(SITE, s) for s in self.sites_by_member.get(f.entity, ())}
        return dirty

    def _on_central(self, f: Fact) -> set[tuple[str, str]]:
        c = self.centrals.setdefault(f.entity, CentralState())
        old_member = c.member
        if f.type == "Designated":
            c.household, c.village, c.member, c.active = (
                f.data["household"],
                f.data["village"],
                f.data["member"],
                True,
            )
            self.ch_by_household[c.household] = f.entity
        elif f.type == "Redesignated":
            c.member, c.active = f.data["member"], True
        elif f.type == "PartyMemberChanged":
            c.member = f.data["member"]
        elif f.type == "Ended":
            c.active = False
        if old_member != c.member:
            if old_member:
                self.chs_by_member[old_member].discard(f.entity)
            self.chs_by_member[c.member].add(f.entity)
        dirty = self._central_dependents(f.entity)
        if old_member:
            dirty.add((MEMBER, old_member))
        return dirty

    def _on_site(self, f: Fact) -> set[tuple[str, str]]:
        s = self.sites.setdefault(f.entity, SiteState())
        old_member = s.responsible_member
        if f.type == "Opened":
            s.unit, s.kind, s.name, s.open = f.data["unit"], f.data["kind"], f.data["name"], True
            self.site_by_unit[s.unit] = f.entity
        elif f.type == "Reopened":
            s.name, s.open, s.responsible, s.responsible_member = f.data["name"], True, None, None
        elif f.type == "ResponsibleAssigned":
            s.responsible, s.responsible_member = f.data["name"], f.data["member"]
        elif f.type == "Closed":
            s.open = False
        if old_member != s.responsible_member:
            if old_member:
                self.sites_by_member[old_member].discard(f.entity)
            if s.responsible_member:
                self.sites_by_member[s.responsible_member].add(f.entity)
        dirty = {(SITE, f.entity), (UNIT, s.unit)}
        for m in (old_member, s.responsible_member):
            if m:
                dirty.add((MEMBER, m))
        return dirty

    def _central_dependents(self, c: str) -> set[tuple[str, str]]:
        st = self.centrals[c]
        dirty = {(CENTRAL, c), (HOUSEHOLD, st.household)}
        dirty |= {(HOUSEHOLD, h) for h in self.links_by_ch.get(c, ())}
        if st.member:
            dirty.add((MEMBER, st.member))
        return dirty

    def _everything(self) -> set[tuple[str, str]]:
        return (
            {(UNIT, c) for c in self.units}
            | {(HOUSEHOLD, h) for h in self.households}
            | {(MEMBER, m) for m in self.members}
            | {(CENTRAL, c) for c in self.centrals}
            | {(SITE, s) for s in self.sites}
        )

    # -- evaluating subjects -------------------------------------------------------------------

    def member_active(self, m: str | None) -> bool:
        st = self.members.get(m) if m else None
        return bool(st and st.active)

    def village_of_group(self, group: str) -> str | None:
        g = self.units.get(group)
        return g.parent if g and g.open and g.level == "group" else None

    def evaluate(self, subject: tuple[str, str]) -> dict[Key, Attrs]:
        kind, sid = subject
        return getattr(self, f"_eval_{kind}")(sid)  # type: ignore[no-any-return]

    def _eval_unit(self, code: str) -> dict[Key, Attrs]:
        u = self.units.get(code)
        if u is None or not u.open:
            return {}
        site = self.sites.get(self.site_by_unit.get(code, ""))
        has_site = bool(site and site.open)
        if u.level == "group":
            if u.parent != self.scope:
                return {}
            out = {("group", code): (u.name, code, u.parent or "")}
            if not has_site:
                out[("group_without_point", code)] = (u.name, code, "")
            return out
        if code != self.scope:
            return {}
        out = {(f"unit:{u.level}", code): (u.name, code, u.parent or "")}
        if u.level == "village":
            out[("village", code)] = (u.name, code, "")
            if not has_site:
                out[("village_without_station", code)] = (u.name, code, "")
        elif u.level in CENTRE_LEVELS and not has_site:
            out[("unit_without_centre", code)] = (u.name, code, "")
        return out

    def _eval_household(self, h: str) -> dict[Key, Attrs]:
        st = self.households[h]
        via: str | None = None
        out: dict[Key, Attrs] = {}
        if st.active and self.village_of_group(st.group) == self.scope:
            own = self.ch_by_household.get(h)
            covered = own is not None and self._ch_serving(own)
            if not covered and st.link and self._ch_serving(st.link):
                covered, via = True, st.link
            out[("household", h)] = (st.name, st.group, "")
            if not covered:
                out[("unlinked_household", h)] = (st.name, st.group, "")
        old = self.covered_via.get(h)
        if old != via:
            if old:
                self.load[old] -= 1
            if via:
                self.load[via] += 1
            self.covered_via[h] = via
        return out

    def _ch_serving(self, c: str) -> bool:
        """Active, not vacant, and of this village: its links count as coverage."""
        st = self.centrals.get(c)
        return bool(st and st.active and st.village == self.scope and self.member_active(st.member))

    def _eval_central(self, c: str) -> dict[Key, Attrs]:
        st = self.centrals[c]
        if not st.active or st.village != self.scope:
            return {}
        hh = self.households.get(st.household)
        name = hh.name if hh else ""
        unit = hh.group if hh else self.scope
        out = {("central_household", c): (name, unit, "")}
        if not self.member_active(st.member):
            out[("vacant_central_household", c)] = (name, unit, "")
        if self.load.get(c, 0) > self.rules.max_linked_per_central_household:
            out[("overloaded_central_household", c)] = (name, unit, "")
        return out

    def _eval_member(self, m: str) -> dict[Key, Attrs]:
        st = self.members.get(m)
        if st is None or not st.active or st.village != self.scope:
            return {}
        hh = self.households.get(st.household)
        unit = hh.group if hh else self.scope
        out = {("party_member", m): (st.name, unit, "")}
        runs_ch = any(self.centrals[c].active for c in self.chs_by_member.get(m, ()))
        keeps_site = any(self.sites[s].open for s in self.sites_by_member.get(m, ()))
        if not (runs_ch or keeps_site):
            out[("party_member_without_role", m)] = (st.name, unit, "")
        return out

    def _eval_site(self, s: str) -> dict[Key, Attrs]:
        st = self.sites[s]
        if not st.open:
            return {}
        unit = self.units.get(st.unit)
        if unit is None or not unit.open:
            return {}
        in_scope = st.unit == self.scope or (unit.level == "group" and unit.parent == self.scope)
        if not in_scope:
            return {}
        out = {(f"site:{st.kind}", s): (st.name, st.unit, "")}
        if not st.responsible or (
            st.responsible_member is not None and not self.member_active(st.responsible_member)
        ):
            out[("site_without_responsible", s)] = (st.name, st.unit, "")
        return out


def _cause(f: Fact) -> Cause:
    return Cause(f.position, f.type, f.actor, f.occurred_on)


class Walk:
    """A sweep that can be continued: facts arrive in effective order, possibly in several
    helpings, as long as each helping comes after everything already fed."""

    def __init__(self, scope: str, rules: RuleSet) -> None:
        self.state = Sweep(scope, rules)
        self.open_episodes: dict[Key, _Episode] = {}
        self.out: list[Interval] = []
        self.day: date | None = None
        self.touched: dict[tuple[str, str], dict[Key, Attrs]] = {}
        self.last_order: tuple[date, int] | None = None
        # What ``delta()`` last reported: how much of ``out``, and per key the rest (the
        # current day closed on copies, then the open episode), kept to tell what changed.
        self._reported_out: int | None = None  # None: nothing reported yet
        self._reported_day: date | None = None
        self._tail: dict[Key, tuple[Interval, ...]] = {}
        # The keys of each subject the reported day touched, as they were then.
        self._day_keys: dict[tuple[str, str], set[Key]] = {}
        self._dirty: set[Key] = set()  # keys whose open episode a day's close changed since
        self._updated: set[tuple[str, str]] = set()  # subjects evaluated again since

    def can_continue(self, facts: Iterable[Fact]) -> bool:
        return all(self.last_order is None or f.order > self.last_order for f in facts)

    def feed(self, facts: Iterable[Fact]) -> None:
        s = self.state
        for f in sorted(facts, key=lambda f: f.order):
            if f.occurred_on != self.day:
                if self.day is not None:
                    if self._reported_out is not None:
                        for subject, before in self.touched.items():
                            self._dirty |= _keys_of(s, subject, before)
                    _close_day(self.day, s, self.touched, self.open_episodes, self.out)
                self.day, self.touched = f.occurred_on, {}
            self.last_order = f.order
            dirty = s.apply(f)
            # Households first: their coverage moves the load of central households.
            for subject in [x for x in dirty if x[0] == HOUSEHOLD]:
                old_via = s.covered_via.get(subject[1])
                self._update(subject, f)
                for c in (old_via, s.covered_via.get(subject[1])):
                    if c:
                        dirty.add((CENTRAL, c))
            for subject in dirty:
                if subject[0] != HOUSEHOLD and _known(s, subject):
                    self._update(subject, f)

    def _update(self, subject: tuple[str, str], f: Fact) -> None:
        s = self.state
        before = s.keys.get(subject, {})
        self.touched.setdefault(subject, before)
        self._updated.add(subject)
        now = s.evaluate(subject)
        for key in now.keys() - before.keys():
            s.appeared[key] = _cause(f)
        s.keys[subject] = now

    def delta(self) -> tuple[list[Interval], list[Interval], bool]:
        """What ``intervals()`` gained and lost since the last call: (added, removed, whole).
        ``whole``: the first call, which gives every interval as added.

        Only the keys whose open episode a day's close changed since, and those of the
        subjects evaluated again since (the current day is closed on copies of theirs), are
        looked at: a scope's thousands of lasting rows, or a busy day's hundreds of
        subjects, are not gone through again for each event that comes in."""
        s = self.state
        first = self._reported_out is None
        if first or self.day != self._reported_day:
            # A new day: the last one's subjects are among the dirty keys (its close).
            subjects = dict(self.touched)
            old_keys = set().union(*self._day_keys.values())
            self._day_keys = {}
        else:
            subjects = {x: self.touched[x] for x in self._updated if x in self.touched}
            old_keys = set().union(*(self._day_keys.get(x, ()) for x in subjects))
        day_keys = {x: _keys_of(s, x, before) for x, before in subjects.items()}
        keys = self._dirty | old_keys | set().union(*day_keys.values())
        if first:
            keys |= set(self.open_episodes)
        tail = self._tail_of(keys, subjects)
        if first:
            added = [*self.out, *(iv for ivs in tail.values() for iv in ivs)]
            removed: list[Interval] = []
        else:
            added = self.out[self._reported_out :]
            removed = []
            for key in keys:
                old, new = self._tail.get(key, ()), tail.get(key, ())
                if old != new:
                    added.extend(iv for iv in new if iv not in old)
                    removed.extend(iv for iv in old if iv not in new)
        for key in keys:
            if tail.get(key):
                self._tail[key] = tail[key]
            else:
                self._tail.pop(key, None)
        self._day_keys.update(day_keys)
        self._reported_out, self._reported_day = len(self.out), self.day
        self._dirty, self._updated = set(), set()
        return added, removed, first

    def _tail_of(
        self, keys: set[Key], subjects: dict[tuple[str, str], dict[Key, Attrs]]
    ) -> dict[Key, tuple[Interval, ...]]:
        """The intervals ``intervals()`` gives after ``out`` for these keys: the current day
        closed on copies of their episodes, for the subjects given (whose keys are all
        among ``keys``), then the open episodes."""
        episodes = {k: self.open_episodes[k] for k in keys if k in self.open_episodes}
        closed: list[Interval] = []
        if self.day is not None:
            _close_day(self.day, self.state, subjects, episodes, closed)
        tail: dict[Key, list[Interval]] = defaultdict(list)
        for iv in closed:
            tail[(iv.kind, iv.subject)].append(iv)
        for key, ep in episodes.items():
            tail[key].append(_interval(key, ep, None))
        return {k: tuple(v) for k, v in tail.items()}

    def intervals(self) -> list[Interval]:
        """Everything so far, the current day closed on copies (feeding may go on)."""
        episodes = dict(self.open_episodes)
        out = list(self.out)
        if self.day is not None:
            _close_day(self.day, self.state, self.touched, episodes, out)
        out.extend(_interval(key, ep, None) for key, ep in episodes.items())
        return out


def sweep(scope: str, facts: Iterable[Fact], rules: RuleSet) -> list[Interval]:
    """Every presence and gap of ``scope`` over effective time, from the facts known."""
    walk = Walk(scope, rules)
    walk.feed(facts)
    return walk.intervals()


def _keys_of(s: Sweep, subject: tuple[str, str], before: dict[Key, Attrs]) -> set[Key]:
    """The keys a day's close looks at for a touched subject: before the day and now."""
    return {*before, *s.keys.get(subject, ())}


def _known(s: Sweep, subject: tuple[str, str]) -> bool:
    kind, sid = subject
    tables: dict[str, dict[str, Any]] = {
        UNIT: s.units,
        MEMBER: s.members,
        CENTRAL: s.centrals,
        SITE: s.sites,
    }
    return sid in tables[kind]


def _close_day(
    day: date,
    s: Sweep,
    touched: dict[tuple[str, str], dict[Key, Attrs]],
    open_episodes: dict[Key, _Episode],
    out: list[Interval],
) -> None:
    """Compare each touched subject's keys at the end of the day with the day before."""
    for subject, before in touched.items():
        now = s.keys.get(subject, {})
        for key in before.keys() - now.keys():
            ep = open_episodes.pop(key, None)
            if ep is not None and ep.valid_from < day:
                out.append(_interval(key, ep, day))
        for key, attrs in now.items():
            ep = open_episodes.get(key)
            if ep is None:
                open_episodes[key] = _Episode(day, s.appeared[key], day, attrs)
            elif ep.attrs != attrs:
                # Same episode, reported under another unit or name from today.
                if ep.valid_from < day:
                    out.append(_interval(key, ep, day))
                open_episodes[key] = _Episode(ep.since, ep.cause, day, attrs)


def _interval(key: Key, ep: _Episode, valid_to: date | None) -> Interval:
    name, unit, parent = ep.attrs
    return Interval(key[0], key[1], name, unit, parent, ep.valid_from, valid_to, ep.since, ep.cause)
