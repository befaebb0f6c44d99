"""Does the platform's annual report show what was loaded?"""

from __future__ import annotations

import time
from typing import Any

from demo.client import Client, say

API = "/api/v1"


def differences(report: dict[str, Any], expected: dict[str, dict[str, int]],
                baseline: dict[str, Any] | None = None) -> list[tuple[str, Any, Any]]:
    """(figure, expected, reported) for every planned figure the report does not show as planned.

    With a `baseline` (the report before the demo loaded anything) the figures
    compared are what the demo added to it.
    """
    wrong = []
    for block, figures in expected.items():
        got = added(report, baseline, block)
        for key, value in figures.items():
            if got.get(key) != value:
                wrong.append((f"{block}.{key}", value, got.get(key)))
    return wrong


def added(report: dict[str, Any], baseline: dict[str, Any] | None, block: str) -> dict[str, Any]:
    got = report.get(block) or {}
    before = (baseline or {}).get(block) or {}
    return {key: value - before.get(key, 0) if isinstance(value, int) else value for key, value in got.items()}


def baseline_report(client: Client, year: int) -> dict[str, Any] | None:
    """The year's report before the demo adds to it (None on an empty platform's report, or none at all)."""
    try:
        report = client.get(f"{API}/reports/annual", params={"year": year})
    except Exception:
        return None
    if all(not value for block in report.values() if isinstance(block, dict) for value in block.values()):
        return None
    return report


def verify(client: Client, year: int, expected: dict[str, dict[str, int]], deadline_s: float = 120,
           baseline: dict[str, Any] | None = None) -> bool:
    """Fetch the report until it shows every expected figure (events may still be landing) or time runs out."""
    if baseline is not None and not client.quiet:
        say("  the platform had figures for the year already: comparing what the demo added")
    deadline = time.monotonic() + deadline_s
    while True:
        report = client.get(f"{API}/reports/annual", params={"year": year})
        wrong = differences(report, expected, baseline)
        if not wrong or time.monotonic() > deadline:
            break
        time.sleep(2)
    for block, figures in expected.items():
        for key, value in figures.items():
            got = added(report, baseline, block).get(key)
            mark = "ok" if got == value else "MISMATCH"
            if not client.quiet or got != value:
                say(f"  {block}.{key:<28} expected {value:>14,}  report {got!s:>14}  {mark}")
    return not wrong
