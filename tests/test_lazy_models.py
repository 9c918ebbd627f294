"""Read models known by name and version until they have events to apply
(``projections.runner.LazyModel``): what they stand for is the class's own, nothing is loaded
by a query at the head of the log, and catch-up still brings every model to the head."""

from __future__ import annotations

from app.bootstrap import Zhucun
from projections.runner import LazyModel, Projections, _version_of, default_models
from tests.builders import CITY, apply, cmd, small_network


def test_each_model_is_known_by_its_class_name_and_version() -> None:
    for lazy in default_models():
        assert isinstance(lazy, LazyModel)
        model = lazy.model
        assert (lazy.name, lazy.version) == (model.name, _version_of(model)), lazy.name
        assert lazy.metadata is model.metadata


def test_a_query_at_the_head_loads_no_model_and_one_behind_brings_every_model_there(
    zhucun: Zhucun,
) -> None:
    small_network(zhucun)
    zhucun.summary(CITY)

    fresh = Projections(zhucun.engine, zhucun.store, default_models(zhucun.rules))
    fresh.create_tables()
    with fresh.reading():
        pass
    assert not any(m.loaded for m in fresh.models if isinstance(m, LazyModel))

    apply(zhucun, cmd("rename_unit", on="2016-12-30", unit=CITY, name="本溪"))
    head = zhucun.store.max_position()
    with fresh.reading():
        pass
    assert set(fresh.positions().values()) == {head}
    assert all(m.loaded for m in fresh.models if isinstance(m, LazyModel))
    assert zhucun.summary(CITY) is not None and zhucun.projections.checksum() == fresh.checksum()
