"""Business figures as Prometheus gauges: each service says what to count, the chassis does the rest.

A service that has figures puts a plain function in `services/<service>/figures.py`:

    HELP = {"union_members": "Members by employment form and status."}

    def figures(session) -> list[tuple[str, dict[str, str], float]]:
        return [("union_members", {"employment_form": "standard", "status": "active"}, 1234.0), ...]

It reads its own database (a read-only SQLAlchemy session, rolled back after)
and knows nothing of Prometheus; it can be unit-tested with any session. The
`Figures` dependency, declared once on `ServiceBase`, calls it when the
service starts and then every `FIGURES_INTERVAL` seconds (default 30; 0: never)
in the background, never on a request, and `/metrics` shows the last result.

Figures are counts and sums over bounded categories only. `check_figures`
refuses a label that could hold personal data or an unbounded value (a name,
an id, a phone), a label value longer than a category code, and more than
`MAX_SERIES` series of one figure, so a mistake fails loudly in tests
instead of leaking people or blowing up Prometheus.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
import math
import re
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import eventlet
from nameko.extensions import DependencyProvider
from prometheus_client import REGISTRY
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from services.chassis import metrics

log = logging.getLogger(__name__)

Figure = tuple[str, dict[str, str], float]

DEFAULT_INTERVAL = 30.0
MAX_SERIES = 200
MAX_LABEL_VALUE = 40
METRIC_NAME = re.compile(r"^union_[a-z][a-z0-9_]*$")
LABEL_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
# Label names that would carry a person or an unbounded value.
FORBIDDEN_LABELS = re.compile(
    r"(^|_)(id|ids|name|names|phone|mobile|id_number|member|person|user|username|email|address)$"
)
# A category code: letters, digits, _ - . and CJK (union kinds may be named in Chinese).
LABEL_VALUE = re.compile(r"^[\w.\-\u4e00-\u9fff]*$")


class InvalidFigure(ValueError):
    """A figure that must not be exported (see the module docstring)."""


def check_figures(figures: Iterable[Figure]) -> list[Figure]:
    """The figures as (name, labels, float value), or InvalidFigure naming what is wrong."""
    checked: list[Figure] = []
    label_names: dict[str, tuple[str, ...]] = {}
    series: dict[str, set[tuple[str, ...]]] = {}
    for item in figures:
        try:
            name, labels, value = item
        except (TypeError, ValueError):
            raise InvalidFigure(f"a figure is (name, labels, value), not {item!r}") from None
        if not isinstance(name, str) or not METRIC_NAME.match(name):
            raise InvalidFigure(f"figure name {name!r} must match {METRIC_NAME.pattern}")
        labels = dict(labels or {})
        for key, label_value in labels.items():
            if not isinstance(key, str) or not LABEL_NAME.match(key) or FORBIDDEN_LABELS.search(key):
                raise InvalidFigure(f"{name}: label {key!r} may hold personal data or an unbounded value")
            if not isinstance(label_value, str) or len(label_value) > MAX_LABEL_VALUE \
                    or not LABEL_VALUE.match(label_value):
                raise InvalidFigure(f"{name}: label {key}={label_value!r} is not a short category code")
        keys = tuple(sorted(labels))
        if label_names.setdefault(name, keys) != keys:
            raise InvalidFigure(f"{name}: every series needs the same labels, {label_names[name]} vs {keys}")
        values = tuple(labels[key] for key in keys)
        seen = series.setdefault(name, set())
        if values in seen:
            raise InvalidFigure(f"{name}: the series {labels} is given twice")
        seen.add(values)
        if len(seen) > MAX_SERIES:
            raise InvalidFigure(f"{name}: more than {MAX_SERIES} series; labels must be bounded categories")
        if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value):
            raise InvalidFigure(f"{name}: value {value!r} is not a number")
        checked.append((name, labels, float(value)))
    return checked


class FiguresCollector(Collector):
    """Serves the last figures of each service in this process at scrape time."""

    def __init__(self) -> None:
        self._figures: dict[str, list[Figure]] = {}
        self._help: dict[str, str] = {}

    def update(self, service: str, figures: list[Figure], help_texts: dict[str, str] | None = None) -> None:
        self._help.update(help_texts or {})
        self._figures[service] = figures

    def forget(self, service: str) -> None:
        self._figures.pop(service, None)

    def collect(self) -> Iterator[GaugeMetricFamily]:
        families: dict[str, GaugeMetricFamily] = {}
        for service, figures in list(self._figures.items()):
            for name, labels, value in figures:
                keys = sorted(labels)
                family = families.get(name)
                if family is None:
                    family = families[name] = GaugeMetricFamily(
                        name, self._help.get(name, f"Business figure {name}."), labels=["service", *keys]
                    )
                family.add_metric([service, *(labels[key] for key in keys)], value)
        yield from families.values()

    def describe(self) -> list:
        return []


COLLECTOR = FiguresCollector()
REGISTRY.register(COLLECTOR)


def figures_module(service_name: str) -> Any | None:
    """`services.<service>.figures` if the service has one."""
    package = "gateway" if service_name == "gateway" else f"services.{service_name}"
    name = f"{package}.figures"
    try:
        if importlib.util.find_spec(name) is None:
            return None
    except ModuleNotFoundError:
        return None
    return importlib.import_module(name)


def refresh(service: str, sessions: Callable[[], Any], module: Any) -> list[Figure]:
    """Compute the service's figures once, in a session that is rolled back, and publish them."""
    session = sessions()
    try:
        figures = check_figures(module.figures(session))
    finally:
        session.rollback()
        session.close()
    COLLECTOR.update(service, figures, getattr(module, "HELP", None))
    metrics.FIGURES_REFRESHED.labels(service).set(time.time())
    return figures


class Figures(DependencyProvider):
    """Refreshes the service's business figures in the background (nothing for workers)."""

    def setup(self) -> None:
        self.module = figures_module(self.container.service_name)
        config = self.container.config
        self.interval = float(config.get("FIGURES_INTERVAL", DEFAULT_INTERVAL) or 0)
        self._thread = None

    def start(self) -> None:
        if self.module is None or self.interval <= 0:
            return
        metrics.FIGURES_ERRORS.labels(self.container.service_name)  # a zero from the start
        self._thread = self.container.spawn_managed_thread(self._run, identifier="figures")

    def stop(self) -> None:
        if self._thread is not None:
            self._thread.kill()
            self._thread = None
        COLLECTOR.forget(self.container.service_name)

    def kill(self) -> None:
        self.stop()

    def _run(self) -> None:
        from services.chassis.database import Database, dependency_of

        service = self.container.service_name
        db = dependency_of(self.container, Database)
        if db is None:
            log.warning("%s has figures.py but no database; no figures", service)
            return
        while True:
            try:
                refresh(service, db.sessions, self.module)
            except InvalidFigure:
                log.exception("%s: figures.py returned a figure that must not be exported", service)
                metrics.FIGURES_ERRORS.labels(service).inc()
            except Exception as exc:  # database down: keep the last figures, try again later
                log.warning("%s: figures not refreshed: %s", service, exc)
                metrics.FIGURES_ERRORS.labels(service).inc()
            eventlet.sleep(self.interval)
