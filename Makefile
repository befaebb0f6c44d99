# The two commands a newcomer needs: `make run` and `make test` (see README.md).
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-$(shell cksum requirements.lock | cut -d' ' -f1)
PYTHON ?= python3

.PHONY: install run test test-unit test-faults lint bench bench-welfare demo clean

$(STAMP): requirements.lock
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -r requirements.lock
	@rm -f $(VENV)/.installed-*; touch $(STAMP)

install: $(STAMP)

## Set up and start the whole platform in the foreground (SQLite by default).
run: install
	$(PY) -m deploy.launch

## The whole suite: unit, integration (RabbitMQ, SQLite and PostgreSQL) and end-to-end.
test: install
	$(PY) -m tests.prepare
	$(PY) -m pytest --ignore=tests/faults $(PYTEST_ARGS)

## Fault tests: the platform with a private RabbitMQ node and PostgreSQL cluster that the
## tests kill, stop and restart (tests/faults/README.md). A few minutes.
test-faults: install
	$(PY) -m pytest tests/faults $(PYTEST_ARGS)

test-unit: install
	$(PY) -m pytest tests/unit $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .

## Load benchmarks against a running platform; figures go to bench/RESULTS.md.
bench: install
	@command -v wrk >/dev/null || (apt-get update -q && apt-get install -y -q wrk) || \
		(echo "make bench needs wrk (apt-get install wrk), or run: $(PY) -m bench.run --tool locust"; exit 1)
	$(PY) -m bench.run
	$(PY) -m bench.welfare

## Welfare's year at the source's scale (enrolment of 21,895 members, 1,086 claims); figures to bench/RESULTS.md.
bench-welfare: install
	$(PY) -m bench.welfare

## Fill the platform `make run` started with one city's 2022 through the API, then check the annual report.
demo: install
	$(PY) -m demo $(DEMO_ARGS)

clean:
	rm -rf var .pytest_cache
