"""The demo's HTTP client: the gateway's public API, as an external system calls it.

One `requests.Session` per thread (keep-alive), an `Idempotency-Key` on every
write so a retried request changes nothing twice, retries when the platform
is briefly unavailable, and `parallel` for the many independent writes a
city's data needs, with progress printed as it goes.
"""

from __future__ import annotations

import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import requests

T = TypeVar("T")
R = TypeVar("R")
RETRY_STATUSES = (429, 502, 503, 504)


class ApiError(RuntimeError):
    def __init__(self, method: str, path: str, status: int, body: str):
        super().__init__(f"{method} {path} -> {status}: {body[:500]}")
        self.status = status
        self.body = body


def say(message: str) -> None:
    print(f"[demo] {message}", flush=True, file=sys.stdout)


class Progress:
    """Counts done items and prints a line at most every `every` seconds, and at the end."""

    def __init__(self, label: str, total: int, every: float = 3.0, quiet: bool = False):
        self.label, self.total, self.every, self.quiet = label, total, every, quiet
        self.done = 0
        self.started = self.shown = time.monotonic()
        self.lock = threading.Lock()

    def add(self, count: int = 1) -> None:
        with self.lock:
            self.done += count
            now = time.monotonic()
            if not self.quiet and now - self.shown >= self.every and self.done < self.total:
                self.shown = now
                rate = self.done / max(now - self.started, 1e-6)
                say(f"  {self.label}: {self.done:,}/{self.total:,} ({rate:,.0f}/s)")

    def finish(self) -> float:
        elapsed = time.monotonic() - self.started
        if not self.quiet:
            say(f"  {self.label}: {self.done:,}/{self.total:,} in {elapsed:.1f} s")
        return elapsed


class Client:
    def __init__(self, url: str, api_key: str | None = None, token: str | None = None, workers: int = 8,
                 quiet: bool = False, run_id: str | None = None, timeout: float = 60):
        self.url = url.rstrip("/")
        self.headers: dict[str, str] = {}
        if api_key:
            self.headers["X-API-Key"] = api_key
        elif token:
            self.headers["Authorization"] = f"Bearer {token}"
        self.workers = workers
        self.quiet = quiet
        self.timeout = timeout
        self.run_id = run_id or uuid.uuid4().hex[:12]
        self._local = threading.local()
        self._serial = iter(range(1, 10**12))
        self._serial_lock = threading.Lock()

    def session(self) -> requests.Session:
        http = getattr(self._local, "http", None)
        if http is None:
            http = self._local.http = requests.Session()
            http.headers.update(self.headers)
        return http

    def _idempotency_key(self) -> str:
        with self._serial_lock:
            return f"demo-{self.run_id}-{next(self._serial)}"

    def request(self, method: str, path: str, expect: tuple[int, ...] = (200, 201, 202), **kwargs: Any) -> Any:
        """One call; retried while the platform answers 429/502/503/504 or refuses the connection."""
        headers = dict(kwargs.pop("headers", None) or {})
        if method != "GET":
            headers.setdefault("Idempotency-Key", self._idempotency_key())
        delay = 0.5
        for attempt in range(8):
            try:
                response = self.session().request(method, self.url + path, headers=headers,
                                                  timeout=self.timeout, **kwargs)
            except requests.ConnectionError:
                if attempt == 7:
                    raise
            else:
                if response.status_code in expect:
                    if response.headers.get("Content-Type", "").startswith("application/json"):
                        return response.json()
                    return response
                if response.status_code not in RETRY_STATUSES or attempt == 7:
                    raise ApiError(method, path, response.status_code, response.text)
            time.sleep(delay)
            delay = min(delay * 2, 8)
        raise AssertionError("unreachable")

    def get(self, path: str, **kwargs: Any) -> Any:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, body: Any = None, **kwargs: Any) -> Any:
        return self.request("POST", path, json=body, **kwargs)

    def post_known(self, path: str, body: Any = None, wait_s: float = 600) -> Any:
        """A write naming organisations or members that another service learns of by event.

        Such a service keeps its own copy of them, filled from membership's
        events a moment (or, after a big import, minutes) later; until then it
        answers that it does not know them. This waits for its copy, as an
        external system that has just registered them has to.
        """
        deadline = time.monotonic() + wait_s
        while True:
            try:
                return self.post(path, body)
            except ApiError as exc:
                if exc.status not in (404, 422) or not any(
                        word in exc.body for word in ("organisation_id", "member_id", "member_ids")) \
                        or time.monotonic() > deadline:
                    raise
                time.sleep(2)

    def pages(self, path: str, params: dict[str, Any]) -> Iterable[dict]:
        """Every item of a paged list, following `next_cursor`."""
        params = {**params, "limit": 500}
        while True:
            page = self.get(path, params=params)
            yield from page["items"]
            if not page.get("next_cursor"):
                return
            params["cursor"] = page["next_cursor"]

    def parallel(self, label: str, items: list[T], call: Callable[[T], R], workers: int | None = None) -> list[R]:
        """`call` for every item on `workers` threads; results in the items' order; the first error stops it."""
        progress = Progress(label, len(items), quiet=self.quiet)

        def one(item: T) -> R:
            result = call(item)
            progress.add()
            return result

        if not items:
            return []
        with ThreadPoolExecutor(max_workers=workers or self.workers) as pool:
            results = list(pool.map(one, items))
        progress.finish()
        return results
