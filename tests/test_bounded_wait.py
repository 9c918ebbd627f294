"""A query catches up for a bounded time after a bulk load, answers from the read models as
they stand, says how far behind they are, and later answers reach the head (both engines).

The bound is shrunk to nothing (``ZHUCUN_CATCH_UP_WAIT=0``, pages of 500 events): the
catch-up stops after its first page whatever the machine's speed, so what is asserted is
behaviour, never a time."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from click.testing import CliRunner

from app.accounts import Accounts
from app.bootstrap import WAIT_SETTING, Zhucun, catch_up_wait
from app.cli.main import cli
from app.network import UnitHasActiveChildrenError
from bench import scale
from bench.loader import WRITERS, Loader
from domain.errors import InvalidInputError
from tests.builders import CITY, cmd, refused, small_network
from tests.web.builders import ACCOUNTS, FAST_HASHER, PASSWORD
from tests.web.conftest import TEST_CONFIG, login
from web import create_app
from web.page_cache import EXTENSION

PAGE = 500
BEHIND_ZH = "其后还有"  # the banner, in Chinese
BEHIND_EN = "later entries are still being taken in"


def bulk_load(z: Zhucun, villages: int = 10) -> int:
    """A province's first villages written by the bulk path, read models left behind."""
    loader = Loader(z.store, WRITERS["write_bulk"])
    try:
        events = loader.load(scale.province(villages)).events
    finally:
        loader.close()
    assert events > 4 * PAGE
    return events


def test_a_command_past_its_bound_answers_as_the_read_models_stand_and_the_next_goes_on(
    zhucun: Zhucun, db_url: str
) -> None:
    small_network(zhucun)
    zhucun.summary(CITY)
    bulk_load(zhucun)
    head = zhucun.store.max_position()
    env = {WAIT_SETTING: "0", "ZHUCUN_PROJECTION_BATCH": str(PAGE)}

    def freshness(wait: str) -> dict[str, Any]:
        args = ["--db", db_url, "summary", "--unit", CITY, "--json"]
        result = CliRunner().invoke(cli, args, env={**env, WAIT_SETTING: wait})
        assert result.exit_code == 0, result.output
        answer = json.loads(result.stdout)
        assert answer["households"] > 0  # answered from what the read models hold
        return dict(answer["freshness"])

    first = freshness("0")
    assert first["head"] == head and 0 < first["position"] < head
    assert first["behind"] == head - first["position"] and first["lag_seconds"] > 0
    second = freshness("0")
    assert first["position"] < second["position"] < head, "each command goes a page further"
    assert freshness("none") == {
        "position": head,
        "head": head,
        "behind": 0,
        "lag_seconds": 0.0,
        "stopped": {},
    }


def test_a_page_past_its_bound_shows_a_banner_and_later_pages_reach_the_head(
    zhucun: Zhucun,
) -> None:
    small_network(zhucun)
    username, unit = ACCOUNTS["city_admin"]
    Accounts(zhucun, hasher=FAST_HASHER).add(username, "city_admin", unit, PASSWORD, actor="t")
    config = {**TEST_CONFIG, "ZHUCUN_CATCH_UP_WAIT": 0}
    app = create_app(zhucun, {**config, "ZHUCUN_ACCOUNTS": Accounts(zhucun, hasher=FAST_HASHER)})
    client = app.test_client()
    login(client, "city_admin")
    client.get(f"/units/{CITY}")  # computed and kept at the head, before the load
    zhucun.projections.batch_size = PAGE
    bulk_load(zhucun)
    head = zhucun.store.max_position()

    page = client.get(f"/units/{CITY}?lang=zh").get_data(as_text=True)
    assert BEHIND_ZH in page and BEHIND_EN not in page
    fresh = client.get(f"/api/v1/summary/{CITY}").get_json()["freshness"]
    assert fresh["head"] == head and fresh["behind"] == head - fresh["position"] > 0
    # What a page kept was computed at the position its read models had reached, not at
    # the head: it is looked at again once they move on.
    kept = app.extensions[EXTENSION].entries
    assert kept and all(at < head for at, _ in kept.values())

    for _ in range(600):  # caught up in the background meanwhile: no timing is asserted
        fresh = client.get(f"/api/v1/summary/{CITY}").get_json()["freshness"]
        if fresh["behind"] == 0:
            break
        time.sleep(0.2)
    assert fresh["position"] == fresh["head"] == head and fresh["lag_seconds"] == 0
    page = client.get(f"/units/{CITY}?lang=en").get_data(as_text=True)
    assert BEHIND_EN not in page and BEHIND_ZH not in page
    assert kept[("unit", CITY, zhucun.today())][0] == head


def test_a_rule_that_reads_a_read_model_reads_it_at_the_head_whatever_the_bound(
    zhucun: Zhucun,
) -> None:
    """Closing a unit asks the read model for its open children: bound or not, it must see
    the last village of a bulk load with its groups, or it would close a village in use."""
    zhucun.projections.wait, zhucun.projections.batch_size = 0, PAGE
    bulk_load(zhucun)
    last = max(p.unit.code for p in scale.province(10) if isinstance(p, scale.VillagePlan))
    with zhucun.projections.reading():  # a query: cut short after its first page
        pass
    assert zhucun.projections.short
    assert zhucun.projections.behind()[0] < zhucun.store.max_position()
    error = refused(zhucun, cmd("close_unit", on="2016-12-30", unit=last)).error
    assert isinstance(error, UnitHasActiveChildrenError)


@pytest.mark.parametrize("said", ["-1", "soon", "nan"])
def test_a_bad_bound_is_refused_naming_the_setting(
    said: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(WAIT_SETTING, said)
    with pytest.raises(InvalidInputError) as refused:
        catch_up_wait(2.0)
    assert WAIT_SETTING in refused.value.zh and WAIT_SETTING in refused.value.en


def test_the_bound_defaults_to_the_callers_and_none_lifts_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(WAIT_SETTING, raising=False)
    assert catch_up_wait(2.0) == 2.0
    monkeypatch.setenv(WAIT_SETTING, "None")
    assert catch_up_wait(2.0) is None
    monkeypatch.setenv(WAIT_SETTING, "0.5")
    assert catch_up_wait(30.0) == 0.5
