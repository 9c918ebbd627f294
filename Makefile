# zhucun: `make demo` loads the Benxi demo and serves it; `make test` runs the whole suite.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
# What the demo and the server need, without the test tools: `make demo` on a fresh clone.
RUNTIME_STAMP := $(VENV)/.runtime-stamp
HOST   ?= 127.0.0.1
PORT   ?= 5000
# The demo lives in a store of its own: `make demo` never touches var/zhucun.db.
DEMO_DB ?= sqlite:///var/demo.db

.PHONY: setup runtime demo demo-serve serve test test-one lint typecheck check bench clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP) $(RUNTIME_STAMP)

# The runtime alone (no test tools, pip as the venv has it); `make setup` installs it too.
runtime: $(RUNTIME_STAMP)

$(RUNTIME_STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -e .
	touch $(RUNTIME_STAMP)

# Reloads the demo only if its store holds nothing but the demo (and logins and reads);
# anything recorded in it since is kept, and `zhucun demo --reset` says so and stops.
# The read models follow the log in a second process while the demo writes it (ADR 051).
demo: runtime
	$(BIN)/zhucun --db $(DEMO_DB) demo --reset
	$(BIN)/zhucun --db $(DEMO_DB) serve --host $(HOST) --port $(PORT)

# Serve the demo's store as it is, without loading it again.
demo-serve: runtime
	$(BIN)/zhucun --db $(DEMO_DB) serve --host $(HOST) --port $(PORT)

serve: runtime
	$(BIN)/zhucun serve --host $(HOST) --port $(PORT)

# The suite in two processes, one per core (pytest-xdist): each takes the next whole test file
# when it is free, so a file's module fixtures are built once and both cores stay busy to the
# end. `make test-one` runs it in one process. The run ends with its 25 slowest tests: where
# the suite's time goes, on this machine.
test: setup
	$(BIN)/pytest -n 2 --dist loadfile --durations=25

test-one: setup
	$(BIN)/pytest

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check domain app projections web
	$(BIN)/lint-imports

typecheck: setup
	$(BIN)/mypy

check: lint typecheck test

bench: setup
	$(BIN)/python -m bench.ingest

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache .hypothesis
