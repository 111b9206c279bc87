# Östan-dash: one task runner. `make demo` and `make test` set everything up on a fresh machine.
SHELL := /bin/bash
.DEFAULT_GOAL := help

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
UV := $(shell command -v uv 2>/dev/null || echo "python3 -m uv")
APT_PACKAGES := postgresql postgresql-15-postgis-3 chromium chromium-driver fonts-dejavu-core nginx-light openssl
RUN := $(UV) run --frozen
TEST_DB := ostan_test

.PHONY: help demo test bench install system-deps python-deps setup lint typecheck format serve clean-db

help:
	@echo "make demo   – installera, starta databasen, ladda demodata och visa appen på http://localhost:8501"
	@echo "make test   – installera, förbered testdatabasen och kör alla tester"
	@echo "make bench  – mät laddning och interaktioner (skriver var/bench.json)"
	@echo "make lint   – ruff och typkontrollen (mypy mot baslinjen i tools/mypy-baseline.json)"

system-deps:
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installerar systempaket:$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi

python-deps:
	@command -v uv >/dev/null 2>&1 || python3 -m uv --version >/dev/null 2>&1 || python3 -m pip install -q uv
	@# Bytecode compiled once here, not by every process: where PYTHONDONTWRITEBYTECODE is set
	@# (containers, this machine) each process otherwise compiles every module it imports from
	@# source, at start and at a page's first chart (plotly's lazy imports: 15–20 ms of a click).
	@$(UV) sync --frozen --quiet --compile-bytecode

install: system-deps python-deps

setup: install
	@$(RUN) ostan-dash setup

demo: setup
	@$(RUN) ostan-dash serve

serve:
	@$(RUN) ostan-dash serve

test: install
	@OSTAN_DATABASE=$(TEST_DB) $(RUN) ostan-dash setup
	@OSTAN_DATABASE=$(TEST_DB) $(RUN) pytest

bench: setup
	@$(RUN) ostan-dash bench --output var/bench.json

lint:
	@$(RUN) ruff check .
	@$(RUN) ruff format --check .
	@$(RUN) python tools/typecheck.py

typecheck:
	@$(RUN) python tools/typecheck.py

format:
	@$(RUN) ruff format .
	@$(RUN) ruff check --fix .
