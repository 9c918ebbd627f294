"""X-Forwarded-For counts only when the request comes from a proxy named in
ZHUCUN_TRUSTED_PROXIES; reached directly, the header is ignored, so a new address in each try
does not dodge the failed-login limit."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.accounts import MAX_FAILURES, Accounts
from app.bootstrap import Zhucun
from domain.errors import InvalidInputError
from tests.web.builders import FAST_HASHER, PASSWORD, WebNet
from tests.web.conftest import TEST_CONFIG, csrf_token
from web import create_app
from web.proxies import TrustedProxies, parse_networks


def app_with(zhucun: Zhucun, trusted: str) -> Flask:
    return create_app(
        zhucun,
        {
            **TEST_CONFIG,
            "ZHUCUN_ACCOUNTS": Accounts(zhucun, hasher=FAST_HASHER),
            "ZHUCUN_TRUSTED_PROXIES": trusted,
        },
    )


def try_login(client: FlaskClient, password: str, peer: str, forwarded: str) -> int:
    token = csrf_token(client)
    return client.post(
        "/login",
        data={"username": "city.admin", "password": password, "csrf_token": token},
        headers={"X-Forwarded-For": forwarded},
        environ_base={"REMOTE_ADDR": peer},
    ).status_code


def addresses(z: Zhucun) -> list[str]:
    return [
        e.event.address
        for page in z.store.iter_log()
        for e in page
        if type(e.event).__qualname__ in ("AccessLog.LoginFailed", "AccessLog.LoggedIn")
    ]


def test_reached_directly_a_new_forwarded_address_each_try_does_not_dodge_the_limit(
    net: WebNet, zhucun: Zhucun
):
    client = app_with(zhucun, "").test_client()
    for i in range(MAX_FAILURES):
        assert try_login(client, "wrong-password", "203.0.113.9", f"198.51.100.{i}") == 401
    assert try_login(client, PASSWORD, "203.0.113.9", "198.51.100.99") == 429
    assert set(addresses(zhucun)) == {"203.0.113.9"}


def test_from_a_trusted_proxy_the_forwarded_client_address_is_counted(net: WebNet, zhucun: Zhucun):
    client = app_with(zhucun, "10.0.0.0/8, 192.0.2.1").test_client()
    for _ in range(MAX_FAILURES):
        assert try_login(client, "wrong-password", "10.0.0.1", "198.51.100.1") == 401
    assert try_login(client, PASSWORD, "10.0.0.1", "198.51.100.1") == 429
    # Another client behind the same proxy has its own count.
    assert try_login(client, PASSWORD, "10.0.0.1", "198.51.100.2") == 302
    assert set(addresses(zhucun)) == {"198.51.100.1", "198.51.100.2"}


def test_a_peer_outside_the_trusted_list_is_not_believed(net: WebNet, zhucun: Zhucun):
    client = app_with(zhucun, "10.0.0.0/8").test_client()
    try_login(client, "wrong-password", "203.0.113.9", "10.0.0.5")
    assert addresses(zhucun) == ["203.0.113.9"]


@pytest.mark.parametrize(
    ("peer", "forwarded", "client"),
    [
        ("10.0.0.1", "198.51.100.7", "198.51.100.7"),
        # The client put a made-up address in front: the rightmost untrusted one counts.
        ("10.0.0.1", "1.2.3.4, 198.51.100.7", "198.51.100.7"),
        # Two trusted proxies in a row.
        ("10.0.0.1", "198.51.100.7, 10.0.0.2", "198.51.100.7"),
        # Every hop trusted: the leftmost.
        ("10.0.0.1", "10.0.0.3, 10.0.0.2", "10.0.0.3"),
        # Not an address: nothing left of it is believed.
        ("10.0.0.1", "198.51.100.7, junk", "10.0.0.1"),
        ("10.0.0.1", "", "10.0.0.1"),
        # IPv6, and an IPv4 peer written as IPv6.
        ("::ffff:10.0.0.1", "2001:db8::7", "2001:db8::7"),
        # Not from a trusted proxy: the header is ignored.
        ("203.0.113.9", "198.51.100.7", "203.0.113.9"),
    ],
)
def test_the_client_address_behind_trusted_proxies(peer: str, forwarded: str, client: str):
    proxies = TrustedProxies(None, parse_networks("10.0.0.0/8"))
    assert proxies.client(peer, forwarded) == client


def test_a_bad_trusted_proxy_setting_is_refused_by_name():
    with pytest.raises(InvalidInputError) as refused:
        parse_networks("10.0.0.1, proxy.example")
    assert refused.value.field == "ZHUCUN_TRUSTED_PROXIES"
    assert "proxy.example" in refused.value.zh and "proxy.example" in refused.value.en


def test_forwarded_proto_is_taken_from_a_trusted_proxy_only(net: WebNet, zhucun: Zhucun):
    seen: list[str] = []
    app = app_with(zhucun, "10.0.0.1")

    @app.get("/_scheme")
    def _scheme() -> str:
        from flask import request

        seen.append(request.scheme)
        return ""

    client = app.test_client()
    headers = {"X-Forwarded-Proto": "https"}
    client.get("/_scheme", headers=headers, environ_base={"REMOTE_ADDR": "10.0.0.1"})
    client.get("/_scheme", headers=headers, environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert seen == ["https", "http"]
