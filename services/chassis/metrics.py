"""The Prometheus metrics every process exposes.

Labels hold only bounded values: service, entrypoint (a method name), kind,
event type, error class, pool. Never an id, a name or any personal data.
The business figures (members, claims, funds...) are not declared here: each
service lists them in its own `figures.py` (see `services.chassis.figures`).

Every metric's name starts `union_`; the dashboards in deploy/grafana/ and
the alert rules in deploy/prometheus/ are written against these names.
"""

from __future__ import annotations

import logging
import os
import weakref
from collections.abc import Iterator
from typing import Any

from prometheus_client import REGISTRY, Counter, Gauge, Histogram, disable_created_metrics, start_http_server
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

log = logging.getLogger(__name__)

# `*_created` series double what Prometheus stores and no dashboard or alert reads them.
disable_created_metrics()

ENTRYPOINT_CALLS = Counter(
    "union_entrypoint_calls_total",
    "Entrypoint calls handled (RPC, event handler, HTTP route, timer).",
    ["service", "entrypoint", "kind"],
)
ENTRYPOINT_ERRORS = Counter(
    "union_entrypoint_errors_total",
    "Entrypoint calls that ended in an error, by error class.",
    ["service", "entrypoint", "kind", "error"],
)
ENTRYPOINT_LATENCY = Histogram(
    "union_entrypoint_latency_seconds",
    "Time from worker start to result.",
    ["service", "entrypoint", "kind"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
WORKERS_IN_USE = Gauge(
    "union_workers_in_use", "Workers running right now.", ["service"]
)
WORKERS_MAX = Gauge(
    "union_workers_max", "Size of the worker pool (max_workers, also the RabbitMQ prefetch).", ["service"]
)
RPC_CALLS_OUT = Histogram(
    "union_rpc_call_latency_seconds",
    "RPC calls made to other services, by target and outcome.",
    ["service", "target", "method", "outcome"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
EVENTS_PUBLISHED = Counter(
    "union_events_published_total", "Events relayed from the outbox to the broker.",
    ["service", "event_type"],
)
EVENTS_CONSUMED = Counter(
    "union_events_consumed_total", "Events handled, by outcome (handled, duplicate, failed).",
    ["service", "handler", "outcome"],
)
RPC_REDELIVERED_DONE = Counter(
    "union_rpc_redelivered_done_total",
    "RPC requests the broker delivered again after their writes were committed: acked, not run twice.",
    ["service", "method"],
)
EVENTS_RETRIED = Counter(
    "union_events_retried_total", "Event deliveries sent back for another try.",
    ["service", "handler"],
)
EVENTS_PARKED = Counter(
    "union_events_parked_total", "Events parked after their last failed try.",
    ["service", "handler"],
)
PARKED_MESSAGES = Gauge(
    "union_parked_messages", "Messages waiting in a parking queue for an operator.",
    ["service", "handler"],
)
OUTBOX_PENDING = Gauge(
    "union_outbox_pending", "Outbox rows not yet published.", ["service"]
)
OUTBOX_OLDEST_AGE = Gauge(
    "union_outbox_oldest_age_seconds", "Age of the oldest unpublished outbox row.", ["service"]
)

FIGURES_REFRESHED = Gauge(
    "union_figures_refreshed_timestamp_seconds",
    "When the service's business figures were last refreshed (Unix time).", ["service"],
)
FIGURES_ERRORS = Counter(
    "union_figures_refresh_errors_total", "Refreshes of the business figures that failed.", ["service"],
)


class PoolCollector(Collector):
    """`union_db_pool_in_use` and `union_db_pool_size`, read from the pools at scrape time.

    Reading the pool when Prometheus asks costs nothing on the request path
    (no event hook on every checkout).
    """

    def __init__(self) -> None:
        self._pools: dict[tuple[str, str], Any] = {}

    def watch(self, service: str, pool_name: str, engine: Any) -> None:
        """Report `engine`'s connection pool as (service, pool_name)."""
        self._pools[(service, pool_name)] = weakref.ref(engine)

    def collect(self) -> Iterator[GaugeMetricFamily]:
        in_use = GaugeMetricFamily(
            "union_db_pool_in_use", "Database connections checked out of the pool right now.",
            labels=["service", "pool"],
        )
        size = GaugeMetricFamily(
            "union_db_pool_size", "Connections the pool may hand out (pool size plus overflow).",
            labels=["service", "pool"],
        )
        for (service, pool_name), ref in list(self._pools.items()):
            engine = ref()
            if engine is None:
                continue
            pool = engine.pool
            checked_out = getattr(pool, "checkedout", None)
            capacity = getattr(pool, "size", None)
            if checked_out is None or capacity is None:
                continue
            in_use.add_metric([service, pool_name], float(checked_out()))
            size.add_metric([service, pool_name], float(capacity() + max(getattr(pool, "_max_overflow", 0), 0)))
        yield in_use
        yield size

    def describe(self) -> list:
        return []  # families are built at collect time; nothing to check at registration


POOLS = PoolCollector()
REGISTRY.register(POOLS)

_server_started = False


def serve_metrics(port: int | None = None) -> None:
    """Expose /metrics on the process's own port (METRICS_PORT); 0 or unset: off."""
    global _server_started
    port = int(port if port is not None else os.environ.get("METRICS_PORT", "0") or 0)
    if _server_started or port <= 0:
        return
    start_http_server(port, addr=os.environ.get("METRICS_ADDR", "127.0.0.1"))
    _server_started = True
    log.info("metrics on port %s", port)
