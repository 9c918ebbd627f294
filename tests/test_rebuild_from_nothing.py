"""Every read model built from nothing in one go (a rebuild: pages of thousands of events, the
models knowing that nothing is stored yet) equals the same models kept up as the log grew, in
small pages that cut recording moments in pieces, on a log with back-dated entries and a
correction."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from app.audit.log import AuditFilter, audit_rows
from app.bootstrap import Zhucun
from app.store.clock import SettableClock
from projections.coverage.tables import rows
from projections.search import names
from projections.tables import central_households
from tests.builders import GROUP_A1, GROUP_B1, apply, cmd, hid, mid
from tests.test_network_batches import household, interleaved_log


def test_read_models_built_from_nothing_equal_those_kept_up_as_the_log_grew(
    zhucun: Zhucun, clock: SettableClock
) -> None:
    z = zhucun
    z.projections.batch_size = 3  # incremental pages of three events: moments cut in pieces
    interleaved_log(z)
    z.projections.catch_up()
    clock.advance(timedelta(hours=1))  # each step recorded at a moment of its own
    with z.engine.connect() as conn:  # the central household designated again on 2015-04-06
        ch = conn.execute(
            select(central_households.c.id).where(central_households.c.ended_on.is_(None))
        ).scalar_one()
    # A household registered, moved and gone in one page of the rebuild (the search model
    # changes such a name in memory), and one registered and linked back-dated, before
    # what the coverage rows already hold.
    apply(
        z,
        household(20, GROUP_A1, "2015-06-01"),
        cmd("move_household", on="2015-06-02", household=hid(20), group=GROUP_B1),
        cmd("household_left", on="2015-06-03", household=hid(20), how="moved_out"),
        household(21, GROUP_A1, "2015-04-08"),
        cmd("party_member_joined", on="2015-04-09", name="钱七", household=hid(21), id=mid(9)),
    )
    z.projections.catch_up()
    clock.advance(timedelta(hours=1))  # each step recorded at a moment of its own
    apply(
        z,
        cmd("link_household", on="2015-04-10", household=hid(21), central_household=ch),
    )
    z.projections.catch_up()
    clock.advance(timedelta(hours=1))  # each step recorded at a moment of its own
    (wrong,) = [
        r["position"]
        for r in audit_rows(z.store, z.engine, AuditFilter(event="Household.Linked"))
        if r["subject"] == hid(21)
    ]
    apply(
        z,
        cmd("record_correction", on="2015-06-10", position=wrong, note="不应联系", reason="更正"),
        cmd("unlink_household", on="2015-04-20", household=hid(21)),
    )
    kept_up = z.projections.checksum()
    with z.engine.connect() as conn:
        # The back-dated entries rewrote rows known before them: the log does what it says.
        closed = conn.execute(select(func.count()).where(rows.c.known_to.is_not(None))).scalar()
        gone = conn.execute(select(names.c.ended).where(names.c.key == hid(20).replace("-", "")))
        assert closed and gone.scalar() is True

    z.projections.rebuild()

    assert z.projections.checksum() == kept_up
