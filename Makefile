# Set-up and the main entry points. Everything runs inside .venv, created on first use.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
WORKSPACE ?= workspace
PIP := $(BIN)/python -m pip --disable-pip-version-check -q

.PHONY: install dev run test bench clean help doccano doccano-stop

help:
	@echo "make run    install (first time) and run the main job on corpus/demo"
	@echo "make test   install dev dependencies (first time) and run the whole test suite"
	@echo "make bench  run the benchmarks in bench/ (figures, not pass/fail)"
	@echo "make clean  remove .venv, the workspace and caches"
	@echo "make doccano       install (first time, into .doccano/venv) and start Doccano on 127.0.0.1"
	@echo "make doccano-stop  stop it (port: TAKFIR_DOCCANO_PORT, data: TAKFIR_DOCCANO_DATA)"

$(BIN)/python:
	$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "takfir-pipeline needs Python 3.11, got " + sys.version.split()[0]'
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --upgrade pip

# Reinstall whenever pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(PIP) install -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	$(PIP) install -e '.[dev]'
	@touch $@

install: $(VENV)/.installed

dev: $(VENV)/.installed-dev

run: install
	$(BIN)/takfir run corpus/demo --workspace $(WORKSPACE)

test: dev
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# A local Doccano 1.8.4 (own venv in .doccano/, git-ignored): gunicorn on 127.0.0.1 plus its
# Celery worker, stopped by PID. Port, data folder, admin from TAKFIR_DOCCANO_PORT / _DATA / _USER
# / _PASSWORD; without a password one is generated into ~/.config/takfir/doccano.toml.
doccano: install
	$(BIN)/python -m pipeline.doccano.server start

doccano-stop:
	$(BIN)/python -m pipeline.doccano.server stop

bench: dev
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) $(WORKSPACE) .pytest_cache .hypothesis *.egg-info
