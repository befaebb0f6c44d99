"""Browser tests: Debian's Chromium driven by Playwright, against the e2e platform on SQLite.

`platform` here is the very instance tests/e2e/conftest.py starts for SQLite
(one platform per backend for the whole run): this fixture asks that fixture's
definition for its SQLite value, which pytest caches, so the e2e and browser
tests share it. Run on their own (pytest tests/browser), the same fixture
function starts it once for these tests.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.remote import Driver, Page
from tests.e2e import conftest as e2e

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


def _shared_definition(request: pytest.FixtureRequest):
    """tests/e2e/conftest.py's `platform` FixtureDef, when pytest collected that conftest in this run."""
    wrapped = e2e.platform._get_wrapped_function()
    manager = request._fixturemanager
    for registry in (getattr(manager, "_arg2node2fixturedefs", {}), getattr(manager, "_arg2nodeid2fixturedefs", {})):
        for definitions in registry.get("platform", {}).values():
            for definition in definitions:
                if definition.func is wrapped or getattr(definition.func, "__wrapped__", None) is wrapped:
                    return definition
    return None


@pytest.fixture(scope="session", params=["sqlite"])
def platform(request: pytest.FixtureRequest):
    shared = _shared_definition(request)
    if shared is not None:
        yield shared.execute(request)  # pytest's cached SQLite platform of the e2e tests
        return
    # Only the browser tests were collected: run the e2e fixture's function ourselves, once.
    generator = e2e.platform._get_wrapped_function()(
        request, request.getfixturevalue("vhost_factory"), request.getfixturevalue("postgres"),
        request.getfixturevalue("tmp_path_factory"))
    yield next(generator)
    try:
        next(generator)
    except StopIteration:
        pass


@pytest.fixture(scope="session")
def driver() -> Iterator[Driver]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs it (tests/prepare.py), or apt-get install chromium")
    running = Driver()
    yield running
    running.close()


@pytest.fixture
def page(driver: Driver) -> Iterator[Page]:
    opened = driver.new_page()
    yield opened
    problems = [line for line in opened.console() if "pageerror" in line]
    opened.close()
    assert not problems, problems
