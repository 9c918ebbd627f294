"""For random small histories (check-ins of one or two teams over a few months, some of them
back-dated, and spot checks finding members absent) and random moments to run an assessment
at: a replay reproduces every run's digest; each absence is counted once; --known-now with
nothing recorded since is an empty diff; and a check-in recorded after a run, dated inside
its period, shows in that run's --known-now diff with its position."""

from __future__ import annotations

import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from uuid import UUID

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.bootstrap import bootstrap
from app.store.clock import SettableClock
from tests.assess_builders import adopt, replayed, run
from tests.builders import apply, cmd
from tests.team_builders import LEADER, MEMBER, cid, second_team, team_network, tid

FIRST = date(2014, 6, 1)
DAYS = 183  # June to November 2014

# A batch: which cadre of which team, which days (offsets from FIRST).
batch = st.lists(
    st.tuples(st.sampled_from([LEADER, MEMBER, 6]), st.integers(0, DAYS - 1)),
    min_size=1,
    max_size=25,
)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    batches=st.lists(batch, min_size=1, max_size=4),
    runs_after=st.lists(st.booleans(), min_size=4, max_size=4),
    two_teams=st.booleans(),
    period=st.sampled_from([("2014", "annual"), ("2014H2", "half_year")]),
    absences=st.lists(
        st.tuples(st.sampled_from([LEADER, MEMBER, 6]), st.integers(0, DAYS - 1)), max_size=4
    ),
)
def test_replays_reproduce_and_later_check_ins_show_in_the_diff(
    batches, runs_after, two_teams, period, absences
):
    with tempfile.TemporaryDirectory() as folder:
        z = bootstrap(
            f"sqlite:///{Path(folder) / 'z.db'}",
            SettableClock(datetime(2016, 12, 31, 4, 0, tzinfo=UTC)),
        )
        try:
            team_network(z)
            if two_teams:
                second_team(z, unit="COUNTY-AGRI", n=2)
                apply(
                    z, cmd("join_team", on="2014-06-01", team=tid(2), cadre=cid(6), as_leader=True)
                )
            adopt(z)
            found = sorted({(c, d) for c, d in absences if c != 6 or two_teams})
            if found:  # spot checks by an inspector of neither team's unit (PROV-FIN)
                apply(
                    z,
                    *[
                        cmd(
                            "record_spot_check",
                            on=(FIRST + timedelta(days=d)).isoformat(),
                            role="inspector",
                            team=tid(2 if c == 6 else 1),
                            inspectors=[cid(8)],
                            absent=[cid(c)],
                        )
                        for c, d in found
                    ],
                )
            seen: set[tuple[int, int]] = set()
            runs = []
            for lines, then_run in zip(batches, runs_after, strict=False):
                fresh = [(c, d) for c, d in lines if (c, d) not in seen and (c != 6 or two_teams)]
                seen.update(fresh)
                if fresh:
                    apply(
                        z,
                        *[
                            cmd(
                                "check_in",
                                on=(FIRST + timedelta(days=d)).isoformat(),
                                role="team_member",
                                cadre=cid(c),
                            )
                            for c, d in dict.fromkeys(fresh)
                        ],
                    )
                if then_run:
                    runs.append(run(z, *period))
            runs.append(run(z, *period))
            for done in runs:
                assert replayed(z, done["run_id"])["reproduced"], done
            last = runs[-1]
            in_period = [d for _, d in found if period[1] == "annual" or d >= 30]  # from July
            teams = z.assessments.show(UUID(last["run_id"]))["result"]["teams"]
            counted = sum(t["inputs"]["absences_found"]["numerator"] for t in teams)
            assert counted == len(in_period)
            assert replayed(z, last["run_id"], known_now=True)["diff"]["teams"] == []
            day = next(
                FIRST + timedelta(days=d)
                for d in range(DAYS - 1, -1, -1)
                if (MEMBER, d) not in seen and FIRST + timedelta(days=d) >= date(2014, 7, 1)
            )
            apply(z, cmd("check_in", on=day.isoformat(), role="team_member", cadre=cid(MEMBER)))
            position = z.store.max_position()
            diff = replayed(z, last["run_id"], known_now=True)["diff"]
            (changed,) = diff["teams"]
            assert changed["team_id"] == str(UUID(tid(1)))
            assert [e["position"] for e in changed["events"]] == [position]
            assert replayed(z, last["run_id"])["reproduced"]
        finally:
            z.close()
