"""Reading ``zhucun apply``'s command lines: the hand-written reader against typed models.

``python -m bench.apply_schemas [--lines N] [--runs R] [--baseline COMMIT] [--json]``

The batch is N lines (10,000 by default) of the commands sent most: a household registered
(six lines in ten), a party member joined (two), a diary entry and a household visit (one
each), with Chinese names, valid identity numbers and ids the batch itself makes.

Two measurements, each in the same run:

1. **Reading only** (in this process, nothing written): each line parsed as JSON, its
   envelope read, then its arguments read and checked, by

   * *hand*: the reader of ``app/args.py`` as it was at ``--baseline`` (commit 66363a6, the
     last one that read arguments by hand; loaded from git), called as the handlers called it;
   * *msgspec*: the models of app/schemas.py (``msgspec.Struct``s), as ``apply`` now reads
     them;
   * *pydantic*: the same four commands as pydantic models made from the same definitions,
     each field's ``Arg`` called by pydantic as a validator with the field's name.

   Each normalises with the same functions and checks the identity number's check digit
   (the hand reader's commands did that later, in the domain; here it is added to them so
   that all three do the same work). The per-line figure includes the JSON and the line's
   envelope (actor, date, reason, key), the same for all three.

2. **apply end to end**: ``Zhucun.apply_text`` of the same batch into a new SQLite store,
   in a fresh process per run, on the code at ``--baseline`` and on this tree, interleaved.

Prints the median of R runs of each (reading: CPU time of this process; apply: wall clock
and CPU time of its process), the ratios to the hand reader or the baseline, and the load
average.
"""

from __future__ import annotations

import importlib.util
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Annotated, Any

import msgspec

from bench import harness

BASELINE = "66363a6"
ROOT = Path(__file__).resolve().parent.parent
DAY = "2024-03-01"
GROUPS = [f"21050200100100{i}" for i in range(1, 10)]
CADRE = str(uuid.UUID(int=1))
TEAM = str(uuid.UUID(int=2))
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "秀英桂兰玉珍凤兰淑珍建国建华国庆志强春梅海燕"


def identity_number(rng: random.Random) -> str:
    from domain.identity import check_digit

    first = f"210502{rng.randint(1940, 2005)}{rng.randint(1, 12):02}{rng.randint(1, 28):02}"
    first += f"{rng.randint(0, 999):03}"
    return first + check_digit(first)


def line(command: str, args: dict[str, Any], n: int) -> str:
    return json.dumps(
        {
            "command": command,
            "args": args,
            "actor": "wang.clerk",
            "role": "village_officer",
            "occurred_on": DAY,
            "reason": "入户摸底登记",
            "key": f"bench-{n}",
        },
        ensure_ascii=False,
    )


def setup_lines() -> list[str]:
    """The units, the dispatching unit, the cadre and the team the batch names."""
    units = [
        ("210500", "本溪市", "city", None),
        ("210502", "平山区", "county", "210500"),
        ("210502001", "桥头镇", "township", "210502"),
        ("210502001001", "甲村", "village", "210502001"),
        *((g, f"第{i}组", "group", "210502001001") for i, g in enumerate(GROUPS, 1)),
    ]
    out = [
        json.dumps(
            {
                "command": "open_unit",
                "args": {"code": c, "name": nm, "level": lv, **({"parent": p} if p else {})},
                "actor": "li.clerk",
                "occurred_on": "2024-01-01",
                "reason": "区划代码表",
            },
            ensure_ascii=False,
        )
        for c, nm, lv, p in units
    ]
    team_lines: list[tuple[str, dict[str, Any]]] = [
        ("register_dispatching_unit", {"code": "sy-agri", "name": "市农业局", "level": "city",
                                       "sector": "agriculture"}),
        ("register_cadre", {"name": "赵干部", "unit": "sy-agri", "rank": "division",
                            "party_member": True, "id": CADRE}),
        ("dispatch_team", {"unit": "sy-agri", "village": "210502001001", "id": TEAM}),
        ("join_team", {"team": TEAM, "cadre": CADRE, "as_leader": True}),
    ]  # fmt: skip
    for command, args in team_lines:
        out.append(
            json.dumps(
                {"command": command, "args": args, "actor": "li.clerk",
                 "occurred_on": "2024-01-02", "reason": "派驻"},
                ensure_ascii=False,
            )
        )  # fmt: skip
    return out


def batch(n: int, seed: int = 39) -> list[str]:
    rng = random.Random(seed)
    households: list[str] = []
    out = []
    for i in range(n):
        slot = i % 10
        name = rng.choice(SURNAMES) + rng.choice(GIVEN)
        if slot < 6 or not households:
            hid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
            households.append(hid)
            args: dict[str, Any] = {
                "group": rng.choice(GROUPS),
                "head_name": f" {name} ",
                "members": rng.randint(1, 8),
                "id_number": identity_number(rng),
                "id": hid,
            }
            out.append(line("register_household", args, i))
        elif slot < 8:
            pid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
            args = {"name": name, "household": rng.choice(households), "id": pid}
            out.append(line("party_member_joined", args, i))
        elif slot == 8:
            text = f"今天走访了{name}家，了解了家中的收入和就医情况。" * rng.randint(1, 6)
            out.append(line("write_diary", {"cadre": CADRE, "text": text}, i))
        else:
            args = {"cadre": CADRE, "household": rng.choice(households), "note": "送去春耕物资"}
            out.append(line("visit_household", args, i))
    return out


# -- the three readers -------------------------------------------------------------------------


def hand_reader(commit: str) -> Any:
    """The argument reader of ``app/args.py`` at ``commit``, as a module of its own."""
    source = subprocess.run(
        ["git", "show", f"{commit}:app/args.py"], cwd=ROOT, capture_output=True, text=True,
        check=True,
    ).stdout  # fmt: skip
    spec = importlib.util.spec_from_loader("bench_hand_args", loader=None)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    exec(compile(source, f"{commit}:app/args.py", "exec"), module.__dict__)
    return module


def read_hand(lines: list[str], hand: Any) -> int:
    from app.commands import parse_command_line, read_json_line
    from domain.fields import MEMBERS_MAX
    from domain.identity import validate_identity_number

    read = 0
    for raw in lines:
        cl = parse_command_line(read_json_line(raw))
        a = hand.Args(cl.args)
        if cl.command == "register_household":
            values: tuple[Any, ...] = (
                a.code("group"),
                a.text("head_name"),
                a.integer("members", 1, MEMBERS_MAX),
                validate_identity_number(a.text("id_number")),
                a.opt_uuid("id"),
            )
        elif cl.command == "party_member_joined":
            values = (a.text("name"), a.uuid("household"), a.opt_uuid("id"))
        elif cl.command == "write_diary":
            values = (a.uuid("cadre"), a.text("text"))
        else:
            values = (a.uuid("cadre"), a.uuid("household"), a.opt_text("note"))
        a.finish()
        read += len(values)
    return read


def read_ours(lines: list[str]) -> int:
    from app.commands import COMMANDS, parse_command_line, read_json_line

    read = 0
    for raw in lines:
        cl = parse_command_line(read_json_line(raw))
        read += len(msgspec.structs.astuple(COMMANDS[cl.command].model.read(cl.args)))
    return read


def pydantic_models() -> dict[str, Any]:
    """The batch's commands as pydantic models, each argument read by the same ``Arg`` as
    ours, called by pydantic with the field's name (and the jurisdiction check as context)."""
    from pydantic import ConfigDict, create_model
    from pydantic_core import core_schema

    from app.commands import COMMANDS
    from app.schemas import Arg

    class Field:
        def __init__(self, arg: Arg) -> None:
            self.arg = arg

        def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
            return core_schema.with_info_plain_validator_function(self.validate)

        def validate(self, value: Any, info: Any) -> Any:
            read = self.arg.take(info.field_name, value)
            if info.context is not None and self.arg.refers:
                info.context(info.field_name, read)
            return read

    config = ConfigDict(validate_default=True, frozen=True)
    models = {}
    for name in ("register_household", "party_member_joined", "write_diary", "visit_household"):
        fields: dict[str, Any] = {
            arg_name: (Annotated[Any, Field(arg)], None)
            for arg_name, arg in COMMANDS[name].model.arguments()
        }
        models[name] = create_model(name, __config__=config, **fields)
    return models


def read_pydantic(lines: list[str], models: dict[str, Any]) -> int:
    from app.commands import parse_command_line, read_json_line
    from domain.errors import InvalidInputError

    read = 0
    for raw in lines:
        cl = parse_command_line(read_json_line(raw))
        model = models[cl.command]
        args = model.model_validate(cl.args)
        unknown = set(cl.args) - set(model.model_fields)
        if unknown:
            raise InvalidInputError(min(unknown), "未知参数", "unknown argument(s)")
        read += len(args.__dict__)
    return read


# -- apply end to end, in a fresh process per run ------------------------------------------------

WORKER = """
import json, sys, tempfile, time
from app.bootstrap import bootstrap
setup, lines = json.load(sys.stdin)
with tempfile.TemporaryDirectory() as d:
    z = bootstrap(f"sqlite:///{d}/apply.db")
    z.apply_text("\\n".join(setup))
    t, cpu = time.perf_counter(), time.process_time()
    r = z.apply_text("\\n".join(lines))
    elapsed, cpu = time.perf_counter() - t, time.process_time() - cpu
    assert r.applied == len(lines), r.applied
    z.close()
print(elapsed, cpu)
"""


def export(commit: str, into: Path) -> Path:
    """The tree at ``commit``, unpacked (git archive), for the baseline's processes."""
    archive = subprocess.run(
        ["git", "archive", commit, "app", "domain", "projections", "web", "rules"],
        cwd=ROOT, capture_output=True, check=True,
    ).stdout  # fmt: skip
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def apply_once(tree: Path, payload: str) -> tuple[float, float]:
    """Wall-clock and CPU seconds of ``apply_text`` of the batch, in a fresh process."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    done = subprocess.run(
        [sys.executable, "-c", WORKER], input=payload, env=env, cwd=tree, capture_output=True,
        text=True,
    )  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(f"apply in {tree} failed: {done.stderr[-2000:]}")
    wall, cpu = done.stdout.strip().splitlines()[-1].split()
    return float(wall), float(cpu)


def cpu_ms(fn: Any) -> float:
    """The CPU time of one call (this process's, user + system): on 2 cores shared with
    other work, the wall clock measures the neighbours as much as the reader."""
    t = time.process_time()
    fn()
    return (time.process_time() - t) * 1000


def measure(lines_n: int, runs: int, apply_runs: int, commit: str) -> dict[str, Any]:
    lines = batch(lines_n)
    load_before = os.getloadavg()
    hand = hand_reader(commit)
    models = pydantic_models()
    readers = {
        "hand": lambda: read_hand(lines, hand),
        "msgspec": lambda: read_ours(lines),
        "pydantic": lambda: read_pydantic(lines, models),
    }
    for fn in readers.values():
        fn()  # warm: imports, schemas built
    medians: dict[str, list[float]] = {k: [] for k in readers}
    for _ in range(runs):  # interleaved, so that the machine's load falls on all alike
        for k, fn in readers.items():
            medians[k].append(cpu_ms(fn))
    reading = {k: round(statistics.median(v), 1) for k, v in medians.items()}
    figures: dict[str, Any] = {
        "lines": lines_n,
        "runs": runs,
        "baseline_commit": commit,
        "reading_ms": reading,
        "reading_us_per_line": {k: round(v * 1000 / lines_n, 2) for k, v in reading.items()},
        "reading_ratio_to_hand": {k: round(v / reading["hand"], 2) for k, v in reading.items()},
    }
    if apply_runs:
        payload = json.dumps([setup_lines(), lines], ensure_ascii=False)
        with tempfile.TemporaryDirectory() as d:
            base = export(commit, Path(d))
            applied: dict[str, list[tuple[float, float]]] = {"baseline": [], "ours": []}
            for _ in range(apply_runs):
                applied["baseline"].append(apply_once(base, payload))
                applied["ours"].append(apply_once(ROOT, payload))
        apply_s = {k: round(statistics.median(w for w, _ in v), 3) for k, v in applied.items()}
        apply_cpu = {k: round(statistics.median(c for _, c in v), 3) for k, v in applied.items()}
        figures["apply_s"] = apply_s
        figures["apply_cpu_s"] = apply_cpu
        figures["apply_lines_per_s"] = {k: round(lines_n / v) for k, v in apply_s.items()}
        figures["apply_ratio_to_baseline"] = round(apply_s["ours"] / apply_s["baseline"], 3)
        figures["apply_cpu_ratio_to_baseline"] = round(apply_cpu["ours"] / apply_cpu["baseline"], 3)
    figures["load_average"] = {"before": load_before, "after": os.getloadavg()}
    return figures


def main(argv: list[str] | None = None) -> int:
    p = harness.parser("bench.apply_schemas", __doc__)
    p.add_argument("--lines", type=int, default=10_000)
    p.add_argument("--runs", type=int, default=11)
    p.add_argument("--apply-runs", type=int, default=3, help="0: reading only")
    p.add_argument("--baseline", default=BASELINE, help="the commit that read by hand")
    p.add_argument("--json", action="store_true")
    a = p.parse_args(argv)
    r = measure(a.lines, a.runs, a.apply_runs, a.baseline)
    if a.json:
        return harness.print_json(r)
    print(f"{r['lines']:,} command lines, median CPU time of {r['runs']} runs, reading only:")
    for k, ms in r["reading_ms"].items():
        print(
            f"  {k:<9} {ms:>8.1f} ms   {r['reading_us_per_line'][k]:>6.2f} µs/line   "
            f"× {r['reading_ratio_to_hand'][k]:.2f} of hand ({r['baseline_commit']})"
        )
    if "apply_s" in r:
        print(f"apply end to end (SQLite, {r['lines']:,} lines, one batch):")
        for k, s in r["apply_s"].items():
            print(
                f"  {k:<9} {s:>8.3f} s   {r['apply_lines_per_s'][k]:>7,} lines/s   "
                f"CPU {r['apply_cpu_s'][k]:.3f} s"
            )
        print(
            f"  ours / baseline: {r['apply_ratio_to_baseline']:.3f} (wall clock), "
            f"{r['apply_cpu_ratio_to_baseline']:.3f} (CPU)"
        )
    la = r["load_average"]
    print(f"load average: before {la['before'][0]:.2f}, after {la['after'][0]:.2f} (1 min)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
