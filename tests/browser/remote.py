"""Playwright's page and locator API, by proxy to tests/browser/driver.py in its own process.

    page.goto(url); page.locator("input[name=q]").fill("王"); page.get_by_text("登录").click()
    page.expect(page.locator(".field-error")).to_contain_text("校验位")

Calls go over a pipe as JSON; a failed assertion raises AssertionError here, a
timeout BrowserTimeout, anything else BrowserError, each with Playwright's message.
"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

from services.chassis.config import ROOT

LOCATOR_BUILDERS = {"locator", "get_by_text", "get_by_role", "get_by_label", "get_by_placeholder",
                    "get_by_test_id", "nth", "filter"}


class BrowserError(Exception):
    pass


class BrowserTimeout(BrowserError):
    pass


class Driver:
    """The driver process: one Chromium for the whole run."""

    def __init__(self) -> None:
        self.process = subprocess.Popen([sys.executable, "-m", "tests.browser.driver"], cwd=ROOT,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, encoding="utf-8")

    def send(self, **command: Any) -> Any:
        assert self.process.stdin and self.process.stdout
        self.process.stdin.write(json.dumps(command, ensure_ascii=False) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise BrowserError(f"the browser driver exited (code {self.process.poll()})")
        answer = json.loads(line)
        if answer["ok"]:
            return answer["value"]
        if answer["kind"] == "AssertionError":
            raise AssertionError(answer["error"])
        if answer["kind"] == "TimeoutError":
            raise BrowserTimeout(answer["error"])
        raise BrowserError(answer["error"])

    def new_page(self, **options: Any) -> Page:
        return Page(self, self.send(op="new_page", **options))

    def close(self) -> None:
        if self.process.stdin:
            self.process.stdin.close()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()


class Target:
    def __init__(self, driver: Driver, page: int, chain: list) -> None:
        self._driver, self._page, self._chain = driver, page, chain

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        if name in ("first", "last", "context"):
            return Locator(self._driver, self._page, [*self._chain, [name, [], {}]])
        if name in LOCATOR_BUILDERS:
            return lambda *args, **kwargs: Locator(self._driver, self._page, [*self._chain, [name, list(args), kwargs]])
        return lambda *args, **kwargs: self._driver.send(op="call", page=self._page, chain=self._chain,
                                                           method=name, args=list(args), kwargs=kwargs)


class Locator(Target):
    pass


class Expectation:
    def __init__(self, target: Target) -> None:
        self.target = target

    def __getattr__(self, assertion: str) -> Any:
        target = self.target
        return lambda *args, **kwargs: target._driver.send(op="expect", page=target._page, chain=target._chain,
                                                             assertion=assertion, args=list(args), kwargs=kwargs)


class Page(Target):
    def __init__(self, driver: Driver, number: int) -> None:
        super().__init__(driver, number, [])

    def expect(self, target: Target) -> Expectation:
        return Expectation(target)

    def download(self, locator: Locator, path: str) -> str:
        """Click `locator`, save the download to `path`; the browser's suggested file name."""
        return self._driver.send(op="download", page=self._page, chain=locator._chain, path=path)

    def accept_dialogs(self, text: str | None = None) -> None:
        """From now on, confirm() answers OK and prompt() answers `text` (Playwright dismisses them otherwise)."""
        self._driver.send(op="accept_dialogs", page=self._page, text=text)

    def audit(self, exclude: list[str] | None = None) -> list[dict]:
        """axe-core's WCAG 2.1 A/AA violations on the page as it is now (CSS selectors in `exclude` skipped)."""
        return self._driver.send(op="audit", page=self._page, exclude=exclude or [])

    def console(self) -> list[str]:
        return self._driver.send(op="console", page=self._page)

    def close(self) -> None:
        self._driver.send(op="close_page", page=self._page)
