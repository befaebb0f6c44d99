"""Health, readiness, metrics, the API documents, the report, and the web client's files."""

from __future__ import annotations

import mimetypes
from pathlib import Path

import eventlet
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from werkzeug.wrappers import Request, Response

from gateway import schemas as s
from gateway.http import Doc, api, json_response
from gateway.openapi import build_spec, docs_html
from services.chassis.errors import NotFound

STATIC = Path(__file__).resolve().parents[1] / "static"
READY_TIMEOUT = 3.0


class OperationsRoutes:
    @api("GET", "/health", roles=None, doc=Doc("The process is up"))
    def health(self, request: Request) -> Response:
        return json_response({"status": "ok"})

    @api("GET", "/ready", roles=None, doc=Doc("The broker is reachable and every service answers"))
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

    @api("GET", "/metrics", roles=None, doc=Doc("Prometheus metrics of the gateway process"))
    def metrics(self, request: Request) -> Response:
        return Response(generate_latest(), mimetype=CONTENT_TYPE_LATEST)

    @api("GET", "/openapi.json", roles=None, doc=Doc("This document"))
    def openapi(self, request: Request) -> Response:
        return json_response(build_spec(self._entrypoints()))

    @api("GET", "/docs", roles=None, doc=Doc("Readable API documentation"))
    def docs(self, request: Request) -> Response:
        return Response(docs_html(build_spec(self._entrypoints())), mimetype="text/html")

    @api("GET", "/api/v1/reports/annual", doc=Doc("The year's figures per service", "reports",
                                                   query=s.AnnualQuerySchema))
    def annual_report(self, request: Request) -> Response:
        from marshmallow import EXCLUDE

        from services.chassis.schemas import load

        year = load(s.AnnualQuerySchema, dict(request.args), unknown=EXCLUDE)["year"]
        return json_response({
            "year": year,
            "membership": self.membership.annual_stats(year, within=request.principal.scope),
        })

    @api("GET", "/", roles=None, doc=Doc("The web client"))
    def index(self, request: Request) -> Response:
        return _static_file("index.html")

    @api("GET", "/static/<path:name>", roles=None, doc=Doc("The web client's files"))
    def static(self, request: Request, name: str) -> Response:
        return _static_file(name)

    def _entrypoints(self) -> list:
        return list(self.entrypoint_registry)


def _static_file(name: str) -> Response:
    path = (STATIC / name).resolve()
    if not path.is_file() or STATIC not in path.parents:
        raise NotFound("no such file")
    mimetype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return Response(path.read_bytes(), mimetype=mimetype, headers={"Cache-Control": "no-cache"})



