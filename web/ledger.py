"""The village work ledger (工作台账) on the web: a village's ledger, one tab per part (survey,
plans, measures, letters, the duties and 六有 goals, the four-source funds) with the forms of
each part's commands; the roll-up of the villages under a township, a county or the city
(beside the seed report's figures, for the city), with its funds by source as a chart; the
measures board of any unit; the ledger workbook and a goal's evidence files to download.
Every page is of a day (``as_of``) as known at a moment (``as_known_at``), inside the
account's jurisdiction. What a village's form names (a plan, a measure) must be the
village's own."""

from __future__ import annotations

import io
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import UUID

from flask import (
    Blueprint,
    Response,
    abort,
    render_template,
    request,
    send_file,
    session,
    url_for,
)
from flask_babel import format_datetime, format_decimal
from werkzeug.wrappers import Response as Redirect

from app.audit.access import record_export
from app.bootstrap import Zhucun
from app.jurisdiction import COMMAND_ROLES, JurisdictionCheck
from app.ledger.files import file_hash, guess_media_type
from app.ledger.workbook import write_ledger_workbook
from app.store.files import max_file_bytes
from app.store.uow import UnitOfWork
from domain.base import NetworkAggregate
from domain.errors import InvalidInputError, UnitNotFoundError, ZhucunError
from domain.ledger.errors import (
    EvidenceFileNotFoundError,
    FileTooLargeError,
    MeasureOfOtherVillageError,
    PlanOfOtherVillageError,
)
from domain.ledger.measures import FundingSource, Measure, MeasureStatus
from domain.ledger.money import FEN_PER_YUAN
from domain.ledger.plans import MeasureCategory, VillagePlan
from domain.ledger.seed import SEED_CITY, SEED_FIGURES, reached
from web.api_clocks import as_known_at
from web.auth import _safe_next, login_required, principal
from web.dashboard import _ancestors as ancestors
from web.dashboard import as_of_day, trail_of, unit_in_reach
from web.deps import zhucun
from web.i18n import N_, _
from web.ledger_forms import LEDGER_FORMS
from web.ledger_labels import choices_of, label_named, label_of
from web.records import allowed, handle, spec_for, unit_context

bp = Blueprint("ledger", __name__)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Tab:
    """A part of a village's ledger: its page and the forms of its commands."""

    name: str
    title: str  # English, translated on the page
    template: str
    forms: tuple[str, ...]


# A new part of the ledger is one template and one entry here.
TABS: tuple[Tab, ...] = (
    Tab(
        "survey",
        N_("Survey"),
        "ledger/_survey.html",
        (
            "register-village-form",
            "set-survey-period",
            "record-survey-tables",
            "hold-symposium",
            "hold-interview",
            "collect-opinion",
            "record-survey-problem",
        ),
    ),
    Tab("plans", N_("Plans"), "ledger/_plans.html", ("draft-plan", "revise-plan", "approve-plan")),
    Tab(
        "measures",
        N_("Measures"),
        "ledger/_measures.html",
        ("plan-measure", "set-measure-status", "note-measure-progress"),
    ),
    Tab(
        "letters",
        N_("Responsibility letters"),
        "ledger/_letters.html",
        ("sign-responsibility-letter",),
    ),
    Tab(
        "goals",
        N_("Duties and the six haves"),
        "ledger/_goals.html",
        ("set-six-have-goal", "add-six-have-evidence", "judge-six-have-goal"),
    ),
    Tab(
        "funds",
        N_("Funds"),
        "ledger/_funds.html",
        ("allocate-funds", "record-expenditure", "reverse-fund-entry"),
    ),
)
TAB_OF = {form: t.name for t in TABS for form in t.forms}

# The roll-up's figures, by part of the ledger: (part, key, English label).
ROLLUP: tuple[tuple[str, tuple[tuple[str, str, str], ...]], ...] = (
    (
        N_("Survey"),
        (
            ("survey", "villages", N_("Villages")),
            ("survey", "villages_surveyed", N_("Villages whose survey has begun")),
            ("survey", "forms_registered", N_("Registration forms filled in")),
            ("survey", "tables_and_questionnaires", N_("Tables and questionnaires handed out")),
            ("survey", "symposiums", N_("Symposiums")),
            ("survey", "collective_consultations", N_("Collective consultations")),
            ("survey", "households_visited", N_("Households visited")),
            ("survey", "interviews", N_("Individual interviews")),
            ("survey", "opinions", N_("Opinions collected")),
            ("survey", "problems", N_("Problems found")),
        ),
    ),
    (
        N_("Plans, measures and letters"),
        (
            ("plans", "plans", N_("Plans")),
            ("plans", "plans_approved", N_("Plans approved")),
            ("plans", "villages_with_an_approved_plan", N_("Villages with an approved plan")),
            ("measures", "measures", N_("Measures")),
            ("measures", "overdue", N_("Overdue measures")),
            ("letters", "letters", N_("Responsibility letters")),
            ("letters", "in_force", N_("Letters in force")),
            ("letters", "villages_with_a_letter", N_("Villages with a letter")),
        ),
    ),
)
PARTICIPANTS = {
    "township_leaders": N_("Township leaders"),
    "committee_members": N_("Members of the two committees"),
    "party_members": N_("Party members"),
    "villager_representatives": N_("Villager representatives"),
}


Query = Callable[[Zhucun, str, date, datetime | None], Any]


def page_of(code: str, query: Query) -> dict[str, Any]:
    """What every ledger page shows: the unit's answer to ``query`` (a ``Zhucun`` method) on
    the page's day as known at its moment (404 for no unit), those clocks and the arguments
    that keep them on the page's links, and the units above that the account sees."""
    code = unit_in_reach(code)
    z = zhucun()
    today = z.today()
    day, moment = as_of_day() or today, as_known_at(today)
    data = query(z, code, day, moment)
    if data is None:
        raise UnitNotFoundError(code, field="code")
    who = principal()
    assert who is not None
    return {
        "data": data,
        "day": day,
        "today": today,
        "moment": moment,
        "kept": {k: request.args[k] for k in ("as_of", "as_known_at") if request.args.get(k)},
        "trail": trail_of(code, who),
    }


def may_send(command: str) -> bool:
    who = principal()
    return who is not None and who.role in COMMAND_ROLES.get(command, frozenset())


def form_link(village: str, form: str, day: date, **args: Any) -> str:
    """A ledger form of the village, on the page's day when that is not today."""
    if day != zhucun().today():
        args["occurred_on"] = day.isoformat()
    return url_for("ledger.form", code=village, form=form, **args)


def yuan(fen: int) -> str:
    """Fen as yuan with two decimals, in the page's locale (12,345.67)."""
    return str(format_decimal(Decimal(fen) / FEN_PER_YUAN, "#,##0.00"))


def fmt_moment(moment: datetime) -> str:
    return str(format_datetime(moment, "medium"))


@bp.app_context_processor
def _helpers() -> dict[str, Any]:
    return {
        "may_send": may_send,
        "ledger_form_link": form_link,
        "ledger_label": label_named,
        "participant_labels": PARTICIPANTS,
        "yuan": yuan,
        "fmt_moment": fmt_moment,
        "kept_upload": kept_upload,
    }


# -- pages ------------------------------------------------------------------------------------


@bp.get("/units/<code>/ledger")
@login_required
def ledger(code: str) -> str:
    page = page_of(code, Zhucun.ledger)
    data = page["data"]
    if data["level"] != "village":
        sections = rollup_figures(data)
        return render_template(
            "ledger/rollup.html",
            **page,
            chart=funds_chart(data["funds"]),
            sections=sections,
            with_seed=[f for s in sections for f in s["figures"] if f["seed"]],
            villages=zhucun().ledger_village_lines(data["unit"], page["day"], page["moment"]),
        )
    name = request.args.get("tab", TABS[0].name)
    tab = next((t for t in TABS if t.name == name), None)
    if tab is None:
        raise InvalidInputError(
            "tab",
            f"台账没有 {name!r} 这一部分，应为：{', '.join(t.name for t in TABS)}",
            f"the ledger has no part {name!r}; one of: {', '.join(t.name for t in TABS)}",
        )
    offered = {f.name for f in allowed("ledger", "village", LEDGER_FORMS)}
    extra: dict[str, Any] = {}
    if tab.name == "funds":
        funds = zhucun().funds(data["unit"], page["day"], page["moment"])
        assert funds is not None
        titles = {m["id"]: m["title"] for m in data["measures"]}
        extra = {"funds": funds, "chart": funds_chart(funds), "measure_titles": titles}
    elif tab.name == "goals":
        # The units a judgement names are over the village: their names, whoever asks.
        extra = {"unit_names": {u["code"]: u["name"] for u in ancestors(data["unit"])}}
    return render_template(
        "ledger/village.html",
        **page,
        tabs=TABS,
        tab=tab,
        forms=[LEDGER_FORMS[f] for f in tab.forms if f in offered],
        **extra,
    )


def funds_chart(funds: dict[str, Any]) -> list[dict[str, Any]]:
    """What the funds chart draws: per source, in the page's language, the yuan allocated,
    spent and left."""
    return [
        {
            "source": label_of(FundingSource, s),
            **{k: int(v[f"{k}_fen"]) / FEN_PER_YUAN for k in ("allocated", "spent", "balance")},
        }
        for s, v in funds["by_source"].items()
    ]


def rollup_figures(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The roll-up's figures by section, each beside the seed report's where the unit is
    the city the report is about."""
    seed = {(f.part, f.key): f for f in SEED_FIGURES} if data["unit"] == SEED_CITY else {}
    sections = []
    for title, rows in ROLLUP:
        figures = []
        for part, key, label in rows:
            count = int(data[part][key])
            f = seed.get((part, key))
            figures.append(
                {
                    "key": key,
                    "label": _(label),
                    "count": count,
                    "seed": None
                    if f is None
                    else {
                        "number": f.number,
                        "more_than": f.more_than,
                        "reached": reached(f, count),
                    },
                }
            )
        sections.append({"title": _(title), "figures": figures})
    return sections


@bp.get("/units/<code>/measures")
@login_required
def board(code: str) -> str:
    """The measures of the villages under a unit, one column per status, overdue ones
    marked; filtered by category, village, overdue."""
    page = page_of(code, Zhucun.ledger_measures)
    category = request.args.get("category", "").strip()
    village = request.args.get("village", "").strip()
    overdue = request.args.get("overdue") == "1"
    shown = measures_shown(page["data"], category, village, overdue)
    day, today = page["day"], page["today"]
    # A card's links: a few addresses per village, the measure's id added to each card's.
    links = {
        v: {
            "ledger": url_for("ledger.ledger", code=v, tab="measures", **page["kept"]),
            "note": url_for("ledger.form", code=v, form="note-measure-progress"),
            "move": url_for("ledger.form", code=v, form="set-measure-status"),
        }
        for v in {m["village"] for m in shown}
    }
    return render_template(
        "ledger/board.html",
        **page,
        links=links,
        back={
            "next": request.full_path.rstrip("?"),
            **({"occurred_on": day.isoformat()} if day != today else {}),
        },
        can_note=may_send("note_measure_progress"),
        can_move=may_send("set_measure_status"),
        columns=[(s, [m for m in shown if m["status"] == s]) for s in MeasureStatus],
        shown=shown,
        categories=choices_of(MeasureCategory),
        filters={"category": category, "village": village, "overdue": overdue},
        closed={MeasureStatus.DONE.value, MeasureStatus.DROPPED.value},
    )


def measures_shown(
    data: dict[str, Any], category: str, village: str, overdue: bool
) -> list[dict[str, Any]]:
    """The measures of the board (``Zhucun.ledger_measures``) its filters keep, for the board
    and the API alike: one category, one village under the unit, the overdue ones."""
    if category and category not in set(MeasureCategory):
        raise InvalidInputError(
            "category",
            f"未知的措施类别 {category!r}",
            f"unknown category of measure {category!r}",
        )
    if village and village not in {v["code"] for v in data["villages"]}:
        raise InvalidInputError(
            "village", f"{village!r} 不是本单位下的村", f"{village!r} is not a village here"
        )
    return [
        m
        for m in data["measures"]
        if (not category or m["category"] == category)
        and (not village or m["village"] == village)
        and (not overdue or m["overdue"])
    ]


@bp.get("/units/<code>/ledger.xlsx")
@login_required
def workbook(code: str) -> Response:
    """The ledger workbook of every village under the unit on the day, as the command line
    writes it (``zhucun ledger --xlsx``), recorded as an export by the account."""
    page = page_of(code, Zhucun.ledger_villages)
    data, moment = page["data"], page["moment"]
    name = f"ledger-{data['unit']}-{data['as_of']}.xlsx"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        rows = write_ledger_workbook(path, data)
        body = path.read_bytes()
    given = {"unit": data["unit"], "as_of": data["as_of"]}
    if moment is not None:
        given["as_known_at"] = moment.isoformat()
    who = principal()
    assert who is not None
    record_export(
        zhucun(),
        who.username,
        who.role.value,
        "village work ledger",
        "xlsx",
        f"web:{name}",
        given,
        rows,
    )
    return Response(
        body,
        mimetype=XLSX,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.get("/units/<code>/ledger/files/<sha256>")
@login_required
def evidence_file(code: str, sha256: str) -> Response:
    """A file cited as evidence for one of the village's 六有 goals on the page's day, its
    bytes checked against their hash as ``zhucun ledger file`` checks them, and the read
    recorded as an export by the account: evidence may hold personal data. A file the
    village's evidence does not cite is not found here, whatever else cites it."""
    return evidence_sent(page_of(code, Zhucun.ledger)["data"], sha256, "web")


def evidence_sent(data: dict[str, Any], sha256: str, via: str) -> Response:
    """The file the village's ledger (``Zhucun.ledger``, ``data``) cites as evidence by this
    hash, its bytes checked, its read recorded as an export through ``via`` (web, api): for
    the page and the API alike."""
    if data["level"] != "village":
        abort(404)
    wanted = file_hash(sha256)
    cited = next(
        (
            e
            for d in data["six_haves"]["duties"]
            for g in d["goals"]
            for e in g.get("evidence", [])
            if e["file"] == wanted
        ),
        None,
    )
    if wanted is None or cited is None:
        raise EvidenceFileNotFoundError(wanted or sha256)
    return send_stored(
        wanted,
        cited["file_name"],
        cited["media_type"] or guess_media_type(cited["file_name"]),
        ("evidence file", {"file": wanted, "village": data["unit"]}),
        "取回证据文件 evidence file read",
        via,
    )


def send_stored(
    sha256: str,
    name: str,
    mimetype: str,
    what: tuple[str, dict[str, str]],
    reason: str,
    via: str,
) -> Response:
    """A stored file's bytes as a download named ``name``, its reading recorded first in the
    access log (``what`` was read, with the filters that name it, through ``via``: web, api)."""
    z = zhucun()
    content = z.stored_file(sha256)
    who = principal()
    assert who is not None
    record_export(
        z, who.username, who.role.value, what[0], "file", f"{via}:{name}", what[1], 1, reason=reason
    )
    return send_file(io.BytesIO(content), mimetype=mimetype, as_attachment=True, download_name=name)


# -- forms ------------------------------------------------------------------------------------


@bp.route("/units/<code>/ledger/record/<form>", methods=["GET", "POST"])
@login_required
def form(code: str, form: str) -> Redirect | tuple[str, int]:
    ctx = unit_context(code)
    spec = spec_for(form, "ledger", LEDGER_FORMS)
    if ctx["level"] not in spec.levels:
        abort(404)
    page = url_for("ledger.ledger", code=ctx["code"], tab=TAB_OF[spec.name])
    done = _safe_next(request.args.get("next")) or page
    ctx |= {"team": None, "back": done, "defaults": defaults(spec.name, ctx["village"])}
    village = ctx["village"]

    def prepare(args: dict[str, Any]) -> None:
        owned(args, village)
        if any(f.kind == "file" for f in spec.fields):
            upload(args, village)

    return handle(spec, ctx, done, prepare)


# What a village's form may name by id, and the refusal when it is another village's. (The
# jurisdiction check lets through another village the account also reaches: a township
# officer's form on village A must not revise, approve or move on village B's records.)
OWNED: tuple[tuple[str, type[NetworkAggregate], type[ZhucunError]], ...] = (
    ("plan", VillagePlan, PlanOfOtherVillageError),
    ("measure", Measure, MeasureOfOtherVillageError),
)


def owned(args: dict[str, Any], village: str) -> None:
    """Refuse, by name and beside its field, a plan or measure the form names that belongs
    to another village than the page's. An id that is none, or names nothing, is left to
    the command, which refuses it by name; one outside the account's jurisdiction too, so
    that its refusal is the jurisdiction's (403, recorded)."""
    who = principal()
    assert who is not None
    uow = UnitOfWork(zhucun().store)
    inside = JurisdictionCheck(who.reach(), uow)
    for name, kind, error in OWNED:
        value = args.get(name)
        if not isinstance(value, str) or not value.strip().isascii():
            continue
        try:
            wanted = UUID(value.strip())
        except ValueError:
            continue
        found = uow.find(kind, wanted)
        other = getattr(found, "village_code", village)
        if other == village:
            continue
        try:
            inside(name, wanted)
        except ZhucunError:
            continue
        raise error(str(wanted), village, other)


KEPT_UPLOAD = "kept_upload"  # the file this session last uploaded: kept, maybe not cited


def upload(args: dict[str, Any], village: str) -> None:
    """Keep the uploaded file in the store by its SHA-256 (once: the same bytes are kept
    once), then let the evidence cite it by that hash, its name and its media type, as
    ``zhucun ledger attach`` does. A form refused after its file was kept shows the form
    again with "keep the file sent" ticked: sent so, the form cites that file again (this
    session's own upload, for this village: never a hash typed in). No file: the command
    refuses the evidence by name."""
    sent = request.files.get("file")
    if sent is None or not sent.filename:
        kept = session.get(KEPT_UPLOAD)
        if request.form.get("keep_file") and kept and kept.get("village") == village:
            name = str(kept["file_name"])
            args |= {"file": kept["file"], "file_name": name, "media_type": guess_media_type(name)}
        return
    most = max_file_bytes()
    content = sent.stream.read(most + 1)
    if len(content) > most:
        raise FileTooLargeError(request.content_length or len(content), most)
    stored = zhucun().attach_file(content)
    name = sent.filename.replace("\\", "/").rsplit("/", 1)[-1]
    session[KEPT_UPLOAD] = {"file": stored["file"], "file_name": name, "village": village}
    args |= {"file": stored["file"], "file_name": name, "media_type": guess_media_type(name)}


def kept_upload(village: str | None) -> dict[str, str] | None:
    """The file a refused evidence form of the village kept, to offer again on the form
    sent back."""
    kept = session.get(KEPT_UPLOAD)
    if request.method != "POST" or not isinstance(kept, dict) or kept.get("village") != village:
        return None
    return kept


def defaults(form: str, village: str) -> dict[str, Any]:
    """What a form starts with, from the village's ledger today: the registration form's
    latest revision, a plan's title and items to revise."""
    if form not in ("register-village-form", "revise-plan") or request.method != "GET":
        return {}
    found = zhucun().ledger(village) or {}
    if form == "register-village-form":
        f = found.get("survey", {}).get("form")
        if f is None:
            return {}
        money = ("collective_income", "collective_assets", "collective_debts", "per_capita_income")
        return {
            **{k: f[k] for k in ("committee_size", "secretary", "assessment", "main_problems")},
            **{k: f[f"{k}_yuan"] for k in money},
        }
    plan = next((p for p in found.get("plans", []) if p["id"] == request.args.get("plan")), None)
    if plan is None:
        return {}
    items = {f"items-{i}-{k}": item[k] for i, item in enumerate(plan["items"]) for k in item}
    return {"title": plan["title"], **items}
