"""Templates' links are built once and kept (web/links.py): each kept link is the link
Flask builds, under the mount point of the request that asks."""

from __future__ import annotations

from datetime import date

from flask import Flask
from flask import url_for as flask_url_for


def template_url_for(app: Flask):  # type: ignore[no-untyped-def]
    return app.jinja_env.globals["url_for"]


def test_a_kept_link_is_the_link_flask_builds(app: Flask):
    url_for = template_url_for(app)
    asked = [
        ("dashboard.unit", {"code": "210521"}),
        ("dashboard.unit", {"code": "210521", "as_of": date(2015, 6, 30)}),
        ("dashboard.unit", {"code": "210521", "as_of": "2015-06-30", "gap": "unlinked"}),
        ("history.unit", {"code": "210521100201"}),
        ("static", {"filename": "zhucun.css"}),
    ]
    with app.test_request_context("/"):
        for endpoint, values in asked:
            assert url_for(endpoint, **values) == flask_url_for(endpoint, **values)
            assert url_for(endpoint, **values) == flask_url_for(endpoint, **values)  # kept


def test_a_link_follows_the_mount_point_of_the_request(app: Flask):
    url_for = template_url_for(app)
    with app.test_request_context("/"):
        assert url_for("dashboard.unit", code="210521") == "/units/210521"
    with app.test_request_context("/units/210521", base_url="http://x/zhucun"):
        assert url_for("dashboard.unit", code="210521") == "/zhucun/units/210521"
    with app.test_request_context("/"):
        assert url_for("dashboard.unit", code="210521") == "/units/210521"


def test_links_that_cannot_be_kept_are_built_each_time(app: Flask):
    url_for = template_url_for(app)
    with app.test_request_context("/"):
        external = url_for("dashboard.unit", code="210521", _external=True)
        assert external == "http://localhost/units/210521"
        listed = url_for("dashboard.unit", code="210521", gap=["a", "b"])
        assert listed == flask_url_for("dashboard.unit", code="210521", gap=["a", "b"])
