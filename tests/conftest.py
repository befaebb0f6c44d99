"""Fixtures shared by every tier: a RabbitMQ vhost of the test run's own, and databases.

The whole run uses one vhost (created with rabbitmqctl, removed at the end),
so parallel runs on one broker and leftovers from earlier runs never meet.
Integration tests run once on SQLite and once on PostgreSQL (`db_url`).
"""

from __future__ import annotations

import warnings

warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")

import eventlet

eventlet.monkey_patch()  # before anything imports socket or threading

import os
import shutil
import subprocess
import uuid
from collections.abc import Iterator

import pytest

RABBIT_BASE = os.environ.get("TEST_AMQP_BASE", "amqp://guest:guest@127.0.0.1:5672")
POSTGRES_ADMIN_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
RUN_ID = f"{os.getpid()}_{uuid.uuid4().hex[:6]}"


def _rabbitmqctl(*args: str) -> None:
    subprocess.run(["rabbitmqctl", "-q", *args], check=True, capture_output=True, timeout=60)


@pytest.fixture(scope="session")
def vhost_factory() -> Iterator:
    """vhost_factory(name) -> an AMQP URI of a vhost of its own, deleted after the run.

    Without rabbitmqctl on this host, every caller gets the default vhost.
    """
    made: list[str] = []

    def make(name: str) -> str:
        if shutil.which("rabbitmqctl") is None:
            return RABBIT_BASE + "/"
        vhost = f"union-test-{RUN_ID}-{name}"
        _rabbitmqctl("add_vhost", vhost)
        _rabbitmqctl("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*")
        made.append(vhost)
        return f"{RABBIT_BASE}/{vhost}"

    yield make
    for vhost in made:
        _rabbitmqctl("delete_vhost", vhost)


@pytest.fixture(scope="session")
def amqp_uri(vhost_factory) -> str:
    """The integration tests' vhost."""
    return vhost_factory("integration")


class PostgresDatabases:
    """Creates throw-away PostgreSQL databases and drops them at the end of the run."""

    def __init__(self) -> None:
        self.created: list[str] = []

    def _admin(self):
        import psycopg2

        conn = psycopg2.connect(POSTGRES_ADMIN_URL)
        conn.autocommit = True
        return conn

    def create(self, name: str) -> str:
        database = f"union_test_{RUN_ID}_{name}_{len(self.created)}".lower()
        conn = self._admin()
        try:
            with conn.cursor() as cur:
                cur.execute(f'CREATE DATABASE "{database}"')
        finally:
            conn.close()
        self.created.append(database)
        return POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + "/" + database

    def drop_all(self) -> None:
        conn = self._admin()
        with conn.cursor() as cur:
            for database in self.created:
                cur.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        conn.close()


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresDatabases]:
    databases = PostgresDatabases()
    yield databases
    databases.drop_all()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def database_url_for(db_backend: str, postgres: PostgresDatabases, tmp_path):
    """database_url_for("membership") -> a fresh, migrated database of that component."""
    from services.chassis import migrate

    def make(component: str) -> str:
        url = f"sqlite:///{tmp_path / (component + '.db')}" if db_backend == "sqlite" else postgres.create(component)
        migrate.upgrade(component, url)
        return url

    return make


@pytest.fixture
def service_config(amqp_uri: str):
    """nameko config for one service under test."""

    def make(database_url: str | None = None, **extra: object) -> dict:
        config = {"AMQP_URI": amqp_uri, "serializer": "json", "max_workers": 10, "RPC_TIMEOUT": 10}
        if database_url:
            config["DATABASE_URL"] = database_url
        config.update(extra)
        return config

    return make


# -- no whole ID number in the logs of the run ---------------------------------------------------
# Every resident ID number the tests make goes through `complete_resident_id` (tests/helpers.py
# imports it from here, after this module has wrapped it). At the end of the session the logs of
# every platform the run started must hold none of them.

USED_ID_NUMBERS: set[str] = set()


def _record_resident_ids() -> None:
    from services.chassis import identity

    original = identity.complete_resident_id
    if getattr(original, "records_ids", False):
        return

    def recording(first17: str) -> str:
        value = original(first17)
        USED_ID_NUMBERS.add(value)
        return value

    recording.records_ids = True  # type: ignore[attr-defined]
    identity.complete_resident_id = recording


_record_resident_ids()


def leaked_id_numbers(log_text: str, used: set[str]) -> set[str]:
    """The used ID numbers that appear whole in `log_text`."""
    import re

    found = set(re.findall(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9])", log_text))
    return {number for number in found if number.upper() in used or number in used}


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    factory = getattr(session.config, "_tmp_path_factory", None)
    if factory is None or not USED_ID_NUMBERS:
        return
    try:
        base = factory.getbasetemp()
    except Exception:
        return
    leaks: dict[str, int] = {}
    for log in base.rglob("*.log"):
        text = log.read_text(encoding="utf-8", errors="replace")
        found = leaked_id_numbers(text, USED_ID_NUMBERS)
        if found:
            leaks[str(log)] = len(found)
    if leaks:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        message = "whole ID numbers used by the tests appear in the logs of the run: " + ", ".join(
            f"{path} ({count})" for path, count in leaks.items())
        if reporter is not None:
            reporter.write_line(message, red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
