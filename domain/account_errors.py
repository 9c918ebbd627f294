"""Refusals about accounts, logins and access, in Chinese and English, naming the field.

A table of the same kind as ``domain/errors.py``'s: one row to a refusal."""

from __future__ import annotations

from domain.errors import invalid, joined, missing, name_rows, refusal, rule
from domain.fields import field as definition

# fmt: off
UnknownRoleError = invalid("unknown_role", "role", "role roles",
    "没有角色 {role!r}；可用的角色：{roles}",
    "there is no role {role!r}; roles: {roles}",
    values=joined("roles"))

InvalidUsernameError = invalid("invalid_username", "username", "username",
    "用户名 {username!r} 不对：应为 3 至 32 个小写字母、数字或 . _ -，以字母开头",
    "username {username!r} is invalid: 3 to 32 lower-case letters, digits or . _ -, starting with "
    "a letter")

DuplicateUsernameError = rule("duplicate_username", "username", "username",
    "用户名 {username} 已被使用",
    "username {username} is already taken")

AccountNotFoundError = missing("account_not_found", "username", "username",
    "没有用户 {username}",
    "no account named {username}")

WeakPasswordError = invalid("weak_password", "password", "zh en",
    "密码太弱：{zh}",
    "the password is too weak: {en}")

CommonPasswordError = invalid("common_password", "password", "",
    "密码太常见：它在最常用密码的名单上，猜密码的人最先试的就是这些",
    "the password is too common: it is on the list of the most used passwords, the first ones a "
    "guesser tries")

DemoPasswordError = invalid("demo_password", "password", "",
    "密码是公开的演示密码，只能用于演示数据；请另设一个",
    "the password is the published demo password, for the demo only; choose another")

EmptyPasswordError = invalid("empty_password", "password", "",
    "密码为空",
    "the password is empty")

RoleUnitLevelError = rule("role_unit_level", "unit", "role unit level_zh level allowed",
    "角色 {role} 不能绑定在{level_zh} {unit}；应绑定在：{allowed}",
    "role {role} cannot be bound to the {level} {unit}; it is bound to: {allowed}")

TeamRequiredError = invalid("team_required", "team", "",
    "工作队队员账号须指定工作队（--team）",
    "a team member account needs a team (--team)")

TeamNotAllowedError = invalid("team_not_allowed", "team", "role",
    "只有工作队队员账号绑定工作队，角色 {role} 不绑定",
    "only team member accounts are bound to a team, not role {role}")

TeamNotInVillageError = rule("team_not_in_village", "unit", "team team_village unit",
    "工作队 {team} 驻在村 {team_village}，不在 {unit}；队员账号绑定在工作队所驻的村",
    "team {team} serves village {team_village}, not {unit}; a team member account is bound to its "
    "team's village")

CadreNotAllowedError = invalid("cadre_not_allowed", "cadre", "role",
    "只有工作队队员账号绑定干部，角色 {role} 不绑定",
    "only team member accounts are bound to a cadre, not role {role}")

CadreNotOnTeamError = rule("cadre_not_on_team", "cadre", "cadre team",
    "干部 {cadre} 不是该账号所在工作队 {team} 的队员",
    "cadre {cadre} has not been a member of the account's team {team}")

# Wrong username or password: the message does not say which.
LoginFailedError = refusal("login_failed", "password", "",
    "用户名或密码不对",
    "wrong username or password")

TooManyFailedLoginsError = refusal("too_many_failed_logins", "username", "failures minutes",
    "{minutes} 分钟内登录失败 {failures} 次，暂时不能登录；请 {minutes} 分钟后再试，"
    "或请管理员重设密码",
    "{failures} failed logins within {minutes} minutes: logging in is paused; try again in "
    "{minutes} minutes, or ask an administrator to reset the password")

AccountSuspendedError = rule("account_suspended", "username", "username",
    "用户 {username} 已被停用",
    "account {username} is suspended")

AccountNotSuspendedError = rule("account_not_suspended", "username", "username",
    "用户 {username} 没有被停用",
    "account {username} is not suspended")

# ``unit`` is where the thing asked for lies; it is not said, so that a refusal tells nothing

# of another jurisdiction (not even where a household lives).
OutsideJurisdictionError = refusal("outside_jurisdiction", "unit", "unit own_unit",
    "所要查看或办理的对象不在本账号的管辖范围（{own_unit} 及其下级）内",
    "what was asked for is outside this account's jurisdiction ({own_unit} and below)")

# What a command names lies outside the account's reach. The refusal names the field only:
# nothing of what lies outside (its unit, its name) reaches the account.
def _labels(field: str, **_: object) -> dict[str, str]:
    spec = definition(field)
    return {"label_zh": spec.label(field, "zh"), "label_en": spec.label(field, "en")}



NotInJurisdictionError = refusal("", "", "field",
    "{label_zh}不在本账号的管辖范围内",
    "{label_en} is not in this account's jurisdiction",
    values=_labels, kind=OutsideJurisdictionError)

# Personal API tokens (domain/api_tokens.py, ADR 041).
TokenExpiryPastError = invalid("token_expiry_past", "expires", "expires today",
    "有效期至 {expires} 已经过去（今天是 {today}）",
    "expiry {expires} is in the past (today is {today})")

TokenNotFoundError = missing("token_not_found", "token", "token",
    "没有编号为 {token} 的 API 令牌",
    "there is no API token {token}")

TokenRevokedError = rule("token_revoked", "token", "token",
    "API 令牌 {token} 已经撤销",
    "API token {token} is already revoked")

RoleNotAllowedError = refusal("role_not_allowed", "role", "role what_zh what_en",
    "角色 {role} 不能{what_zh}",
    "role {role} cannot {what_en}")
# fmt: on

name_rows(globals())
