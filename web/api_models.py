"""The two parts every answer of the JSON API may carry, as typed definitions: how fresh the
read models are (``Freshness``, in every answer) and a refusal or HTTP error (``Problem``,
RFC 9457). The answers are built through them (``freshness``, ``problem_body``) and the API's
description writes their JSON Schema from them (web/openapi.py), so that the two cannot
differ."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from msgspec import UNSET, Meta, UnsetType

Count = Annotated[int, Meta(ge=0)]


def _said(zh: str, en: str, **more: Any) -> Meta:
    return Meta(description=f"{zh} / {en}", **more)


class Stopped(msgspec.Struct):
    """因无法处理某事件而停止的读模型 / a read model stopped by an event it could not apply"""

    position: Annotated[Count, _said("停在此事件之前", "stopped before this event")]
    error: Annotated[str, _said("错误", "the error")]


class Freshness(msgspec.Struct):
    """读模型读到日志的哪里 / how far into the log the read models' answer reaches"""

    position: Annotated[
        Count, _said("各读模型都已处理到的日志位置", "the log position every read model reached")
    ]
    head: Annotated[Count, _said("日志最后一条事件的位置", "the position of the log's last event")]
    behind: Annotated[Count, _said("尚未反映在答复中的事件数", "events not yet in the answer")]
    lag_seconds: Annotated[
        float,
        _said("其中最早一条记录至今的秒数", "seconds since the first of those was recorded", ge=0),
    ]
    stopped: Annotated[
        dict[str, Stopped],
        _said(
            "因无法处理某事件而停止的读模型", "read models stopped by an event they could not apply"
        ),
    ]


def freshness(z: Any) -> dict[str, Any]:
    """``Zhucun.freshness()`` read through its definition: an answer that would not match
    what the description says of it fails here, not in a client."""
    return msgspec.to_builtins(msgspec.convert(z.freshness(), Freshness))  # type: ignore[no-any-return]


class Problem(msgspec.Struct, kw_only=True, omit_defaults=True):
    """RFC 9457 problem details, with the message in both languages"""

    type: Annotated[
        str,
        Meta(
            description="tag:zhucun.example,2014:problem:CODE for a refusal, about:blank for a "
            "plain HTTP error",
            extra_json_schema={"format": "uri-reference"},
        ),
    ]
    title: str
    status: int
    detail: Annotated[str, Meta(description="in the asked language")]
    instance: Annotated[str | UnsetType, Meta(extra_json_schema={"format": "uri-reference"})] = (
        UNSET
    )
    code: Annotated[
        str | UnsetType,
        Meta(
            description="stable machine-readable code of the refusal",
            examples=["unit_not_found", "invalid_input"],
        ),
    ] = UNSET
    field: Annotated[str | UnsetType, Meta(description="the input the refusal concerns")] = UNSET
    zh: Annotated[str | UnsetType, Meta(description="中文说明")] = UNSET
    en: Annotated[str | UnsetType, Meta(description="English message")] = UNSET


def problem_body(
    status: int, title: str, detail: str, type_: str, **extensions: Any
) -> dict[str, Any]:
    """A problem's body: its members through ``Problem``, then any member of the answer's
    own (``errors`` of a refused command or import, ...)."""
    known = {k: v for k, v in extensions.items() if k in Problem.__struct_fields__}
    body = msgspec.to_builtins(
        Problem(type=type_, title=title, status=status, detail=detail, **known)
    )
    return {**body, **{k: v for k, v in extensions.items() if k not in known}}
