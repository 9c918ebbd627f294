"""The failed-login limit holds when thirty wrong passwords for one account come at once, on
both engines, through the use case and through the login page: no more than the limit's
tries are checked against the hash, and every answer is a refusal by name, never a 500."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from argon2 import PasswordHasher
from flask.testing import FlaskClient

from app.accounts import MAX_FAILURES, Accounts
from app.bootstrap import Zhucun
from app.store.clock import SettableClock
from domain.account_errors import LoginFailedError, TooManyFailedLoginsError
from domain.accounts import FailureCause
from tests.web.builders import FAST_HASHER, IP, PASSWORD, WebNet
from tests.web.conftest import TEST_CONFIG, csrf_token
from web import create_app

CONCURRENT = 30


class CountingHasher(PasswordHasher):
    """argon2 as the tests use it, counting how many passwords were checked against a hash."""

    def __init__(self) -> None:
        super().__init__(time_cost=1, memory_cost=64, parallelism=1)
        self.checked = 0
        self._lock = threading.Lock()

    def verify(self, hash: str | bytes, password: str | bytes) -> bool:
        with self._lock:
            self.checked += 1
        return super().verify(hash, password)


def at_once(count: int, attempt: Callable[[int], Any]) -> list[Any]:
    """Run ``attempt(i)`` in ``count`` threads released together; each result or exception."""
    start = threading.Barrier(count)
    results: list[Any] = [None] * count

    def run(i: int) -> None:
        start.wait()
        try:
            results[i] = attempt(i)
        except BaseException as e:  # kept, so that the test can show it
            results[i] = e

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results


def causes(z: Zhucun) -> Counter[str]:
    return Counter(
        e.event.cause
        for page in z.store.iter_log()
        for e in page
        if type(e.event).__qualname__ == "AccessLog.LoginFailed"
    )


def test_thirty_concurrent_wrong_passwords_check_at_most_the_limit_against_the_hash(
    net: WebNet, zhucun: Zhucun
):
    hasher = CountingHasher()
    accounts = Accounts(zhucun, hasher=hasher)
    hasher.checked = 0  # (nothing hashed yet; the accounts were added with another hasher)

    results = at_once(CONCURRENT, lambda i: accounts.login("city.admin", f"wrong-{i}-pw", IP))

    kinds = Counter(type(r).__name__ for r in results)
    assert set(kinds) <= {"LoginFailedError", "TooManyFailedLoginsError"}, results
    assert kinds["LoginFailedError"] == MAX_FAILURES
    assert kinds["TooManyFailedLoginsError"] == CONCURRENT - MAX_FAILURES
    assert hasher.checked == MAX_FAILURES
    assert causes(zhucun) == {
        FailureCause.WRONG_PASSWORD.value: MAX_FAILURES,
        FailureCause.RATE_LIMITED.value: CONCURRENT - MAX_FAILURES,
    }


def test_the_right_password_sent_after_the_limit_is_refused_too(
    net: WebNet, zhucun: Zhucun, clock: SettableClock
):
    hasher = CountingHasher()
    accounts = Accounts(zhucun, hasher=hasher)
    results = at_once(CONCURRENT, lambda i: accounts.login("city.admin", f"wrong-{i}-pw", IP))
    assert not any(isinstance(r, BaseException) and not _refusal(r) for r in results)
    with pytest.raises(TooManyFailedLoginsError):
        accounts.login("city.admin", PASSWORD, IP)
    assert hasher.checked == MAX_FAILURES
    clock.advance(timedelta(minutes=15, seconds=1))
    assert accounts.login("city.admin", PASSWORD, IP).username == "city.admin"


def test_concurrent_logins_from_other_addresses_each_have_their_own_count(
    net: WebNet, zhucun: Zhucun
):
    accounts = Accounts(zhucun, hasher=FAST_HASHER)
    results = at_once(
        12, lambda i: accounts.login("city.admin", "wrong-password", f"10.0.1.{i % 3}")
    )
    assert all(isinstance(r, LoginFailedError) for r in results), results
    # Four failures from each address, under the limit: each can still log in, at once.
    right = at_once(3, lambda i: accounts.login("city.admin", PASSWORD, f"10.0.1.{i}"))
    assert [r.username for r in right] == ["city.admin"] * 3, right


def test_thirty_concurrent_wrong_passwords_through_the_login_page_get_no_500(
    net: WebNet, zhucun: Zhucun
):
    hasher = CountingHasher()
    app = create_app(zhucun, {**TEST_CONFIG, "ZHUCUN_ACCOUNTS": Accounts(zhucun, hasher=hasher)})
    clients: list[FlaskClient] = [app.test_client() for _ in range(CONCURRENT)]
    tokens = [csrf_token(c) for c in clients]

    def post(i: int) -> int:
        data = {"username": "city.admin", "password": f"wrong-{i}-pw", "csrf_token": tokens[i]}
        return clients[i].post("/login", data=data).status_code

    statuses = Counter(at_once(CONCURRENT, post))
    assert statuses == {401: MAX_FAILURES, 429: CONCURRENT - MAX_FAILURES}, statuses
    assert hasher.checked == MAX_FAILURES


def _refusal(e: BaseException) -> bool:
    return isinstance(e, LoginFailedError | TooManyFailedLoginsError)
