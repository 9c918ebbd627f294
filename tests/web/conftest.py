from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.bootstrap import Zhucun
from web import create_app


@pytest.fixture
def app(zhucun: Zhucun) -> Flask:
    return create_app(zhucun, {"TESTING": True})


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()
