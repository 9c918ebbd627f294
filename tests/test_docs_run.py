"""Every example of docs/commands.md and README.md runs (issue 18, point 5).

Found, not listed: every shell example (a line of a ```sh, ```bash, ```console or plain ```
block that starts with ``$ zhucun``, ``zhucun``, ``.venv/bin/zhucun``, ``make``, ``printf`` or
``echo``; a line ending in ``\\`` goes on on the next) and every JSON line (``{"command": ...}``)
of both files, so a section added to the docs is run without a change here.

* JSON lines are applied with ``zhucun apply``, one at a time, in document order, on a store
  holding the small network their ids name (tests/builders.py), with the shell examples that
  make and store a file the lines name run in their place: each line must be accepted.
* Shell examples run, in document order, through ``bash`` with ``zhucun`` on the PATH and
  ``ZHUCUN_DATABASE_URL`` naming their store: a copy of a store the demo built (``demo_store``
  in tests/conftest.py; the demo takes minutes, and the copy keeps what the examples write
  away from other tests); after a line ``<!-- docs-run: examples -->`` before the block, the
  store the JSON lines built; after ``<!-- docs-run: empty -->``, a new empty store per block.
  An address written in the example (``--db sqlite:///var/demo.db``) is replaced by the store's.
* The output a document shows is checked, stdout and stderr together as a terminal shows them
  (progress bars and blank lines aside): the lines after a ``$ zhucun ...`` line of a block, up
  to the next ``$`` line; a line ``…`` ends what is shown. An example showing ``nothing was
  written`` last is a refusal and must exit with 1; any other must exit with 0. What
  legitimately varies between runs is compared by shape only, by one rule (``shape``): UUIDs,
  log positions (``#N``, ``"position": N``, ``"head": N``, ``log head: N``, the positions of
  ``projections status`` and the count of ``projections rebuild``), the lag in seconds, the
  read models' checksum, and the date of ``as of`` when the command gives no ``--as-of``.

What cannot run here is listed in ``NOT_RUN`` with the reason; what is wrong in the documents
today, in ``STALE`` (the test fails once such an example runs as shown, so the list only
shrinks). A synopsis (a line naming its arguments in capitals or brackets, ``zhucun summary
--unit CODE``) is not an example.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner

from app.cli.main import cli
from tests.builders import small_network_at

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "docs" / "commands.md", ROOT / "README.md"]
BIN = Path(sys.executable).parent

# The stores a shell example can run on: the demo's (the default), the one the JSON examples
# build (the small network, then every JSON line in document order), or an empty one; a block
# that names the JSON examples' objects, or starts from nothing, says so on the line before it.
DEMO, EXAMPLES, EMPTY = "demo", "examples", "empty"
MARKER = re.compile(r"<!-- docs-run: (demo|examples|empty) -->")
SHELL_BLOCKS = {"", "sh", "bash", "console", "shell"}
COMMAND = re.compile(r"^(\$ )?(zhucun|\.venv/bin/zhucun|make|printf|echo)\b")
# A synopsis names its arguments: capitals (CODE, URL, FILE, RUN_ID) or brackets.
SYNOPSIS = re.compile(r"\[--|\b[A-Z][A-Z_0-9]{2,}\b(?!\.)|\(.*\|")

# Examples wrong today, by the start of their command: each is a fault of the document, to be
# put right there and taken off this list (the test fails when one of them runs as shown).
STALE: dict[str, str] = {}

# Examples that cannot run in CI, by the start of their command, and why.
NOT_RUN = {
    "make demo": "loads the demo again and then serves the web until stopped",
    "make test": "the whole test suite, of which this test is a part",
    ".venv/bin/pip install gunicorn": "installs a package from the network (production set-up)",
    "export ZHUCUN_DATABASE_URL=": "names a PostgreSQL server of a production deployment",
    ".venv/bin/gunicorn": "serves the web until stopped, on a production server",
    "zhucun projections run": "follows the log until stopped with Ctrl-C",
    "zhucun serve": "serves the web until stopped",
    # Its files are shown in the text around it, not made by a command: the example runs,
    # in order and with its output checked, in tests/test_import_cli.py, which writes them.
    "zhucun import 单位.csv": "reads a file the text shows (run in tests/test_import_cli.py)",
    "zhucun import 户.csv": "reads a file the text shows (run in tests/test_import_cli.py)",
}


@dataclass
class Example:
    doc: str
    line: int
    command: str
    store: str = DEMO
    block: int = 0  # the line the example's block starts on
    shown: list[str] = field(default_factory=list)  # the output the document shows

    @property
    def id(self) -> str:
        return f"{self.doc}:{self.line}"


def _blocks(text: str) -> list[tuple[str, int, list[str], str]]:
    """(language, line number of the first line, lines, store) of every fenced block. The store
    is ``demo`` unless a ``<!-- docs-run: STORE -->`` line comes right before the block."""
    out: list[tuple[str, int, list[str], str]] = []
    lang: str | None = None
    start, body, store, last = 0, [], DEMO, ""
    for n, line in enumerate(text.splitlines(), 1):
        if line.startswith("```"):
            if lang is None:
                marked = MARKER.fullmatch(last.strip())
                lang, start, body = line[3:].strip(), n + 1, []
                store = marked.group(1) if marked else DEMO
            else:
                out.append((lang, start, body, store))
                lang = None
        elif lang is not None:
            body.append(line)
        if line.strip():
            last = line
    return out


def _without_comment(line: str) -> str:
    """A shell line without its trailing ``# comment`` (a ``#`` outside quotes, after a space)."""
    quote = None
    for i, ch in enumerate(line):
        if ch in "'\"" and quote in (None, ch):
            quote = None if quote == ch else ch
        elif ch == "#" and quote is None and (i == 0 or line[i - 1] == " "):
            return line[:i].rstrip()
    return line.rstrip()


def shell_examples() -> list[Example]:
    out: list[Example] = []
    for doc in DOCS:
        for lang, start, body, store in _blocks(doc.read_text(encoding="utf-8")):
            if lang not in SHELL_BLOCKS:
                continue
            current: Example | None = None
            joined: list[tuple[int, str]] = []  # a line ending in "\\" goes on on the next
            for n, line in enumerate(body, start):
                if joined and joined[-1][1].endswith("\\"):
                    joined[-1] = (joined[-1][0], joined[-1][1][:-1] + " " + line.strip())
                else:
                    joined.append((n, line))
            for n, line in joined:
                if COMMAND.match(line):
                    command = _without_comment(line.removeprefix("$ "))
                    current = None
                    if SYNOPSIS.search(command):
                        continue
                    current = Example(doc.name, n, command, store, start)
                    out.append(current)
                elif line.startswith("$ "):
                    current = None
                elif current is not None and body and lang != "sh":
                    current.shown.append(line)
    return out


def json_examples() -> list[Example]:
    out: list[Example] = []
    for doc in DOCS:
        for lang, start, body, _ in _blocks(doc.read_text(encoding="utf-8")):
            for n, line in enumerate(body, start):
                if line.startswith('{"command"') and lang in {"json", "jsonl", ""}:
                    out.append(Example(doc.name, n, line))
    return out


# -- what varies between runs ------------------------------------------------------------------

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
VARYING = [
    (UUID, "<uuid>"),
    (re.compile(r"#\d+"), "#<position>"),
    (re.compile(r'("(?:position|head|log_head)": )\d+'), r"\1<position>"),
    (re.compile(r"(log head: )\d+"), r"\1<position>"),
    (re.compile(r"^(  \S+ +at) +\d+"), r"\1 <position>"),  # projections status
    (re.compile(r"^(rebuilt: )\d+"), r"\1<position>"),  # projections rebuild: up to the head
    (re.compile(r"^[0-9a-f]{64}$"), "<checksum>"),  # projections checksum: of the rows written
    (re.compile(r'("lag_seconds": )[\d.]+'), r"\1<lag>"),
]
TODAY = re.compile(r"(as of )\d{4}-\d{2}-\d{2}")


# A progress bar (on stderr, shown on a terminal as it moves) is not output to compare.
PROGRESS = re.compile(r"^[^:]*: +\d+%\|")


def shape(line: str, command: str) -> str:
    """A line as compared: what legitimately varies replaced by its kind, trailing spaces off."""
    for pattern, kind in VARYING:
        line = pattern.sub(kind, line)
    if "--as-of" not in command:
        line = TODAY.sub(r"\1<today>", line)
    return line.rstrip()


def shown_lines(example: Example) -> list[str]:
    lines = list(example.shown)
    while lines and not lines[-1].strip():
        lines.pop()
    if "…" in [line.strip() for line in lines]:
        lines = lines[: [line.strip() for line in lines].index("…")]
    return [shape(line, example.command) for line in lines if line.strip()]


def not_run(example: Example) -> str | None:
    return next((why for start, why in NOT_RUN.items() if example.command.startswith(start)), None)


# -- the stores ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_copy(demo_store: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    """The demo store copied (the examples write to it), and the directory the examples run in."""
    where = tmp_path_factory.mktemp("docs_run")
    shutil.copyfile(demo_store, where / "demo.db")
    return f"sqlite:///{where}/demo.db", where


def run_shell(command: str, url: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    command = re.sub(r"--db \S+", f"--db {url}", command).replace(".venv/bin/zhucun", "zhucun")
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    env["ZHUCUN_DATABASE_URL"] = url
    return subprocess.run(
        ["bash", "-o", "pipefail", "-c", command],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,  # as a terminal shows them: a total goes to stderr
        text=True,
        timeout=600,
        check=False,
    )


# Shell examples the JSON lines after them need (a file made and stored, that a line names):
# run in their place, in the same store, while the lines are applied.
FOR_LINES = re.compile(r"^(printf .*> *\S+|zhucun ledger attach \S+)$")


def in_document_order() -> list[Example]:
    """The JSON lines and the shell examples they need, in the order the documents give them."""
    needed = [e for e in shell_examples() if FOR_LINES.match(e.command)]
    order = {doc.name: n for n, doc in enumerate(DOCS)}
    return sorted(json_examples() + needed, key=lambda e: (order[e.doc], e.line))


def as_sent(line: str, head: int) -> str:
    """A line as the test sends it. One rule: a ``record_correction`` names the log position of
    an earlier entry of the store it is sent to, which the document cannot know; it is sent
    naming the latest entry (the log head before it)."""
    command = json.loads(line)
    if command["command"] == "record_correction":
        command["args"]["position"] = head
        return json.dumps(command, ensure_ascii=False)
    return line


@pytest.fixture(scope="module")
def examples_store(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path, list[str]]:
    """The small network, then every JSON line of the documents applied in document order
    (with the shell examples they need): the store's address, its directory, and the lines
    refused."""
    where = tmp_path_factory.mktemp("docs_examples")
    url = small_network_at(f"sqlite:///{where}/zhucun.db")
    refused: list[str] = []
    for example in in_document_order():
        if not example.command.startswith("{"):
            done = run_shell(example.command, url, where)
            assert done.returncode == 0, f"{example.id}: {done.stdout}"
            continue
        status = CliRunner().invoke(cli, ["--db", url, "projections", "status", "--json"])
        head = json.loads(status.stdout)["log_head"]
        done = CliRunner().invoke(
            cli, ["--db", url, "apply", "-"], input=as_sent(example.command, head)
        )
        if done.exit_code != 0:
            refused.append(f"{example.id}: {done.stderr.strip()}")
    return url, where, refused


def test_the_docs_have_examples_of_both_kinds():
    shells, lines = shell_examples(), json_examples()
    assert len(shells) > 40 and len(lines) > 90
    assert {e.doc for e in shells} == {"commands.md", "README.md"}
    assert {e.store for e in shells} == {DEMO, EXAMPLES, EMPTY}
    assert all(json.loads(e.command)["command"] for e in lines)


def test_every_json_example_is_accepted_in_document_order(examples_store):
    """Through the command line's own ``apply`` (in this process: the lines are many), on the
    small network whose ids the lines name."""
    assert not examples_store[2], "\n".join(examples_store[2])


def check(example: Example, url: str, cwd: Path) -> str | None:
    """What is wrong with the example when run on the store at ``url``, or None."""
    done = run_shell(example.command, url, cwd)
    shown = shown_lines(example)
    # An example that shows a refusal ("nothing was written") is one: it must exit with 1.
    expected = 1 if shown and shown[-1] == "nothing was written" else 0
    if done.returncode != expected:
        return f"{example.id} {example.command}: exit {done.returncode}\n{done.stdout}"
    printed = [line for line in done.stdout.splitlines() if not PROGRESS.match(line) and line]
    got = [shape(line, example.command) for line in printed]
    if shown and got[: len(shown)] != shown:
        return (
            f"{example.id} {example.command}: the docs show\n"
            + "\n".join(shown)
            + "\nbut it printed\n"
            + "\n".join(got[: len(shown) + 3])
        )
    return None


def test_every_shell_example_runs_and_prints_what_the_docs_show(
    demo_copy, examples_store, tmp_path
):
    def store_of(example: Example) -> tuple[str, Path]:
        if example.store != EMPTY:
            return stores[example.store]
        fresh = tmp_path / f"{example.doc}-{example.block}"  # one empty store per block
        fresh.mkdir(exist_ok=True)
        return f"sqlite:///{fresh}/zhucun.db", fresh

    stores = {
        DEMO: demo_copy,
        EXAMPLES: examples_store[:2],
        EMPTY: (f"sqlite:///{tmp_path}/new.db", tmp_path),
    }
    failures: list[str] = []
    for example in shell_examples():
        if not_run(example):
            continue
        url, cwd = store_of(example)
        wrong = check(example, url, cwd)
        stale = next(
            (why for start, why in STALE.items() if example.command.startswith(start)), None
        )
        if wrong and not stale:
            failures.append(wrong)
        elif stale and not wrong:
            failures.append(f"{example.id} {example.command}: runs now; take it off STALE")
    assert not failures, "\n\n".join(failures)
