"""Per-worker telemetry: the request id and the entrypoint metrics.

Declared once on `ServiceBase`, so every entrypoint of every service is
counted, timed and tagged with a request id without a line of code in it.
"""

from __future__ import annotations

import time
import uuid
import weakref
from typing import Any

from nameko.events import EventHandler
from nameko.extensions import DependencyProvider
from nameko.rpc import Rpc
from nameko.timer import Timer
from nameko.web.handlers import HttpRequestHandler

from services.chassis import metrics
from services.chassis.logs import current


def entrypoint_kind(entrypoint: Any) -> str:
    if isinstance(entrypoint, Rpc):
        return "rpc"
    if isinstance(entrypoint, EventHandler):
        return "event"
    if isinstance(entrypoint, HttpRequestHandler):
        return "http"
    if isinstance(entrypoint, Timer):
        return "timer"
    return type(entrypoint).__name__.lower()


class Telemetry(DependencyProvider):
    """Sets the worker's request id and records count, errors and latency."""

    def __init__(self) -> None:
        self._started: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
        self._in_use = 0

    def setup(self) -> None:
        metrics.serve_metrics(self.container.config.get("METRICS_PORT"))

    def worker_setup(self, worker_ctx: Any) -> None:
        request_id = worker_ctx.context_data.get("request_id") or uuid.uuid4().hex
        worker_ctx.context_data["request_id"] = request_id
        current.request_id = request_id
        self._started[worker_ctx] = time.perf_counter()
        self._in_use += 1
        metrics.WORKERS_IN_USE.labels(self.container.service_name).set(self._in_use)

    def worker_result(self, worker_ctx: Any, result: Any = None, exc_info: Any = None) -> None:
        service = self.container.service_name
        entrypoint = worker_ctx.entrypoint
        labels = (service, entrypoint.method_name, entrypoint_kind(entrypoint))
        started = self._started.pop(worker_ctx, None)
        metrics.ENTRYPOINT_CALLS.labels(*labels).inc()
        if started is not None:
            metrics.ENTRYPOINT_LATENCY.labels(*labels).observe(time.perf_counter() - started)
        if exc_info is not None:
            metrics.ENTRYPOINT_ERRORS.labels(*labels, exc_info[0].__name__).inc()

    def worker_teardown(self, worker_ctx: Any) -> None:
        self._in_use -= 1
        metrics.WORKERS_IN_USE.labels(self.container.service_name).set(self._in_use)
        current.request_id = None


class ServiceBase:
    """What every nameko service class of the platform inherits."""

    name: str
    telemetry = Telemetry()
