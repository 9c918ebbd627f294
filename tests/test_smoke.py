from tests.builders import CITY, apply, link, small_network


def test_small_network_is_summarised_on_both_engines(zhucun):
    net = small_network(zhucun)
    apply(zhucun, link(net, "A1b"))
    s = zhucun.summary(CITY)
    assert s["villages"] == 2 and s["poor_villages"] == 1 and s["households"] == 4
    assert s["central_households"] == 1 and s["linked_households"] == 1
