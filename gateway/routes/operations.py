"""Health, readiness, metrics and the API documents (the report: reports.py; the web client: web.py)."""

from __future__ import annotations

import eventlet
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from werkzeug.wrappers import Request, Response

from gateway.http import PUBLIC, STAFF_ONLY, Doc, api, json_response
from gateway.openapi import build_spec, docs_html

READY_TIMEOUT = 3.0


class OperationsRoutes:
    @api("GET", "/health", roles=PUBLIC, key_scope=STAFF_ONLY, doc=Doc("The process is up"))
    def health(self, request: Request) -> Response:
        return json_response({"status": "ok"})

    @api("GET", "/ready", roles=PUBLIC, key_scope=STAFF_ONLY,
         doc=Doc("The broker is reachable and every service answers"))
    def ready(self, request: Request) -> Response:
        checks = {}
        pool = eventlet.GreenPool()

        def check(name: str) -> tuple[str, str]:
            try:
                with eventlet.Timeout(READY_TIMEOUT):
                    getattr(self, name).ping()
                return name, "ok"
            except eventlet.Timeout:
                return name, "no answer"
            except Exception as exc:
                return name, type(exc).__name__

        for name, outcome in pool.imap(check, self.ready_services):
            checks[name] = outcome
        ready = all(outcome == "ok" for outcome in checks.values())
        return json_response({"status": "ready" if ready else "not ready", "checks": checks}, 200 if ready else 503)

    @api("GET", "/metrics", roles=PUBLIC, key_scope=STAFF_ONLY, doc=Doc("Prometheus metrics of the gateway process"))
    def metrics(self, request: Request) -> Response:
        return Response(generate_latest(), mimetype=CONTENT_TYPE_LATEST)

    @api("GET", "/openapi.json", roles=PUBLIC, key_scope=STAFF_ONLY, doc=Doc("This document"))
    def openapi(self, request: Request) -> Response:
        return json_response(build_spec(self._entrypoints()))

    @api("GET", "/docs", roles=PUBLIC, key_scope=STAFF_ONLY, doc=Doc("Readable API documentation"))
    def docs(self, request: Request) -> Response:
        return Response(docs_html(build_spec(self._entrypoints())), mimetype="text/html")


    def _entrypoints(self) -> list:
        return list(self.entrypoint_registry)
