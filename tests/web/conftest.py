from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.serving import make_server

from app.accounts import Accounts
from app.bootstrap import Zhucun
from tests.web.builders import ACCOUNTS, FAST_HASHER, PASSWORD, WebNet, web_network
from web import create_app

TEST_CONFIG = {
    "TESTING": True,
    "SECRET_KEY": "test-secret-key-not-for-production",
    # Pages wait for the whole catch-up, however busy the machine: what a test asserts does
    # not hang on a timing (tests/test_bounded_wait.py sets a bound of its own).
    "ZHUCUN_CATCH_UP_WAIT": None,
}


def make_app(zhucun: Zhucun) -> Flask:
    return create_app(
        zhucun, {**TEST_CONFIG, "ZHUCUN_ACCOUNTS": Accounts(zhucun, hasher=FAST_HASHER)}
    )


@pytest.fixture
def app(zhucun: Zhucun) -> Flask:
    return make_app(zhucun)


@pytest.fixture(scope="module")
def matrix_app(store: Zhucun) -> Flask:
    """The app of a permission matrix module, over the module's ``store`` (tests/web/matrix.py)."""
    return make_app(store)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def net(zhucun: Zhucun) -> WebNet:
    """The web tests' network (tests/web/builders.py); a module may make its own."""
    return web_network(zhucun)


@pytest.fixture
def web(zhucun: Zhucun, net: WebNet) -> Flask:
    """The app over ``net`` (the module's own, if it makes one)."""
    return make_app(zhucun)


@pytest.fixture
def county(web: Flask) -> FlaskClient:
    """The county's administrator, logged in to ``web``."""
    return login(web.test_client(), "county_admin")


@pytest.fixture
def accounts(zhucun: Zhucun) -> Accounts:
    return Accounts(zhucun, hasher=FAST_HASHER)


@contextmanager
def serving(app: Flask, threaded: bool = True) -> Iterator[str]:
    """``app`` on a free port of 127.0.0.1 for as long as the block lasts: its address."""
    server = make_server("127.0.0.1", 0, app, threaded=threaded)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


def csrf_token(client: FlaskClient, path: str = "/login") -> str:
    html = client.get(path).get_data(as_text=True)
    found = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
    assert found, f"no CSRF token on {path}"
    return found.group(1)


def login(client: FlaskClient, role_or_username: str, password: str = PASSWORD) -> FlaskClient:
    """Log in through the login form, CSRF token and all."""
    username = ACCOUNTS[role_or_username][0] if role_or_username in ACCOUNTS else role_or_username
    response = client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": csrf_token(client)},
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return client
