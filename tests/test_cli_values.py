"""The command line's option values (app/cli/values.py): a bad value is refused before anything
is opened, in Chinese and English, naming the option's label, with usage's exit code 2 and
nothing written; the spaces around a good value are the only thing normalised away."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner, Result

from app.bootstrap import bootstrap
from app.cli.main import cli
from app.cli.values import Day, ExistingFile, OneOf, Seconds, WholeNumber
from tests.test_projections import populate

# (the command's words before the option, the option, its Chinese and English labels, values
# a user might type that must be refused: out of range, another form of a good value)
REFUSED = [
    (["serve"], "--threads", "线程数", "threads", ["0", "65", "２", "02", "1.5", "two", ""]),
    (["serve"], "--port", "端口", "port", ["0", "65536", "-80", "５０００", "08080", "8e3"]),
    (["demo"], "--seed", "随机种子", "random seed", ["-1", "x", "２０１４", "2014.0"]),
    (["audit", "log"], "--limit", "行数上限", "row limit", ["0", "-5", "ten", "１０", "010"]),
    (["audit", "log"], "--page", "页码", "page", ["0", "1.0", "３"]),
    (["audit", "log"], "--after", "日志位置", "log position", ["-1", "9" * 20, "０"]),
    (["audit", "log"], "--backdated-days", "补记天数", "backdated days", ["-1", "36501", "７"]),
    (["audit", "log"], "--from", "发生日期起", "occurred from", ["2014-13-01", "2014/12/31"]),
    (["audit", "log"], "--to", "发生日期止", "occurred to", ["20141231", "２０１４-１２-３１"]),
    (["audit", "log"], "--recorded-from", "记录日期起", "recorded from", ["2014-2-3", "today"]),
    (["audit", "log"], "--recorded-to", "记录日期止", "recorded to", ["2014-02-30"]),
    (["assess", "run"], "--kind", "考核类型", "assessment kind",
     ["Annual", "ａｎｎｕａｌ", "year"]),
    (["rectifications", "--unit", "210500"], "--state", "整改状态", "rectification state",
     ["OPEN", "ｏｐｅｎ", "opened"]),
    (["import", "--template", "household"], "--lang", "模板语言", "template language",
     ["ZH", "中文", "ｚｈ"]),
    (["projections", "run"], "--poll", "轮询间隔", "poll interval",
     ["0", "-1", "abc", "nan", "inf", "１", "3601", "1e3"]),
    (["audit", "verify"], "--checkpoint", "检查点文件", "checkpoint file",
     ["/nonexistent.json", "."]),
]  # fmt: skip

CASES = [
    pytest.param(words, option, zh, en, value, id=f"{option}={value!r}")
    for words, option, zh, en, values in REFUSED
    for value in values
]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One small store for every case: the values are refused before a store is opened, and
    each case checks that the store's files are exactly as they were."""
    folder = tmp_path_factory.mktemp("values")
    z = bootstrap(f"sqlite:///{folder}/zhucun.db")
    populate(z, households=2)
    z.close()
    return folder


def _cli(store: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--db", f"sqlite:///{store}/zhucun.db", *args])


def _files(folder: Path) -> dict[str, bytes]:
    return {f.name: f.read_bytes() for f in sorted(folder.iterdir())}


@pytest.mark.parametrize(("words", "option", "zh", "en", "value"), CASES)
def test_a_bad_option_value_is_refused_in_both_languages_writing_nothing(
    store: Path, words: list[str], option: str, zh: str, en: str, value: str
) -> None:
    before = _files(store)
    result = _cli(store, *words, option, value)
    assert result.exit_code == 2, result.output
    assert f"'{option}' 的值无效 / invalid value for '{option}'" in result.output
    assert f"（{zh}）" in result.output and f"({en})" in result.output
    assert "未写入任何内容 / nothing was written" in result.output
    assert _files(store) == before


@pytest.mark.parametrize(
    ("args", "opening"),
    [
        (["summary", "--unit", "210500", "--as-of", "2014-13-01"], "值无效 / invalid value:"),
        (["summary", "--unit", "210500", "--as-known-at", "noon"], "值无效 / invalid value:"),
        (["residency", "--month", "2016-05", "--team", "t-1"], "值无效 / invalid value:"),
        (
            ["audit", "log", "--subject", "x"],
            "'--subject' 的值无效 / invalid value for '--subject':",
        ),
    ],
)
def test_a_value_a_command_reads_itself_is_refused_with_bilingual_opening_words(
    store: Path, args: list[str], opening: str
) -> None:
    before = _files(store)
    result = _cli(store, *args)
    assert result.exit_code == 2, result.output
    assert f"Error: {opening}" in result.output
    assert "Invalid value" not in result.output
    assert _files(store) == before


def test_a_missing_file_to_attach_is_refused_in_both_languages(store: Path) -> None:
    before = _files(store)
    result = _cli(store, "ledger", "attach", "/nonexistent.pdf")
    assert result.exit_code == 2, result.output
    assert "找不到文件 '/nonexistent.pdf'（附件文件）" in result.output
    assert "no file '/nonexistent.pdf' (file to attach)" in result.output
    assert _files(store) == before


def _read(kind: click.ParamType[Any, Any], text: str) -> Any:
    return kind.convert(text, None, None)


@pytest.mark.parametrize(("text", "number"), [("7", 7), (" 7 ", 7), ("+7", 7), ("\t64\n", 64)])
def test_a_whole_number_is_read_once_its_spaces_are_gone(text: str, number: int) -> None:
    assert _read(WholeNumber("线程数", "threads", 1, 64), text) == number


def test_defaults_given_as_values_are_taken_as_they_are() -> None:
    assert _read(WholeNumber("端口", "port", 1, 65535), 5000) == 5000  # type: ignore[arg-type]
    assert _read(Seconds("轮询间隔", "poll interval", 0.01, 3600), 1.0) == 1.0  # type: ignore[arg-type]


@pytest.mark.parametrize(("text", "seconds"), [("0.5", 0.5), (" 2 ", 2.0), ("3600", 3600.0)])
def test_seconds_are_read_from_plain_digits(text: str, seconds: float) -> None:
    assert _read(Seconds("轮询间隔", "poll interval", 0.01, 3600), text) == seconds


def test_a_word_and_a_day_are_read_once_their_spaces_are_gone(tmp_path: Path) -> None:
    assert _read(OneOf("考核类型", "assessment kind", ["annual"]), " annual ") == "annual"
    assert _read(Day("发生日期起", "occurred from"), " 2014-12-31 ") == datetime(2014, 12, 31)
    file = tmp_path / "a.json"
    file.write_text("{}")
    assert _read(ExistingFile("检查点文件", "checkpoint file"), str(file)) == file
