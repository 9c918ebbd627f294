"""Refusals about accounts, logins and access, in Chinese and English, naming the field."""

from __future__ import annotations

from domain.errors import InvalidInputError, NotFoundError, RuleViolation, ZhucunError
from domain.fields import field as definition


class UnknownRoleError(InvalidInputError):
    code = "unknown_role"

    def __init__(self, role: str, roles: list[str]) -> None:
        names = ", ".join(roles)
        super().__init__(
            "role",
            f"没有角色 {role!r}；可用的角色：{names}",
            f"there is no role {role!r}; roles: {names}",
        )


class InvalidUsernameError(InvalidInputError):
    code = "invalid_username"

    def __init__(self, username: str) -> None:
        super().__init__(
            "username",
            f"用户名 {username!r} 不对：应为 3 至 32 个小写字母、数字或 . _ -，以字母开头",
            f"username {username!r} is invalid: 3 to 32 lower-case letters, digits or . _ -, "
            "starting with a letter",
        )


class DuplicateUsernameError(RuleViolation):
    code = "duplicate_username"

    def __init__(self, username: str) -> None:
        super().__init__(
            "username", f"用户名 {username} 已被使用", f"username {username} is already taken"
        )


class AccountNotFoundError(NotFoundError):
    code = "account_not_found"

    def __init__(self, username: str) -> None:
        super().__init__("username", f"没有用户 {username}", f"no account named {username}")


class WeakPasswordError(InvalidInputError):
    code = "weak_password"

    def __init__(self, zh: str, en: str) -> None:
        super().__init__("password", f"密码太弱：{zh}", f"the password is too weak: {en}")


class CommonPasswordError(InvalidInputError):
    code = "common_password"

    def __init__(self) -> None:
        super().__init__(
            "password",
            "密码太常见：它在最常用密码的名单上，猜密码的人最先试的就是这些",
            "the password is too common: it is on the list of the most used passwords, "
            "the first ones a guesser tries",
        )


class DemoPasswordError(InvalidInputError):
    code = "demo_password"

    def __init__(self) -> None:
        super().__init__(
            "password",
            "密码是公开的演示密码，只能用于演示数据；请另设一个",
            "the password is the published demo password, for the demo only; choose another",
        )


class EmptyPasswordError(InvalidInputError):
    code = "empty_password"

    def __init__(self) -> None:
        super().__init__("password", "密码为空", "the password is empty")


class RoleUnitLevelError(RuleViolation):
    code = "role_unit_level"

    def __init__(self, role: str, unit: str, level_zh: str, level: str, allowed: str) -> None:
        super().__init__(
            "unit",
            f"角色 {role} 不能绑定在{level_zh} {unit}；应绑定在：{allowed}",
            f"role {role} cannot be bound to the {level} {unit}; it is bound to: {allowed}",
        )


class TeamRequiredError(InvalidInputError):
    code = "team_required"

    def __init__(self) -> None:
        super().__init__(
            "team",
            "工作队队员账号须指定工作队（--team）",
            "a team member account needs a team (--team)",
        )


class TeamNotAllowedError(InvalidInputError):
    code = "team_not_allowed"

    def __init__(self, role: str) -> None:
        super().__init__(
            "team",
            f"只有工作队队员账号绑定工作队，角色 {role} 不绑定",
            f"only team member accounts are bound to a team, not role {role}",
        )


class TeamNotInVillageError(RuleViolation):
    code = "team_not_in_village"

    def __init__(self, team: str, team_village: str, unit: str) -> None:
        super().__init__(
            "unit",
            f"工作队 {team} 驻在村 {team_village}，不在 {unit}；队员账号绑定在工作队所驻的村",
            f"team {team} serves village {team_village}, not {unit}; a team member account "
            "is bound to its team's village",
        )


class LoginFailedError(ZhucunError):
    """Wrong username or password: the message does not say which."""

    code = "login_failed"

    def __init__(self) -> None:
        super().__init__("password", "用户名或密码不对", "wrong username or password")


class TooManyFailedLoginsError(ZhucunError):
    code = "too_many_failed_logins"

    def __init__(self, failures: int, minutes: int) -> None:
        super().__init__(
            "username",
            f"{minutes} 分钟内登录失败 {failures} 次，暂时不能登录；请 {minutes} 分钟后再试，"
            "或请管理员重设密码",
            f"{failures} failed logins within {minutes} minutes: logging in is paused; try "
            f"again in {minutes} minutes, or ask an administrator to reset the password",
        )


class AccountSuspendedError(RuleViolation):
    code = "account_suspended"

    def __init__(self, username: str) -> None:
        super().__init__(
            "username", f"用户 {username} 已被停用", f"account {username} is suspended"
        )


class AccountNotSuspendedError(RuleViolation):
    code = "account_not_suspended"

    def __init__(self, username: str) -> None:
        super().__init__(
            "username", f"用户 {username} 没有被停用", f"account {username} is not suspended"
        )


class OutsideJurisdictionError(ZhucunError):
    code = "outside_jurisdiction"

    def __init__(self, unit: str, own_unit: str) -> None:
        # ``unit`` is where the thing asked for lies; it is not said, so that a refusal
        # tells nothing of another jurisdiction (not even where a household lives).
        super().__init__(
            "unit",
            f"所要查看或办理的对象不在本账号的管辖范围（{own_unit} 及其下级）内",
            f"what was asked for is outside this account's jurisdiction ({own_unit} and below)",
        )


class NotInJurisdictionError(OutsideJurisdictionError):
    """What a command names lies outside the account's reach. The refusal names the field
    only: nothing of what lies outside (its unit, its name) reaches the account."""

    def __init__(self, field: str) -> None:
        spec = definition(field)
        ZhucunError.__init__(
            self,
            field,
            f"{spec.label(field, 'zh')}不在本账号的管辖范围内",
            f"{spec.label(field, 'en')} is not in this account's jurisdiction",
        )


class RoleNotAllowedError(ZhucunError):
    code = "role_not_allowed"

    def __init__(self, role: str, what_zh: str, what_en: str) -> None:
        super().__init__("role", f"角色 {role} 不能{what_zh}", f"role {role} cannot {what_en}")
