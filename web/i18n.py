"""Chinese first, English on request: ``?lang=en`` switches and a cookie remembers the choice.

Templates and code write the English text and call ``_()`` on it, gettext-style, so the
catalogue below can later move to Flask-Babel message files unchanged.
"""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Flask, Response, g, request

LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"
COOKIE = "lang"
COOKIE_MAX_AGE = 365 * 24 * 3600

ZH: dict[str, str] = {
    # page frame
    "Village work teams and the six-level service network": "驻村工作队与六级便民服务网络",
    "Zhucun": "驻村",
    "Language": "语言",
    "Unit code": "区划代码",
    "Show": "查询",
    "Back to the city summary": "返回全市概况",
    "Same figures as JSON": "同一数据的 JSON 格式",
    # summary page
    "Summary": "概况",
    "Level": "层级",
    "Code": "代码",
    "Item": "项目",
    "Count": "数量",
    "Counts for this unit and everything under it, as they stand now.": (
        "本单位及其全部下级单位的现状统计。"
    ),
    "Administrative units": "区划单位",
    "Households and party members": "户籍与党员",
    "Six-level service network": "六级便民服务网络",
    "Counties and districts": "县(区)",
    "Townships and subdistricts": "乡镇(街道)",
    "Villages": "行政村",
    "Poor villages": "贫困村",
    "Villager groups": "村民小组",
    "Households": "在册户数",
    "Residents": "在册人口",
    "Party members": "在册党员",
    "Convenience service centres": "便民服务中心",
    "Village service stations": "为民服务站",
    "Group service points": "为民服务点",
    "Party-member central households": "党员中心户",
    "Households linked to a central household": "联系户",
    "open, this unit and below": "本级及下级中未撤销的",
    "not yet out of poverty": "尚未脱贫",
    "not moved out or dissolved": "未迁出、未注销",
    "members of those households": "上述各户人口合计",
    "active in the villages": "各村在册",
    "city, county and township": "市、县(区)、乡镇(街道)",
    "one per village": "每村一个",
    "one per villager group": "每个村民小组一个",
    "active": "在运行",
    "linked to an active central household": "挂靠在运行的中心户",
    # levels
    "Province": "省",
    "City": "市",
    "County": "县(区)",
    "Township": "乡镇(街道)",
    "Village": "村",
    "Villager group": "村民小组",
    # errors
    "Error": "出错了",
    "Page not found": "页面不存在",
    "There is no page at this address.": "这个地址没有对应的页面。",
    "Not allowed": "不允许的操作",
    "This page cannot be used that way.": "这个页面不支持这种操作。",
    "Something went wrong on our side": "系统内部出错",
    "The error has been logged; please try again later.": "错误已记录，请稍后再试。",
    "Not found": "找不到",
    "Invalid input": "输入有误",
    "Refused by a rule": "不符合规定",
    "Please try again": "请重试",
}

LEVELS: dict[str, str] = {
    "province": "Province",
    "city": "City",
    "county": "County",
    "township": "Township",
    "village": "Village",
    "group": "Villager group",
}


def page_language() -> str:
    """The language of an HTML page: asked for in the URL, else remembered, else Chinese."""
    asked = request.args.get("lang")
    if asked in LANGUAGES:
        return asked
    remembered = request.cookies.get(COOKIE)
    return remembered if remembered in LANGUAGES else DEFAULT_LANGUAGE


def api_language() -> str:
    """The language of an API message: ``?lang=``, else Accept-Language, else Chinese."""
    asked = request.args.get("lang")
    if asked in LANGUAGES:
        return asked
    if request.accept_languages:
        return request.accept_languages.best_match(LANGUAGES, DEFAULT_LANGUAGE)
    return DEFAULT_LANGUAGE


def current_language() -> str:
    if "lang" not in g:
        g.lang = api_language() if request.path.startswith("/api/") else page_language()
    return str(g.lang)


def gettext(text: str) -> str:
    return ZH.get(text, text) if current_language() == "zh" else text


_ = gettext


def level_label(level: str) -> str:
    return gettext(LEVELS.get(level, level))


def language_url(lang: str) -> str:
    """This page again, in another language."""
    args = request.args.to_dict()
    args["lang"] = lang
    return f"{request.path}?{urlencode(args)}"


def _remember_language(response: Response) -> Response:
    asked = request.args.get("lang")
    if request.path.startswith("/api/"):
        return response
    if asked in LANGUAGES and request.cookies.get(COOKIE) != asked:
        response.set_cookie(COOKIE, asked, max_age=COOKIE_MAX_AGE, samesite="Lax", httponly=True)
    return response


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(
        _=gettext, level_label=level_label, language_url=language_url, LANGUAGES=LANGUAGES
    )
    app.context_processor(lambda: {"lang": current_language()})
    app.after_request(_remember_language)
