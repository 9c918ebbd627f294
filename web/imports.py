"""The import page (ADR 044): for each kind of row the account's role may record, the
template to download and a form to upload a filled workbook or CSV file; the result page
says how many rows were applied and how many had been before, or, when the file is
refused, lists every error by row and column and gives the file back with its errors
marked. The rows are held to the account's role and jurisdiction by the one check every
command passes (app/jurisdiction.py), on the values as read."""

from __future__ import annotations

import base64
from typing import Any

from flask import Blueprint, Response, abort, render_template, request
from openpyxl.utils import get_column_letter

from app.args import parse_date
from app.imports.kinds import KINDS, ImportKind
from app.imports.marked import marked_copy, template, without_names
from app.imports.run import Envelope, ImportRefused, import_file
from app.jurisdiction import COMMAND_ROLES
from app.store.files import max_file_bytes
from domain.errors import InvalidInputError
from web.auth import login_required, principal
from web.deps import zhucun
from web.i18n import current_language
from web.table_export import XLSX

bp = Blueprint("imports", __name__)

# A marked workbook is given back inside the result page (a data: link): nothing of a
# refused file is kept on the server. Above this size, the error list alone is shown.
MARKED_MAX_BYTES = 8 * 1024 * 1024


def kinds_allowed() -> list[ImportKind]:
    """The kinds whose command the logged-in account's role may send."""
    who = principal()
    if who is None:
        return []
    return [k for k in KINDS.values() if who.role in COMMAND_ROLES.get(k.command, frozenset())]


def words(kind: ImportKind) -> str:
    return kind.zh if current_language() == "zh" else kind.en


@bp.app_context_processor
def _helpers() -> dict[str, Any]:
    return {"may_import": bool(kinds_allowed())}


@bp.app_template_filter("column_letter")
def _column_letter(position: int) -> str:
    return str(get_column_letter(position))


@bp.app_template_filter("import_reason")
def _reason(error: Any) -> str:
    """A row's refusal in the page's language, its fields named by their labels alone."""
    lang = "zh" if current_language() == "zh" else "en"
    return without_names(error.zh if lang == "zh" else error.en, lang)


@bp.get("/import")
@login_required
def index() -> str:
    return render_template("imports/index.html", kinds=kinds_allowed(), words=words)


@bp.get("/import/<kind>/template.xlsx")
@login_required
def template_file(kind: str) -> Response:
    found = _allowed(kind)
    lang = current_language()
    return Response(
        template(found, "zh" if lang == "zh" else "en"),
        mimetype=XLSX,
        headers={"Content-Disposition": f'attachment; filename="import-{found.name}.xlsx"'},
    )


@bp.post("/import")
@login_required
def upload() -> tuple[str, int]:
    found = _allowed(request.form.get("kind", ""))
    who = principal()
    assert who is not None
    sent = request.files.get("file")
    if sent is None or not sent.filename:
        raise InvalidInputError("file", "请选择要导入的文件", "choose the file to import")
    most = max_file_bytes()
    content = sent.stream.read(most + 1)
    if len(content) > most:
        raise InvalidInputError(
            "file",
            f"文件过大：至多 {most // 1024 // 1024} MB",
            f"the file is too large: at most {most // 1024 // 1024} MB",
        )
    name = sent.filename.replace("\\", "/").rsplit("/", 1)[-1]
    day = request.form.get("occurred_on", "").strip()
    lang = current_language()
    page = {"kind": found, "words": words, "file_name": name, "lang": lang}
    try:
        envelope = Envelope(
            who.username,
            who.role.value,
            parse_date(day, "occurred_on") if day else None,
            request.form.get("reason", "").strip(),
        )
        result = import_file(zhucun(), found.name, name, content, envelope, reach=who.reach())
    except InvalidInputError as e:  # the file as a whole: not a table of this kind
        message = e.zh if lang == "zh" else e.en
        return render_template("imports/result.html", general=message, **page), 422
    except ImportRefused as refused:
        marked = marked_copy(refused, name, content)
        link = None
        if len(marked) <= MARKED_MAX_BYTES:
            link = f"data:{XLSX};base64," + base64.b64encode(marked).decode()
        stem = name.rsplit(".", 1)[0]
        return (
            render_template(
                "imports/result.html",
                errors=refused.errors,
                marked=link,
                marked_name=f"{stem}-错误标注.xlsx" if lang == "zh" else f"{stem}-errors.xlsx",
                **page,
            ),
            422,
        )
    return render_template("imports/result.html", result=result, **page), 200


def _allowed(name: str) -> ImportKind:
    found = KINDS.get(name.strip().lower())
    if found is None or found not in kinds_allowed():
        abort(404)
    return found
