# The two commands a new machine needs: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
MANAGE := $(BIN)/python manage.py
# Where `make run` and `make serve` listen: `make run PORT=8001` when 8000 is taken.
PORT ?= 8000

.PHONY: run serve test install messages demo lint format check bench loadbench loadtest vendor clean

run: install .env messages
	$(MANAGE) migrate --noinput
	$(MANAGE) load_demo --once
	$(MANAGE) rebuild_search_index --no-progress
	$(MANAGE) ensure_superuser
	mkdir -p media  # MEDIA_ROOT: uploads need a folder to go to (and /readyz says so)
	DEBUG=true $(MANAGE) runserver 127.0.0.1:$(PORT)

# What production serves, on this machine and the same database as `make run`: gunicorn with
# hashed, compressed static files from WhiteNoise, DEBUG off. Plain HTTP on 127.0.0.1:$(PORT), as
# there is no proxy here for TLS (nor for uploaded media, which nginx serves in production).
SERVE_ENV = DEBUG=false ALLOWED_HOSTS=127.0.0.1,localhost GUNICORN_BIND=127.0.0.1:$(PORT) \
	WEB_CONCURRENCY=$${WEB_CONCURRENCY:-2}

serve: install .env messages
	$(MANAGE) migrate --noinput
	$(MANAGE) load_demo --once
	$(MANAGE) rebuild_search_index --no-progress
	$(MANAGE) ensure_superuser
	$(MANAGE) collectstatic --noinput -v0
	mkdir -p media  # MEDIA_ROOT: /readyz answers 503 until uploads have a folder to go to
	$(SERVE_ENV) $(BIN)/gunicorn

test: install .env messages
	$(BIN)/python -m pytest $(PYTEST_ARGS)

install: $(INSTALLED)

# A venv left half made (Debian and Ubuntu need the python3-venv package for pip in it) would
# stop every later run at pip: it is removed, and the message says what to install.
$(BIN)/python:
	$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); \
		echo "Could not make a virtual environment; on Debian or Ubuntu: apt install python3-venv" >&2; \
		exit 1; }

$(INSTALLED): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(INSTALLED)

# A local secret key, made once; production sets SECRET_KEY in the environment instead.
.env: | $(BIN)/python
	$(BIN)/python -c "import secrets; print('SECRET_KEY=' + secrets.token_urlsafe(50))" > .env

messages: install
	$(BIN)/python -m portal.compilemessages

demo: install .env
	$(MANAGE) migrate --noinput
	$(MANAGE) load_demo

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check: install .env
	$(MANAGE) check
	$(MANAGE) makemigrations --check --dry-run

# Refresh the vendored front-end files from npm (package.json pins them). Needs node and npm;
# `make run` and `make test` do not: the files are committed.
vendor:
	npm ci --ignore-scripts
	cp node_modules/htmx.org/dist/htmx.min.js static/vendor/htmx.min.js
	cp node_modules/axe-core/axe.min.js tests/browser/vendor/axe.min.js
	mkdir -p static/vendor/leaflet/images
	cp node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.css \
		node_modules/leaflet/LICENSE static/vendor/leaflet/
	cp node_modules/leaflet/dist/images/*.png static/vendor/leaflet/images/
	# Without its source map, which is not served: a manifest storage would fail on the reference.
	sed -i '/^\/\/# sourceMappingURL=/d' static/vendor/leaflet/leaflet.js

# Search benchmark on synthetic scale data (see README, "Search"): on a separate SQLite file, and
# also on DATABASE_URL when it is set (point it at a database of its own). Not part of `make test`.
# Its requests are not logged one by one: the table of timings is what it prints.
BENCH_SQLITE ?= sqlite:///$(CURDIR)/var/bench/bench.sqlite3
BENCH_ENTERPRISES ?= 100000
BENCH_RELEASES ?= 20000
BENCH_STEPS = $(MANAGE) migrate --noinput -v0 && $(MANAGE) load_demo && \
	$(MANAGE) generate_scale_data --enterprises $(BENCH_ENTERPRISES) --releases $(BENCH_RELEASES) && \
	LOG_LEVEL=WARNING $(MANAGE) search_benchmark --rebuild

bench: install .env
	mkdir -p var/bench
	DATABASE_URL=$(BENCH_SQLITE) sh -c '$(BENCH_STEPS)'
	if [ -n "$$DATABASE_URL" ]; then sh -c '$(BENCH_STEPS)'; fi

# Requests per second of the public pages under load, against a minimal Django project (see README,
# "Performance"): the demo in var/bench/loadbench-demo.sqlite3, the 100,000 enterprises of `make
# bench` when var/bench/bench.sqlite3 has them, and PostgreSQL too when DATABASE_URL is set.
# LOADBENCH_SECONDS and LOADBENCH_ROUNDS shorten the run. Not part of `make test`.
loadbench: install .env
	$(BIN)/python bench/loadbench.py

# Load test (see README, "Load test"): gunicorn with DEBUG off on the scale data, under locust.
# LOADTEST_DATABASE_URL reuses a database that holds the scale data; otherwise it is generated in
# DATABASE_URL, or in var/loadtest.sqlite3. Not part of `make test`.
LOADTEST_USERS ?= 64
LOADTEST_SECONDS ?= 60

loadtest: install .env
	LOADTEST_USERS=$(LOADTEST_USERS) LOADTEST_SECONDS=$(LOADTEST_SECONDS) loadtest/run

clean:
	rm -rf $(VENV) staticfiles
