"""How the demo plans the villages' 六有 goals: once its three-year goal is approved, each poor
village's team sets a target for each of the six haves; over the next two years it files the
evidence (minutes, rules, rosters, reports, approvals: small files kept by their SHA-256, whose
bytes the plan makes and the load stores first, ADR 025); the township judges each goal at the
end of 2015 and of 2016. When the three years end, a realistic mix: most goals met, many under
way, a few not started.

One step of the villages' ledgers (``app/demo/ledger.py``).
"""

from __future__ import annotations

from datetime import date, timedelta

from app.demo import ledger_data as ld
from app.demo.ledger import END, Counts, LedgerPlanner, VillageLedger
from app.demo.villages import day_between
from app.store.files import sha256_of
from domain.ledger.goals import EvidenceKind, GoalStatus, SixHave
from domain.ledger.plans import PlanKind

REVIEWS = ((2015, 12, 14), (2016, 12, 12))  # the township's year-end reviews (first day)
# How the goals stand at the last review: met, under way, not started (weights).
FINAL = {GoalStatus.MET: 50, GoalStatus.UNDER_WAY: 38, GoalStatus.NOT_STARTED: 12}


def goals(p: LedgerPlanner, counts: Counts) -> None:
    for lv in p.villages:
        _village(p, lv)


def _village(p: LedgerPlanner, lv: VillageLedger) -> None:
    rng = lv.rng
    v = lv.team.village
    three = lv.plan(PlanKind.THREE_YEAR, 2014)
    assert three is not None and three.approved_on is not None
    set_on = three.approved_on + timedelta(days=rng.randint(3, 20))
    key = f"goals:{lv.code}"
    lines = [
        lv.leader.line(
            "set_six_have_goal",
            set_on,
            ld.GOAL_WHY["set"],
            village=lv.code,
            goal=g.value,
            target=rng.choice(ld.GOAL_TARGETS[g]),
        )
        for g in SixHave
    ]
    p.add(lv, set_on, lines, after=[key])
    reviews = [day_between(rng, date(*r), date(*r) + timedelta(days=10)) for r in REVIEWS]
    officer = p.officers[lv.code[:9]]
    for g in SixHave:
        final = rng.choices(list(FINAL), list(FINAL.values()))[0]
        if final is GoalStatus.NOT_STARTED:
            added: list[date] = []
        else:
            # A goal met is met by the last review; one under way gathers evidence to the end.
            last = reviews[1] - timedelta(days=3) if final is GoalStatus.MET else END
            count = rng.randint(2, 3) if final is GoalStatus.MET else rng.randint(1, 2)
            first = set_on + timedelta(days=30)
            added = sorted(day_between(rng, first, last) for _ in range(count))
        for n, day in enumerate(added):
            title, kind, suffix = rng.choice(ld.EVIDENCE[g])
            dated = day - timedelta(days=rng.randint(0, 12))
            dated = max(dated, set_on)
            content = _file(v.name, lv.code, g, n, title, kind, dated, suffix)
            sha = sha256_of(content)
            p.history.files[sha] = content
            line = lv.member(day).line(
                "add_six_have_evidence",
                day,
                ld.GOAL_WHY["evidence"],
                village=lv.code,
                goal=g.value,
                title=title,
                kind=kind.value,
                dated=dated.isoformat(),
                file=sha,
                file_name=f"{lv.code}-{g.value}-{n + 1}{suffix}",
            )
            p.add(lv, day, [line], after=[key])
        for r, day in enumerate(reviews):
            status = _status(final, added, day, last_review=r == len(reviews) - 1)
            line = officer.line(
                "judge_six_have_goal",
                day,
                ld.GOAL_WHY["judge"],
                village=lv.code,
                goal=g.value,
                status=status.value,
                judged_by=officer.name,
                judge_unit=lv.code[:9],
                note=ld.JUDGE_NOTES[status],
            )
            p.add(lv, day, [line], after=[key])


def _status(final: GoalStatus, added: list[date], day: date, last_review: bool) -> GoalStatus:
    if last_review:
        return final
    if not any(d <= day for d in added):
        return GoalStatus.NOT_STARTED
    return GoalStatus.UNDER_WAY


def _file(
    village: str,
    code: str,
    goal: SixHave,
    n: int,
    title: str,
    kind: EvidenceKind,
    dated: date,
    suffix: str,
) -> bytes:
    """A small document: plain text, or a one-page PDF naming the same things."""
    if suffix == ".pdf":
        return _pdf(f"{code} {goal.value} {kind.value} {dated.isoformat()} #{n + 1}")
    body = "\n".join(
        (
            f"{village}村　{title}",
            f"日期：{dated.year}年{dated.month}月{dated.day}日",
            f"六有目标：{goal.zh}",
            f"类别：{kind.zh}",
            "",
            *ld.EVIDENCE_BODY[kind],
            "",
            f"（{code}-{goal.value}-{n + 1}）",
        )
    )
    return (body + "\n").encode("utf-8")


def _pdf(text: str) -> bytes:
    """A minimal one-page PDF showing ``text`` (ASCII), with a correct cross-reference table."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\n".encode()
    out += f"startxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)
