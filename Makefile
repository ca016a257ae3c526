# make run   - start the console on SQLite with demo data (web server + task worker)
# make bench - time every page and API list at demo size and N rows (N=10000; BENCH_ARGS=...)
# make test  - the whole suite, browser tests included (PostgreSQL too when DATABASE_URL says so)
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
export DEMO_PASSWORD ?= vpcep-demo-2026

.PHONY: run test install lint format messages chromium clean bench

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	@test -x $(PY) || { PYTHON=$${PYTHON:-$$(bin/find-python)} || exit 1; echo "Creating $(VENV) with $$PYTHON"; "$$PYTHON" -m venv $(VENV); }
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	$(PY) manage.py compilemessages --ignore '$(VENV)/*' -v 0
	@touch $@

# Local HTTP on 127.0.0.1: no HTTPS redirect or secure-only cookies (production keeps them).
run: export HTTPS ?= false
# A webhook receiver on this machine works, and emails are files in sent-mail/ (issue 11).
run: export WEBHOOK_ALLOWED_NETWORKS ?= 127.0.0.0/8,::1/128
run: export EMAIL_BACKEND ?= django.core.mail.backends.filebased.EmailBackend
run: install
	$(PY) manage.py migrate --no-input -v 0
	$(PY) manage.py collectstatic --no-input -v 0
	$(PY) manage.py seed_demo
	@echo
	@echo "  VPC Endpoint console: http://127.0.0.1:$(PORT)/"
	@echo "  Demo logins (password: $(DEMO_PASSWORD)): operator, a-admin, a-approver, a-member, b-admin, b-approver, b-member"
	@echo "  Ctrl-C stops the web server, the task worker and the sweep (restarted if they die)."
	@if [ "$${DATAPLANE:-}" = linux ]; then echo "  DATAPLANE=linux: the reconciler builds the data plane on this host; Ctrl-C removes it."; fi
	@echo
	@exec $(PY) bin/run --port $(PORT)

test: install chromium
	$(PY) manage.py compilemessages --ignore '$(VENV)/*' -v 0
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(PY) -m pytest $(PYTEST_ARGS)

# A scratch database (PostgreSQL <name>_bench when DATABASE_URL is set), the server as `make
# run` starts it, one table on stdout and JSON in bench/results/ (issue 13; README "Performance").
N ?= 10000
bench: install
	$(PY) manage.py compilemessages --ignore '$(VENV)/*' -v 0
	$(PY) bench/run.py --n $(N) $(BENCH_ARGS)

# Browser tests need a Chromium; Playwright cannot download its own here, so use Debian's.
chromium:
	@command -v $${CHROMIUM:-chromium} >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing Chromium for the browser tests (apt-get install chromium)"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) || exit 1; \
	  else \
	    echo "The browser tests need Chromium: apt-get install chromium (or set CHROMIUM=/path/to/chromium)." >&2; exit 1; \
	  fi; }

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

messages: install
	$(PY) manage.py makemessages -l zh_Hans --ignore '$(VENV)/*' --ignore 'static/*' --no-obsolete

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-wal db.sqlite3-shm staticfiles .pytest_cache .hypothesis
