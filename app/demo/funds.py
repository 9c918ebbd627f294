"""How the demo plans the villages' four-source funding (四位一体资金): each measure with a
budget gets its money from the sources it names, allocated by the county (a few weeks after
the measure is planned, one voucher per source), and the village spends it on the measure as
the work goes on (one to three payments, each with its voucher). A dropped measure's unspent
allocation is reversed (红字冲销); in a few villages a payment entered with the wrong amount
is reversed and entered again under a new voucher number.

One step of the villages' ledgers (``app/demo/ledger.py``), reading the measures it planned.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from app.commands import CommandLine
from app.demo import data
from app.demo import ledger_data as ld
from app.demo.ledger import END, Counts, LedgerPlanner, MeasurePlan, VillageLedger, shares
from app.demo.villages import Actor, day_between
from domain.ledger.measures import FundingSource, MeasureStatus
from domain.ledger.money import FEN_PER_YUAN, yuan_text

# Voucher prefixes by source, as a village's accounts keep them (记账凭证字).
VOUCHER_PREFIX = {
    FundingSource.COLLECTIVE_SELF_RAISED: "JT",
    FundingSource.FISCAL: "CZ",
    FundingSource.PARTY_FEE: "DF",
    FundingSource.URBAN_RURAL: "TC",
}
WRONG_ENTRIES = 3  # villages where a payment was entered with the wrong amount
HUNDRED = 100 * FEN_PER_YUAN


def funds(p: LedgerPlanner, counts: Counts) -> None:
    """Every village's funding, measure by measure."""
    rng = random.Random(f"{p.seed}:ledger:funds")
    wrong = {lv.code for lv in rng.sample(p.villages, WRONG_ENTRIES)}
    for lv in p.villages:
        _village(p, lv, lv.code in wrong)


class _Vouchers:
    """A village's voucher numbers, one sequence per source and year."""

    def __init__(self) -> None:
        self.used: dict[tuple[FundingSource, int], int] = {}

    def next(self, source: FundingSource, day: date) -> str:
        key = (source, day.year)
        self.used[key] = self.used.get(key, 0) + 1
        return f"{VOUCHER_PREFIX[source]}-{day.year}-{self.used[key]:03d}"


def _village(p: LedgerPlanner, lv: VillageLedger, wrong_entry: bool) -> None:
    rng = lv.rng
    v = lv.team.village
    county = next(c for c in data.COUNTIES if c.code == v.county)
    township = next(t for t in county.townships if county.code + t.suffix == v.code[:9])
    admin = p.admins[v.county]
    vouchers = _Vouchers()
    opened: set[FundingSource] = set()  # the first entry of a source opens its account
    payments: list[CommandLine] = []
    for m in lv.measures:
        if not m.budget_fen or not m.sources:
            continue
        on = m.planned_on + timedelta(days=rng.randint(5, 40))
        if on > END or (m.status is MeasureStatus.DROPPED and m.closed_on and on >= m.closed_on):
            continue  # no money came before the demo's end, or before the measure was dropped
        weights = [3.0 if i == 0 else rng.uniform(0.5, 1.5) for i in range(len(m.sources))]
        parts = shares(m.budget_fen // HUNDRED, weights, 1)
        for source, hundreds in zip(m.sources, parts, strict=True):
            amount = hundreds * HUNDRED
            voucher = vouchers.next(source, on)
            by, document = _allocator(source, county.name, township.name, on)
            line = _entry(
                admin,
                "allocate_funds",
                lv,
                source,
                voucher,
                on,
                amount=amount,
                allocated_by=by,
                document=document,
                measure=str(m.id),
            )
            p.add(lv, on, [line], after=[m.id, _key(lv)])
            if source not in opened:
                opened.add(source)
                p.extra += 1
            if m.status is MeasureStatus.DROPPED:
                _reverse_dropped(p, lv, m, source, voucher, on)
            else:
                payments += _spend(p, lv, m, source, amount, on, vouchers)
    if wrong_entry and payments:
        _correct(p, lv, payments, vouchers)


# The entries of a fund account, by their command: the key of their reason in ld.FUND_WHY.
_ENTRY_WHY = {
    "allocate_funds": "allocate",
    "record_expenditure": "spend",
    "reverse_fund_entry": "reverse",
}


def _entry(
    who: Actor,
    command: str,
    lv: VillageLedger,
    source: FundingSource,
    voucher: str,
    on: date,
    amount: int | None = None,
    **more: str,
) -> CommandLine:
    """A line of the village's account of ``source``: an allocation or a payment of ``amount``
    (fen) under ``voucher``, or the reversal of the entry under ``voucher`` (no amount)."""
    money = {} if amount is None else {"amount": yuan_text(amount)}
    return who.line(
        command,
        on,
        ld.FUND_WHY[_ENTRY_WHY[command]],
        village=lv.code,
        source=source.value,
        **money,
        voucher=voucher,
        **more,
    )


def _key(lv: VillageLedger) -> str:
    """A village's fund entries are recorded in the order of their days."""
    return f"funds:{lv.code}"


def _allocator(source: FundingSource, county: str, township: str, on: date) -> tuple[str, str]:
    """Who allocated the money, under which document."""
    number = on.timetuple().tm_yday
    if source is FundingSource.FISCAL:
        return f"{county}财政局", f"{county[:2]}财农〔{on.year}〕{number}号"
    if source is FundingSource.PARTY_FEE:
        return "中共本溪市委组织部", f"本组通字〔{on.year}〕{number % 60 + 1}号"
    if source is FundingSource.URBAN_RURAL:
        return "本溪市城乡统筹发展办公室", f"本统筹发〔{on.year}〕{number % 80 + 1}号"
    return f"{township}村集体经济组织", "村民代表会议决议"


def _spend(
    p: LedgerPlanner,
    lv: VillageLedger,
    m: MeasurePlan,
    source: FundingSource,
    allocated: int,
    allocated_on: date,
    vouchers: _Vouchers,
) -> list[CommandLine]:
    """Payments as the work goes on: most of the money of a finished measure, part of one
    still under way, none of one never started."""
    rng = lv.rng
    if m.started_on is None:
        return []
    first = max(m.started_on, allocated_on) + timedelta(days=rng.randint(7, 30))
    last = min(END, m.closed_on or END)
    if first > last:
        return []
    share = rng.uniform(0.85, 1.0) if m.status is MeasureStatus.DONE else rng.uniform(0.3, 0.7)
    total = max(1, int(allocated * share) // HUNDRED)
    count = min(total, rng.randint(1, 3))
    out = []
    days = sorted(day_between(rng, first, last) for _ in range(count))
    for on, hundreds in zip(days, shares(total, [1.0] * count, 1), strict=True):
        line = _payment(lv, m, source, hundreds * HUNDRED, vouchers.next(source, on), on)
        p.add(lv, on, [line], after=[m.id, _key(lv)])
        out.append(line)
    return out


def _payment(
    lv: VillageLedger, m: MeasurePlan, source: FundingSource, amount: int, voucher: str, on: date
) -> CommandLine:
    rng = lv.rng
    return _entry(
        lv.member(on),
        "record_expenditure",
        lv,
        source,
        voucher,
        on,
        amount=amount,
        measure=str(m.id),
        payee=rng.choice(ld.PAYEES[m.item.category]),
        purpose=f"{m.title}：{rng.choice(ld.PURPOSES)}",
    )


def _reverse_dropped(
    p: LedgerPlanner,
    lv: VillageLedger,
    m: MeasurePlan,
    source: FundingSource,
    voucher: str,
    allocated_on: date,
) -> None:
    """A dropped measure's money goes back: its allocation reversed a little after."""
    assert m.closed_on is not None
    on = min(END, max(allocated_on, m.closed_on) + timedelta(days=lv.rng.randint(3, 20)))
    admin = p.admins[lv.team.village.county]
    because = ld.FUND_WHY["reverse_dropped"]
    line = _entry(admin, "reverse_fund_entry", lv, source, voucher, on, because=because)
    p.add(lv, on, [line], after=[m.id, _key(lv)])


def _correct(
    p: LedgerPlanner, lv: VillageLedger, payments: list[CommandLine], vouchers: _Vouchers
) -> None:
    """A payment entered with a zero left out: the township reverses it and the right amount
    is entered again under a new voucher number."""
    rng = lv.rng
    line = rng.choice(payments)
    a = line.args
    right = round(float(a["amount"]) * FEN_PER_YUAN)
    wrong = max(HUNDRED, right // 10 // HUNDRED * HUNDRED)
    if wrong >= right:
        return
    a["amount"] = yuan_text(wrong)  # as it was first entered
    source = FundingSource(a["source"])
    fixed = min(END, line.occurred_on + timedelta(days=rng.randint(2, 12)))
    officer = p.officers[lv.code[:9]]
    because = ld.FUND_WHY["reverse_wrong"].format(voucher=a["voucher"], amount=yuan_text(right))
    reverse = _entry(
        officer, "reverse_fund_entry", lv, source, a["voucher"], fixed, because=because
    )
    voucher = vouchers.next(source, fixed)
    again = _payment(lv, _measure(lv, a["measure"]), source, right, voucher, fixed)
    p.add(lv, fixed, [reverse, again], after=[a["measure"], _key(lv)])


def _measure(lv: VillageLedger, measure_id: str) -> MeasurePlan:
    return next(m for m in lv.measures if str(m.id) == measure_id)
