"""Plain-text renderings for the terminal, Chinese first."""

from __future__ import annotations

from typing import Any


def _pct(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"


def render_coverage(c: dict[str, Any]) -> str:
    h, g, v = c["households"], c["villager_groups"], c["villages"]
    ch, pm, s = c["central_households"], c["party_members"], c["sites"]
    lines = [
        f"{c['name']} ({c['unit']}, {c['level']})  as of {c['as_of']}"
        + (f", as known at {c['as_known_at']}" if c["as_known_at"] else ""),
        f"  户 households        {h['total']:>8,}  联系 linked {h['linked']:>8,}  "
        f"未联系 unlinked {h['unlinked']:>7,}  联系率 {_pct(h['link_rate'])}",
        f"  村民小组 groups       {g['total']:>8,}  有服务点 {g['with_point']:>8,}  "
        f"无服务点 {g['without_point']:>7,}",
        f"  村 villages          {v['total']:>8,}  有服务站 {v['with_station']:>8,}  "
        f"无服务站 {v['without_station']:>7,}",
    ]
    for level, d in c["centres"].items():
        lines.append(
            f"  {level:<20} {d['total']:>8,}  有中心 {d['with_centre']:>10,}  "
            f"无中心 {d['without_centre']:>9,}"
        )
    lines += [
        f"  党员中心户 central   {ch['active']:>8,}  空缺 vacant {ch['vacant']:>8,}  "
        f"超负荷 overloaded {ch['overloaded']:>5,}  户/中心户 "
        f"{ch['households_per_central_household'] or '—'}",
        f"  党员 party members   {pm['total']:>8,}  有角色 {pm['with_role']:>10,}  "
        f"无角色 {pm['without_role']:>9,}  参与率 {_pct(pm['participation_rate'])}",
        f"  服务场所 sites        中心 {s['centres']:,}  站 {s['stations']:,}  "
        f"点 {s['points']:,}  无负责人 {s['without_responsible']:,}",
        "  盲点 gaps: " + ", ".join(f"{k} {n:,}" for k, n in c["gaps"].items() if n),
    ]
    return "\n".join(lines)
