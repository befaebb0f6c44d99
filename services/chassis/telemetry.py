"""Per-worker telemetry: the request id and the entrypoint metrics.

Declared once on `ServiceBase`, so every entrypoint of every service is
counted, timed and tagged with a request id without a line of code in it,
its worker and database pools are watched, and its business figures
(`services/<service>/figures.py`, see `services.chassis.figures`) refreshed.

At start every entrypoint's series is created at zero: a dashboard or an
alert then sees "no errors yet" as 0, not as missing data.
"""

from __future__ import annotations

import logging
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
from services.chassis.figures import Figures, figures_module
from services.chassis.logs import current

log = logging.getLogger(__name__)
EVENT_OUTCOMES = ("handled", "duplicate", "failed")


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

    def start(self) -> None:
        # After every extension's setup: the entrypoints and the database's engines exist.
        service = self.container.service_name
        metrics.WORKERS_MAX.labels(service).set(self.container.max_workers)
        metrics.WORKERS_IN_USE.labels(service).set(self._in_use)
        for entrypoint in self.container.entrypoints:
            kind = entrypoint_kind(entrypoint)
            labels = (service, entrypoint.method_name, kind)
            metrics.ENTRYPOINT_CALLS.labels(*labels)
            metrics.ENTRYPOINT_LATENCY.labels(*labels)
            if kind == "event":
                for outcome in EVENT_OUTCOMES:
                    metrics.EVENTS_CONSUMED.labels(service, entrypoint.method_name, outcome)
                metrics.EVENTS_RETRIED.labels(service, entrypoint.method_name)
                metrics.EVENTS_PARKED.labels(service, entrypoint.method_name)
        self._watch_database_pools(service)
        self._check_figures(service)

    def _check_figures(self, service: str) -> None:
        from services.chassis.database import dependency_of

        if dependency_of(self.container, Figures) is None and figures_module(service) is not None:
            log.error("%s has a figures.py but no Figures dependency (is `business_figures_refresher` "
                      "overridden?): its business figures are not exported", service)

    def _watch_database_pools(self, service: str) -> None:
        from services.chassis.database import Database, dependency_of

        db = dependency_of(self.container, Database)
        if db is None:
            return
        for pool_name, attribute in (("write", "engine"), ("read", "read_engine")):
            engine = getattr(db, attribute, None)
            if engine is not None:
                metrics.POOLS.watch(service, pool_name, engine)
        if db.relay is not None:
            metrics.OUTBOX_PENDING.labels(service)
            metrics.OUTBOX_OLDEST_AGE.labels(service)

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
    # A name no entrypoint will take (rights has an RPC called `figures`).
    business_figures_refresher = Figures()
