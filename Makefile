# Two commands on a fresh machine: `make run`, then `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SEEDS_DIR ?= seeds
WAREHOUSE_DIR ?= warehouse
export SEEDS_DIR WAREHOUSE_DIR
# Runs and partitions made by `make run` show up in `make ui`: both use this Dagster instance.
export DAGSTER_HOME ?= $(CURDIR)/.dagster
# One "planned" event per asset for a run over many partitions, not one per partition (assets/jobs.py).
export DAGSTER_EMIT_PARTITION_SUBSET_IN_PLANNED_EVENTS ?= 1
HOST ?= 127.0.0.1
PORT ?= 3000

.PHONY: install run test stress lint eval bench ui clean

install: $(VENV)/.installed

# constraints.txt pins every transitive dependency, so each machine resolves the same set.
$(VENV)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python >= 3.11 is required")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	@touch $@

# The instance's settings (assets/instance.py): no usage statistics (the product runs offline), and
# an event log that stores a run's per-file materializations a batch at a time.
$(DAGSTER_HOME)/dagster.yaml: $(VENV)/.installed assets/instance.py
	$(BIN)/python -m assets.instance $(@D)

run: install $(DAGSTER_HOME)/dagster.yaml
	$(BIN)/newsevents run

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: lint browser $(DAGSTER_HOME)/dagster.yaml
	$(BIN)/python -m pytest

# The briefing's test opens it in Debian's headless Chromium: installed here when missing and we are
# root (as in CI); otherwise that test is skipped outside CI.
.PHONY: browser
browser:
	@test -x /usr/bin/chromium || [ "$$(id -u)" != 0 ] || \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null)

# The long soak tests (many SIGKILLs, readers held for a minute, many inputs); prints their figures.
stress: install $(DAGSTER_HOME)/dagster.yaml
	$(BIN)/python -m pytest -m stress -s

# Entity and event figures on the seeds gold and the held-out GUM news sentences; `make test` holds the targets.
eval: install
	$(BIN)/python -m pipelines.evaluation

# Speed, memory and query times on N generated articles, with the floors (not part of `make test`);
# the issue's targets are for N=10000: `make bench N=10000`. Runs in a temporary folder.
N ?= 1000
bench: install
	$(BIN)/python -m bench.run --n $(N)

ui: install $(DAGSTER_HOME)/dagster.yaml
	$(BIN)/dagster dev -w workspace.yaml -h $(HOST) -p $(PORT)

clean:
	rm -rf $(VENV) .dagster warehouse/news.duckdb* warehouse/parquet
