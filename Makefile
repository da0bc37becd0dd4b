# Each target does all the set-up it needs on a fresh machine (Python 3.11 with venv). One venv, two stamps:
# `make app` installs only what the app needs (requirements.txt and the package); `make test` adds the
# test tools (requirements-dev.txt). `pip install -e .` also installs the `gait` command.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
APP_STAMP := $(VENV)/.app-installed
DEV_STAMP := $(VENV)/.dev-installed

.PHONY: app test bench bench-app install browser clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(APP_STAMP): $(BIN)/python requirements.txt pyproject.toml
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

$(DEV_STAMP): $(APP_STAMP) requirements-dev.txt
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(DEV_STAMP)

# one allocator arena for every thread of the server, its own included (gait.memory; docs/speed.md: the app)
app: $(APP_STAMP)
	MALLOC_ARENA_MAX=1 $(BIN)/streamlit run app.py

# the browser test drives Debian's Chromium: installed with apt-get when /usr/bin/chromium is missing
browser:
	bash scripts/install_browser.sh

test: $(DEV_STAMP) browser
	$(BIN)/ruff check .
	$(BIN)/mypy gait gait_app app.py
	$(BIN)/python -m pytest -q -n logical --dist loadfile --durations=15

bench: $(APP_STAMP)
	$(BIN)/python scripts/benchmark.py

bench-app: $(DEV_STAMP) browser
	$(BIN)/python scripts/benchmark_app.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache
