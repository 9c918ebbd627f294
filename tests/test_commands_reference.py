"""Each command's arguments are defined once (app/schemas.py): the reference's argument tables,
``zhucun commands`` and the JSON Schemas all come from that definition, and cannot drift from
it; every refusal of an argument names it by its label."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from click.testing import CliRunner
from jsonschema import Draft202012Validator

from app.cli import reference
from app.cli.main import cli
from app.commands import COMMANDS
from app.schemas import Choice, Code, Id, Integer, Text, argument_label
from domain.errors import InvalidInputError, ZhucunError
from domain.fields import field

DOC = reference.DOC.read_text(encoding="utf-8")


def test_the_reference_tables_are_the_ones_the_models_define() -> None:
    assert reference.render(DOC) == DOC, "run: python -m app.cli.reference"
    assert reference.main(["--check"]) == 0


def test_a_reference_table_that_differs_from_its_model_fails_the_check(tmp_path) -> None:
    doctored = DOC.replace("| `head_name` |", "| `head_of_household` |", 1)
    assert doctored != DOC
    path = tmp_path / "commands.md"
    path.write_text(doctored, encoding="utf-8")
    assert reference.differing(doctored) == ["register_household"]
    assert reference.main(["--check", str(path)]) == 1
    assert path.read_text(encoding="utf-8") == doctored, "--check changes nothing"
    assert reference.main([str(path)]) == 0
    assert path.read_text(encoding="utf-8") == DOC


def test_a_command_without_a_table_or_a_table_of_no_command_fails_the_check() -> None:
    begin, end = "<!-- commands:begin close_site -->", "<!-- commands:end close_site -->"
    cut = DOC[: DOC.index(begin)] + DOC[DOC.index(end) + len(end) :]
    with pytest.raises(reference.ReferenceError, match="no table of close_site"):
        reference.render(cut)
    ghost = DOC.replace(begin, "<!-- commands:begin close_ghost -->").replace(
        end, "<!-- commands:end close_ghost -->"
    )
    with pytest.raises(reference.ReferenceError, match="close_ghost"):
        reference.render(ghost)


def test_zhucun_commands_lists_every_command_with_its_arguments() -> None:
    r = CliRunner().invoke(cli, ["commands", "--json"])
    assert r.exit_code == 0, r.output
    listed = json.loads(r.output)
    assert [c["name"] for c in listed] == list(COMMANDS)
    household = next(c for c in listed if c["name"] == "register_household")
    args = {a["name"]: a for a in household["arguments"]}
    assert list(args) == ["group", "head_name", "members", "id_number", "id"]
    assert args["head_name"]["label_zh"] == "户主姓名" and args["head_name"]["required"]
    assert args["members"]["schema"] == {"type": "integer", "minimum": 1, "maximum": 999}
    assert args["id"]["required"] is False
    assert "GB 11643" in args["id_number"]["format_en"]
    text = CliRunner().invoke(cli, ["commands"])
    assert text.exit_code == 0
    assert all(f"{name} — " in text.output for name in COMMANDS)


@pytest.mark.parametrize("name", list(COMMANDS))
def test_each_command_has_a_valid_json_schema(name: str) -> None:
    schema = COMMANDS[name].json_schema()
    Draft202012Validator.check_schema(schema)
    assert schema["additionalProperties"] is False
    assert list(schema["properties"]) == [n for n, _ in COMMANDS[name].model.arguments()]


def test_text_limits_are_the_read_models_limits() -> None:
    """A text argument without a label of its own is as long as domain/fields.py allows."""
    for spec in COMMANDS.values():
        for name, arg in spec.model.arguments():
            if isinstance(arg, Text) and arg.spec is None:
                assert arg.json_schema(name)["maxLength"] == field(name).max_length


def _examples() -> list[dict[str, Any]]:
    out = []
    for block in re.findall(r"```json\n(.*?)```", DOC, re.DOTALL):
        for raw in block.splitlines():
            if raw.strip().startswith('{"command"'):
                out.append(json.loads(raw))
    return out


def test_the_reference_examples_meet_their_commands_schemas() -> None:
    examples = _examples()
    assert len({e["command"] for e in examples}) > 50
    for example in examples:
        validator = Draft202012Validator(COMMANDS[example["command"]].json_schema())
        errors = [e.message for e in validator.iter_errors(example.get("args", {}))]
        assert not errors, (example, errors)


@pytest.mark.parametrize("name", list(COMMANDS))
def test_each_refusal_of_an_argument_names_it_by_its_label(name: str) -> None:
    """A value no argument accepts (a list holding an empty object), and a required argument
    left out: each refused by the argument's name, its label in zh and en."""
    model = COMMANDS[name].model
    for arg_name, arg in model.arguments():
        with pytest.raises(ZhucunError) as info:
            _read_from(model, arg_name)
        _names(info.value, arg_name, arg)
        if arg.required:
            with pytest.raises(InvalidInputError) as missing:
                _read_from(model, arg_name, leave_out=True)
            _names(missing.value, arg_name, arg)
            assert "必填" in missing.value.zh and "required" in missing.value.en


def _valid(model: Any) -> dict[str, Any]:
    """The arguments of a reference example of the command, read as valid."""
    for example in _examples():
        if COMMANDS[example["command"]].model is model:
            return dict(example.get("args", {}))
    return {n: _sample(a) for n, a in model.arguments() if a.required}


def _sample(arg: Any) -> Any:
    if isinstance(arg, Choice):
        return next(iter(arg.choices)).value
    samples = {Code: "210500", Id: "00000000-0000-0000-0000-000000000001", Integer: 2016}
    return samples.get(type(arg), "甲")


def _read_from(model: Any, arg_name: str, leave_out: bool = False) -> None:
    """Reads the arguments of an example with ``arg_name`` bad (or left out): the arguments
    checked before it are the example's."""
    args = _valid(model)
    if leave_out:
        args.pop(arg_name, None)
    else:
        args[arg_name] = [{}]
    model.read(args, None)


def _names(error: ZhucunError, arg_name: str, arg: Any) -> None:
    assert error.field == arg_name, (error.field, arg_name, error.en)
    assert argument_label(arg_name, arg, "zh") in error.zh
    assert argument_label(arg_name, arg, "en") in error.en
