"""A multipart body with a part that names no field (``Content-Disposition: form-data``
without ``name``): werkzeug gives it the name None, and Flask-WTF's CSRF check, looking
through the form's names, failed on it with a server error. It is refused as a bad request,
in both languages, on the web and the API, however the request is authenticated, and nothing
is written."""

from __future__ import annotations

from flask import Flask

from app.bootstrap import Zhucun
from tests.web.conftest import csrf_token
from tests.web.test_api_commands import logged_in
from tests.web.test_api_uploads import bearer, tokens  # noqa: F401 (tokens: a fixture)

BOUNDARY = "zhucun-part"
NAMELESS = (
    f"--{BOUNDARY}\r\nContent-Disposition: form-data\r\n\r\nno name\r\n"
    f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n'
    f"Content-Type: text/plain\r\n\r\nhello\r\n--{BOUNDARY}--\r\n"
).encode()
MULTIPART = f"multipart/form-data; boundary={BOUNDARY}"
ZH = "表单中有一部分没有写明字段名"
EN = "A part of the form names no field"


def test_a_web_form_with_a_nameless_part_is_refused_in_both_languages(web: Flask) -> None:
    client = web.test_client()
    token = csrf_token(client)
    body = NAMELESS.replace(b"no name", token.encode())  # the token itself, in the nameless part
    response = client.post("/login", data=body, content_type=MULTIPART)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert ZH in page and EN in page


def test_an_api_upload_with_a_nameless_part_is_refused_by_session_and_by_token(
    zhucun: Zhucun,
    web: Flask,
    tokens: dict[str, str],  # noqa: F811
) -> None:
    client, csrf = logged_in(web, "township_officer")  # a login is recorded: counted from here
    head = zhucun.store.max_position()
    by_session = client.post(
        "/api/v1/files?lang=en", data=NAMELESS, content_type=MULTIPART, headers=csrf
    )
    by_token = web.test_client().post(
        "/api/v1/files?lang=zh",
        data=NAMELESS,
        content_type=MULTIPART,
        headers=bearer(tokens, "township_officer"),
    )
    assert by_session.status_code == 400 and EN in by_session.get_json()["detail"]
    assert by_token.status_code == 400 and ZH in by_token.get_json()["detail"]
    assert zhucun.store.max_position() == head


def test_a_raw_upload_sent_as_a_form_is_still_read_from_its_body(
    web: Flask,
    tokens: dict[str, str],  # noqa: F811
) -> None:
    """curl's ``--data-binary`` says ``application/x-www-form-urlencoded``: the check for
    nameless parts reads multipart bodies only, and leaves this one to the upload."""
    response = web.test_client().post(
        "/api/v1/files?name=记录.txt",
        data="记录".encode(),
        content_type="application/x-www-form-urlencoded",
        headers=bearer(tokens, "township_officer"),
    )
    assert response.status_code == 201, response.get_data(as_text=True)
    assert response.get_json()["size"] == len("记录".encode())
