"""The tree keeps its layers: import-linter's contracts (pyproject.toml) hold, and no module
reaches itself through its imports (docs/architecture.md)."""

from __future__ import annotations

from pathlib import Path

import grimp
import pytest
from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("domain", "app", "projections", "web")


def test_every_import_contract_is_kept(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.chdir(ROOT)
    code = lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True, no_logo=True)
    assert code == 0, capsys.readouterr().out


def test_no_module_imports_itself_through_other_modules() -> None:
    # Imports made only for the type checker count too: a circle dodged with TYPE_CHECKING
    # or with an import inside a function is a circle all the same.
    graph = grimp.build_graph(*PACKAGES, cache_dir=None)
    circles = []
    for importer in sorted(graph.modules):
        for imported in sorted(graph.find_modules_directly_imported_by(importer)):
            back = graph.find_shortest_chain(importer=imported, imported=importer)
            if back:
                circles.append(" -> ".join((importer, *back)))
    assert circles == []
