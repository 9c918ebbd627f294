"""The refusal catalogue as a page of the docs: ``python -m domain.catalogue > docs/errors.md``.

Printed from the tables themselves (``domain/errors.py``, ``domain/account_errors.py``,
``domain/ledger/errors.py``, ``domain/assessments/errors.py``), so the page says what the
code says; tests/test_errors.py fails when the two differ.
"""

from __future__ import annotations

# Their rows join the catalogue:
import domain.account_errors
import domain.assessments.errors
import domain.ledger.errors  # noqa: F401
from domain.errors import (
    CATALOGUE,
    Catalogued,
    InvalidInputError,
    NotFoundError,
    RuleViolation,
)

HEAD = """# Refusals · 错误目录

Every refusal of the domain's rules, as the code defines it: its stable code, the error class
that the code raises, what kind of refusal it is, the field it names, and its two sentences,
with the blanks (`{name}`) that the refusal's arguments fill (a blank that is not an argument,
such as `{when_zh}`, is worded from them). A refusal reaches the user as
`code [field]: 中文 / English` on the command line (exit code 1), as a page with the field
marked on the web, and as `application/problem+json` from the API (docs/web.md).

Printed by `python -m domain.catalogue > docs/errors.md` from `domain/errors.py`,
`domain/account_errors.py`, `domain/ledger/errors.py` and `domain/assessments/errors.py`;
`tests/test_errors.py` fails when this page and the code differ.
The store's and the command line's own refusals (a store that cannot be reached, a demo that
would overwrite data) are defined beside their code in `app/`.
"""

SECTIONS = {
    "domain.errors": "The network and the work teams (`domain/errors.py`)",
    "domain.account_errors": "Accounts, logins and access (`domain/account_errors.py`)",
    "domain.ledger.errors": "The village work ledger (`domain/ledger/errors.py`)",
    "domain.assessments.errors": "Assessments (`domain/assessments/errors.py`)",
}


def kind(cls: type[Catalogued]) -> str:
    for base, name in (
        (InvalidInputError, "invalid input"),
        (NotFoundError, "not found"),
        (RuleViolation, "rule"),
    ):
        if issubclass(cls, base):
            return name
    return "refusal"


def _cell(text: str) -> str:
    return text.replace("|", "\\|") or "—"


def markdown() -> str:
    lines = [HEAD]
    for module, title in SECTIONS.items():
        lines += [
            f"## {title}",
            "",
            "| code | error | kind | field | arguments | 中文 | English |",
            "|---|---|---|---|---|---|---|",
        ]
        for cls in CATALOGUE:
            if cls.__module__ != module:
                continue
            row = cls.row
            field = f"`{row.field}`" if row.field else "the one given"
            lines.append(
                f"| `{cls.code}` | `{cls.__name__}` | {kind(cls)} | {field} "
                f"| {_cell(' '.join(f'`{a}`' for a in row.args.split()))} "
                f"| {_cell(row.zh)} | {_cell(row.en)} |"
            )
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown(), end="")
