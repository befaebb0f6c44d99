"""Playwright in a process of its own, driven over stdin/stdout with one JSON object a line.

Why: the test process runs eventlet's monkey patch (tests/conftest.py), under
which Playwright's sync API hangs. So the tests talk to this driver instead
(`tests/browser/remote.py` gives them Playwright's own API by proxy):

    {"op": "call", "page": 1, "chain": [["locator", ["tr"], {}]], "method": "click", "args": [], "kwargs": {}}
    {"op": "expect", "page": 1, "chain": [...], "assertion": "to_have_text", "args": ["x"], "kwargs": {}}
    {"op": "download", "page": 1, "chain": [...], "path": "/tmp/f.xlsx"}
    {"op": "new_page"} / {"op": "close_page", "page": 1} / {"op": "console", "page": 1}
    {"op": "accept_dialogs", "page": 1, "text": null}
    {"op": "audit", "page": 1, "exclude": []}   -> axe-core's WCAG 2.1 A/AA violations on the page as it is

Each answer is {"ok": true, "value": ...} or {"ok": false, "kind": "AssertionError|TimeoutError|Error", "error": "..."}.
Debian's chromium is used (`/usr/bin/chromium`); Playwright never downloads a browser.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect, sync_playwright

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-dev-shm-usage"]
PROPERTIES = {"first", "last", "context"}
AXE = Path(__file__).with_name("vendor") / "axe.min.js"  # pinned in tests/browser/vendor/vendor.lock.json
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
RUN_AXE = """async ({tags, exclude}) => {
  const found = await axe.run({exclude: exclude.map((s) => [s])}, {runOnly: {type: 'tag', values: tags}});
  return found.violations.map((v) => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map((n) => ({target: n.target.join(' '), summary: n.failureSummary}))}));
}"""


def resolve(page: Any, chain: list) -> Any:
    target = page
    for name, args, kwargs in chain:
        target = getattr(target, name) if name in PROPERTIES else getattr(target, name)(*args, **kwargs)
    return target


def plain(value: Any) -> Any:
    try:
        json.dumps(value)
        return value
    except TypeError:
        return repr(value)


def main() -> None:
    out = sys.stdout
    sys.stdout = sys.stderr  # nothing but answers on the protocol stream
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        pages: dict[int, Any] = {}
        logs: dict[int, list[str]] = {}
        for line in sys.stdin:
            command = json.loads(line)
            op = command["op"]
            try:
                if op == "new_page":
                    context = browser.new_context(viewport=command.get("viewport") or {"width": 1280, "height": 860},
                                                  accept_downloads=True, locale="zh-CN")
                    page = context.new_page()
                    page.set_default_timeout(command.get("timeout_ms", 20000))
                    number = len(pages) + 1
                    pages[number], logs[number] = page, []
                    page.on("console", lambda m, n=number: logs[n].append(f"{m.type}: {m.text}")
                            if m.type in ("error", "warning") else None)
                    page.on("pageerror", lambda e, n=number: logs[n].append(f"pageerror: {e}"))
                    value = number
                elif op == "close_page":
                    pages.pop(command["page"]).context.close()
                    value = None
                elif op == "console":
                    value = logs[command["page"]]
                elif op == "call":
                    target = resolve(pages[command["page"]], command["chain"])
                    value = plain(getattr(target, command["method"])(*command["args"], **command["kwargs"]))
                elif op == "expect":
                    target = resolve(pages[command["page"]], command["chain"])
                    getattr(expect(target), command["assertion"])(*command["args"], **command["kwargs"])
                    value = None
                elif op == "accept_dialogs":  # confirm() answers OK and prompt() `text` from now on
                    answer_with = () if command.get("text") is None else (command["text"],)
                    pages[command["page"]].on("dialog", lambda dialog, a=answer_with: dialog.accept(*a))
                    value = None
                elif op == "audit":
                    page = pages[command["page"]]
                    if not page.evaluate("() => typeof window.axe === 'object'"):
                        page.evaluate(AXE.read_text(encoding="utf-8"))  # by the debugger protocol: the CSP stays
                    value = page.evaluate(RUN_AXE, {"tags": AXE_TAGS, "exclude": command.get("exclude") or []})
                elif op == "download":
                    page = pages[command["page"]]
                    with page.expect_download() as info:
                        resolve(page, command["chain"]).click()
                    info.value.save_as(command["path"])
                    value = info.value.suggested_filename
                else:
                    raise ValueError(f"unknown op {op}")
                answer = {"ok": True, "value": value}
            except AssertionError as exc:
                answer = {"ok": False, "kind": "AssertionError", "error": str(exc)}
            except PlaywrightTimeout as exc:
                answer = {"ok": False, "kind": "TimeoutError", "error": str(exc)}
            except (PlaywrightError, Exception) as exc:
                answer = {"ok": False, "kind": "Error", "error": f"{type(exc).__name__}: {exc}"}
            out.write(json.dumps(answer, ensure_ascii=False) + "\n")
            out.flush()
        browser.close()


if __name__ == "__main__":
    main()
