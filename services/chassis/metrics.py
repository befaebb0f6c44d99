"""The Prometheus metrics every process exposes.

Labels hold only bounded values: service, entrypoint (a method name), kind,
event type, error class. Never an id, a name or any personal data.
"""

from __future__ import annotations

import logging
import os

from prometheus_client import Counter, Gauge, Histogram, start_http_server

log = logging.getLogger(__name__)

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
