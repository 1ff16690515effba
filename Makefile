# Filière — the two commands that matter: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | sha1sum | cut -c1-12)
MANAGE := $(BIN)/python manage.py
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run test test-coverage install install-production demo lint format typecheck bench load messages check-deploy clean

## Install everything, build the demo network on SQLite and serve http://127.0.0.1:8000
run: install
	DEBUG=1 $(MANAGE) migrate --noinput
	DEBUG=1 $(BIN)/filiere demo
	@echo
	@echo "  Filière : http://127.0.0.1:8000"
	@echo "  Comptes de démonstration : voir ci-dessus (mot de passe commun affiché)."
	@echo
	DEBUG=1 $(MANAGE) runserver 127.0.0.1:8000

## Install everything and run the whole test suite (PostgreSQL when DATABASE_URL is set)
test: install
	@bash scripts/ensure-chromium.sh || echo "Chromium indisponible : les tests navigateur seront ignorés."
	$(BIN)/pytest $(PYTEST_ARGS)

## The suite with its coverage measured: fails under the floor, which is raised, never lowered
COVERAGE_FLOOR := 95
test-coverage: install
	$(MAKE) test PYTEST_ARGS="--cov --cov-report=term:skip-covered --cov-fail-under=$(COVERAGE_FLOOR) $(PYTEST_ARGS)"

install: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python 3.11 est requis."; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	$(BIN)/pybabel compile --domain django --directory filiere/locale --statistics 2>&1 | tail -n 2
	mkdir -p var
	rm -f $(VENV)/.installed-*
	touch $@

## A production server's install: runtime packages only (no pytest, Playwright or mypy)
install-production:
	@test -n "$(PYTHON)" || { echo "Python 3.11 est requis."; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements/runtime.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	$(BIN)/pybabel compile --domain django --directory filiere/locale --statistics 2>&1 | tail -n 2

demo: install
	DEBUG=1 $(MANAGE) migrate --noinput
	DEBUG=1 $(BIN)/filiere demo $(DEMO_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

typecheck: install
	DEBUG=1 $(BIN)/mypy filiere

## Benchmarks (figures printed; see README). BENCH_SIZE scales the data sets.
bench: install
	BENCH_KEEP=1 BENCH_SIZE=$${BENCH_SIZE:-2000} BENCH_POOL_SIZE=$${BENCH_POOL_SIZE:-1000000} $(BIN)/pytest filiere/benchmarks -q -s -p no:randomly --reuse-db \
		--benchmark-enable --benchmark-only --benchmark-sort=name \
		--benchmark-columns=min,median,mean,max,rounds $(BENCH_ARGS)

## Load test: gunicorn on the 100,000-patient demo (PostgreSQL), 50 then 100 requests/s (README)
load: install
	bash scripts/load.sh

## Extract the interface strings (needs gettext's xgettext) into the English catalogue
messages: install
	DEBUG=1 $(MANAGE) makemessages --locale en --ignore ".venv/*" --no-obsolete
	DEBUG=1 $(MANAGE) makemessages --locale en --domain djangojs --ignore ".venv/*" --ignore "filiere/static/vendor/*" --no-obsolete

check-deploy: install
	DEBUG=0 SECRET_KEY=$$(head -c 48 /dev/urandom | base64) ALLOWED_HOSTS=filiere.example.org \
		MFA_ENCRYPTION_KEY=$$(head -c 32 /dev/urandom | base64 | tr '+/' '-_') \
		DATABASE_URL=postgres://filiere@db.filiere.example.org:5432/filiere \
		REDIS_URL=redis://cache.filiere.example.org:6379/0 \
		$(MANAGE) check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) var staticfiles
