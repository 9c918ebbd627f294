"""The description of the API's writes outside the commands (web/api_uploads.py): files,
spreadsheet import and its templates, an assessment run and its replay; and of the files a
page gives back (web/api_work.py: an evidence file, a written report's document). Generated as the
rest is: each request body and answer is a msgspec Struct whose JSON Schema msgspec writes;
each path is one ``Write`` (its method, bodies, answer and statuses)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Any

import msgspec
from msgspec import UNSET, Meta, UnsetType

from app.imports.kinds import KINDS
from domain.fields import LONG_TEXT_MAX, REASON
from web.api_models import Freshness, Problem
from web.api_uploads import NAME_MAX, ReplayRequest, RunRequest
from web.openapi_commands import REF
from web.openapi_reads import (
    AUDIT_FILTERS,
    CLOCKS,
    CODE_SCHEMA,
    DAY_SCHEMA,
    ID_SCHEMA,
    Json,
    _query,
)
from web.table_export import XLSX

SHA256 = Annotated[str, Meta(pattern="^[0-9a-f]{64}$", description="SHA-256 of the bytes")]
WRITE_SECURITY: list[dict[str, list[str]]] = [{"session": [], "csrfToken": []}, {"bearerAuth": []}]


class KeptFile(msgspec.Struct, kw_only=True):
    """已保存的文件 / a file kept by its content: cite ``file`` as an evidence's ``file`` or a
    written report's ``document_sha256`` in ``POST /api/v1/commands``"""

    file: SHA256
    size: Annotated[int, Meta(ge=1)]
    file_name: str | UnsetType = UNSET
    media_type: str | UnsetType = UNSET


class ImportKindRow(msgspec.Struct):
    """一类可导入的行 / a kind of row the account may import, and the command each row is"""

    kind: str
    command: str
    zh: str
    en: str


class ImportKinds(msgspec.Struct, kw_only=True):
    rows: list[ImportKindRow]
    freshness: Freshness


class Imported(msgspec.Struct, kw_only=True):
    """导入结果 / what an import did: rows read, applied, skipped (applied by an earlier
    import of the same rows), events written, and each row's ids"""

    kind: str
    rows: Annotated[int, Meta(ge=0)]
    applied: Annotated[int, Meta(ge=0)]
    skipped: Annotated[int, Meta(ge=0)]
    events: Annotated[int, Meta(ge=0)]
    results: list[dict[str, Any]]
    freshness: Freshness


class RowError(msgspec.Struct):
    """一处错误，按行列 / one error of a refused file, placed by row and column (no column when
    it names none of the file's)"""

    row: Annotated[int, Meta(ge=1)]
    column: Annotated[int, Meta(ge=1)] | None
    column_label: str
    column_label_en: str
    field: str
    code: str
    zh: str
    en: str


class ImportProblem(Problem, kw_only=True):
    """导入被拒：每一处错误，未写入任何内容 / the file refused, with every error; nothing was
    written"""

    errors: (
        Annotated[
            list[RowError],
            Meta(
                min_length=1,
                description="每一处行错误（文件读出行时）/ every row error, when the file's rows "
                "were read (a file that is none, or sent without a name, has none)",
            ),
        ]
        | UnsetType
    ) = UNSET


class RunDone(msgspec.Struct, kw_only=True):
    """已记录的考核 / the run recorded: its id, the log position it saw, its rules and digest"""

    run_id: str
    kind: str
    period: str
    unit: str
    position: int
    rules: Any
    digest: str
    summary: dict[str, Any]
    freshness: Freshness


class Replayed(msgspec.Struct, kw_only=True):
    """复算结果 / the replay: reproduced, or the difference and the events that made it"""

    run_id: str
    mode: str
    period: str
    unit: str
    position: int
    recomputed_at: int
    freshness: Freshness


@dataclass(frozen=True)
class Write:
    path: str
    method: str
    operation: str
    summary: str
    body: dict[str, Json]  # media type -> schema
    answer: tuple[str, Json]  # status, its content
    errors: tuple[str, ...]
    parameters: tuple[Json, ...] = field(default_factory=tuple)
    problems: dict[str, str] = field(default_factory=dict)  # status -> the schema's name
    # status -> other media types a refusal may come as (the marked workbook)
    also: dict[str, Json] = field(default_factory=dict)
    body_required: bool = True


def _ref(model: type[msgspec.Struct]) -> Json:
    return {"$ref": REF.format(name=model.__name__)}


def _json(model: type[msgspec.Struct]) -> Json:
    return {"application/json": {"schema": _ref(model)}}


FILE_PART: Json = {
    "type": "string",
    "format": "binary",
    "contentMediaType": "application/octet-stream",
}
NAME = _query(
    "name",
    "文件名（以原始请求体发送时）/ the file's name, when sent as the raw body",
    {"type": "string", "minLength": 1, "maxLength": NAME_MAX},
    "evidence.pdf",
)
KIND: Json = {
    "name": "kind",
    "in": "path",
    "required": True,
    "description": "导入的种类 / the kind of rows (one the account's role may record)",
    "schema": {"type": "string", "enum": sorted(KINDS)},
}
CODE: Json = {
    "name": "code",
    "in": "path",
    "required": True,
    "description": "村的区划代码 / the village's code",
    "schema": CODE_SCHEMA,
}
RUN: Json = {
    "name": "run_id",
    "in": "path",
    "required": True,
    "description": "考核的编号 / the run's id",
    "schema": ID_SCHEMA,
}
ENVELOPE: dict[str, Json] = {
    "occurred_on": DAY_SCHEMA,
    "reason": {"type": "string", "maxLength": REASON.max_length},
}

SHA256_PATH: Json = {
    "name": "sha256",
    "in": "path",
    "required": True,
    "description": "文件内容的 SHA-256 / the SHA-256 of the file's bytes",
    "schema": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
}
FILE_ANSWER: Json = {"*/*": {"schema": {"type": "string", "format": "binary"}}}

WRITES: tuple[Write, ...] = (
    Write(
        "/api/v1/units/{code}/ledger/files/{sha256}",
        "get",
        "getEvidenceFile",
        "村的台账引用为证据的文件（取回留痕）/ a file the village's ledger cites as evidence "
        "on the day (the read is recorded)",
        {},
        ("200", FILE_ANSWER),
        ("400", "401", "403", "404", "422", "429"),
        (CODE, SHA256_PATH, CLOCKS["as_of"], CLOCKS["as_known_at"]),
    ),
    Write(
        "/api/v1/teams/{team_id}/assessments/reports/{sha256}",
        "get",
        "getWrittenReport",
        "工作队书面述职报告的文件（取回留痕）/ the document of a team's written report (the "
        "read is recorded)",
        {},
        ("200", FILE_ANSWER),
        ("400", "401", "403", "404", "422", "429"),
        (
            {
                "name": "team_id",
                "in": "path",
                "required": True,
                "description": "工作队的编号 / the team's id",
                "schema": ID_SCHEMA,
            },
            SHA256_PATH,
        ),
    ),
    Write(
        "/api/v1/files",
        "post",
        "postFile",
        "保存一个文件（按内容的 SHA-256，只存一次）/ keep a file by its content's SHA-256, once",
        {
            "multipart/form-data": {
                "type": "object",
                "required": ["file"],
                "properties": {"file": FILE_PART},
            },
            "application/octet-stream": FILE_PART,
        },
        ("201", _json(KeptFile)),
        ("400", "401", "403", "422", "429"),
        (NAME,),
    ),
    Write(
        "/api/v1/imports",
        "get",
        "getImportKinds",
        "本账号可导入的种类 / the kinds of rows the account may import",
        {},
        ("200", _json(ImportKinds)),
        ("401", "403", "429"),
    ),
    Write(
        "/api/v1/imports/{kind}/template.xlsx",
        "get",
        "getImportTemplate",
        "导入模板（表头为中文或英文，随语言）/ the kind's template workbook (headers in the "
        "asked language)",
        {},
        ("200", {XLSX: {"schema": {"type": "string", "format": "binary"}}}),
        ("401", "403", "404", "429"),
        (KIND,),
    ),
    Write(
        "/api/v1/imports/{kind}",
        "post",
        "postImport",
        "导入一个工作簿或 CSV 文件，全部写入或都不写入 / import a workbook or CSV file, all "
        "rows or none",
        {
            "multipart/form-data": {
                "type": "object",
                "required": ["file"],
                "properties": {"file": FILE_PART, **ENVELOPE},
            },
            "application/octet-stream": FILE_PART,
        },
        ("200", _json(Imported)),
        ("400", "401", "403", "404", "409", "422", "429"),
        (
            KIND,
            NAME
            | {
                "description": "文件名，须以 .xlsx 或 .csv 结尾（以原始请求体发送时）/ the "
                "file's name, ending .xlsx or .csv, when sent as the raw body",
                "example": "households.xlsx",
            },
            _query(
                "occurred_on",
                "发生日期（未写明时）/ the rows' date where they give none",
                DAY_SCHEMA,
            ),
            _query("reason", "事由 / the reason", ENVELOPE["reason"]),
        ),
        {"422": "ImportProblem"},
        # Asked for with ``Accept`` of a workbook: the file sent, its bad cells marked.
        {"422": {XLSX: {"schema": {"type": "string", "format": "binary"}}}},
    ),
    Write(
        "/api/v1/audit/export/{fmt}",
        "post",
        "exportAuditLog",
        "导出审计日志的全部条目（Excel 或 CSV），导出留痕 / export every entry of the audit log's "
        "filters as Excel or CSV; the export is recorded",
        {},
        (
            "200",
            {
                media: {"schema": {"type": "string", "format": "binary"}}
                for media in (XLSX, "text/csv")
            },
        ),
        ("400", "401", "403", "404", "422", "429"),
        (
            {
                "name": "fmt",
                "in": "path",
                "required": True,
                "description": "格式 / the format",
                "schema": {"type": "string", "enum": ["xlsx", "csv"]},
            },
            *AUDIT_FILTERS,
            _query(
                "reason",
                "导出事由 / why the log is exported",
                {"type": "string", "maxLength": LONG_TEXT_MAX},
            ),
        ),
        body_required=False,
    ),
    Write(
        "/api/v1/assessments",
        "post",
        "postAssessmentRun",
        "运行一次考核（市、县管理员）/ run an assessment (city and county administrators)",
        {"application/json": _ref(RunRequest)},
        ("201", _json(RunDone)),
        ("400", "401", "403", "404", "409", "422", "429"),
    ),
    Write(
        "/api/v1/assessments/{run_id}/replay",
        "post",
        "postAssessmentReplay",
        "复算一次考核，不写入 / replay a run (writes nothing)",
        {"application/json": _ref(ReplayRequest)},
        ("200", _json(Replayed)),
        ("400", "401", "403", "404", "422", "429"),
        (RUN,),
        body_required=False,
    ),
)

MODELS = (
    KeptFile,
    ImportKinds,
    Imported,
    ImportProblem,
    RunRequest,
    RunDone,
    ReplayRequest,
    Replayed,
)
RESPONSES = {
    "401": "LoginNeeded",
    "403": "Forbidden",
}


def _operation(w: Write) -> Json:
    responses: Json = {w.answer[0]: {"description": w.summary, "content": w.answer[1]}}
    for status in w.errors:
        name = w.problems.get(status)
        if name:
            responses[status] = {
                "description": "拒绝 / refused",
                "content": {
                    "application/problem+json": {"schema": {"$ref": REF.format(name=name)}},
                    **w.also.get(status, {}),
                },
            }
        else:
            responses[status] = {
                "$ref": f"#/components/responses/{RESPONSES.get(status, 'Problem')}"
            }
    out: Json = {
        "operationId": w.operation,
        "summary": w.summary,
        "security": WRITE_SECURITY if w.method == "post" else [{"session": []}, {"bearerAuth": []}],
        "parameters": [*w.parameters, {"$ref": "#/components/parameters/lang"}],
        "responses": dict(sorted(responses.items())),
    }
    if w.body:
        out["requestBody"] = {
            "required": w.body_required,
            "content": {media: {"schema": schema} for media, schema in w.body.items()},
        }
    return out


def extend(document: Json) -> Json:
    """The description with the writes' paths and their models' schemas added."""
    _, schemas = msgspec.json.schema_components(MODELS, ref_template=REF)
    document["components"]["schemas"] |= schemas
    for w in WRITES:
        document["paths"].setdefault(w.path, {})[w.method] = _operation(w)
    return document
