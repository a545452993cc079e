# The two quick-start commands, plus the install they share.
# Everything else is an Invoke task: run `.venv/bin/invoke --list`.

PYTHON ?= python3
VENV := .venv
INVOKE := $(VENV)/bin/invoke
LOCKS := services/api/requirements.txt services/api/requirements-test.txt \
         jobs/seed/requirements.txt requirements-dev.txt \
         services/api/pyproject.toml jobs/seed/pyproject.toml

.PHONY: install run test

## install: create .venv with everything for running, testing and the tasks
install: $(VENV)/.installed

# Reinstall only when a lock or a package definition changed.
$(VENV)/.installed: $(LOCKS)
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
		|| { echo "make: Python 3.11 or newer is needed (PYTHON=$(PYTHON))" >&2; exit 1; }
	@# pip builds uWSGI from source: it needs a C compiler and Python's headers.
	@command -v cc >/dev/null \
		|| { echo "make: a C compiler (cc) is needed to build uWSGI; on Debian: apt install build-essential" >&2; exit 1; }
	@$(PYTHON) -c 'import os, sys, sysconfig; sys.exit(not os.path.exists(sysconfig.get_path("include") + "/Python.h"))' \
		|| { echo "make: Python's headers are needed to build uWSGI; on Debian: apt install python3-dev" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check \
		-r services/api/requirements-test.txt -r jobs/seed/requirements.txt -r requirements-dev.txt
	$(VENV)/bin/pip install --quiet --disable-pip-version-check --no-deps -e services/api -e jobs/seed
	@touch $@

## run: a development key pair, the SQLite database migrated and seeded, then the API on :8000
run: install
	$(INVOKE) keys seed --local serve

## test: the whole suite on the host
test: install
	$(INVOKE) test --local
