# Every target works from a fresh clone: it creates the virtualenv in .venv on first use.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test dev lint format bench bench-quick clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/datagen run

test: $(STAMP)
	$(BIN)/pytest

dev: $(STAMP)
	mkdir -p var/dagster_home
	DAGSTER_HOME=$${DAGSTER_HOME:-$(CURDIR)/var/dagster_home} $(BIN)/dagster dev -w workspace.yaml

lint: $(STAMP)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf var datalake/silver datalake/gold datalake/reports
