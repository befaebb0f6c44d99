"""The Grafana dashboards as code: `python -m deploy.grafana.dashboards` writes deploy/grafana/dashboards/*.json.

Built with grafana-foundation-sdk (pinned in requirements.lock). The JSON is
committed so Grafana provisions it without Python; tests/ops checks the
committed files are what this module generates, and the live test evaluates
every panel's query against a Prometheus scraping the running platform.

Business panels come from the services that have figures (a
`services/<service>/figures.py`): a panel is generated only for figures
that exist, so every panel shows data.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

from grafana_foundation_sdk.builders import dashboard, prometheus, stat, timeseries
from grafana_foundation_sdk.cog.encoder import JSONEncoder
from grafana_foundation_sdk.models.dashboard import DataSourceRef, GridPos

from services.chassis.config import ROOT

OUT = Path(__file__).resolve().parent / "dashboards"
DATASOURCE = DataSourceRef(type_val="prometheus", uid="prometheus")
RATE = "$__rate_interval"
# Domain errors are answers (bad input, not found...), not faults; see deploy/prometheus/rules/alerts.yml.
DOMAIN_ERRORS = "InvalidInput|NotFound|Conflict|Forbidden|Unauthorized|BadRequest|PayloadTooLarge"


@dataclass(frozen=True)
class Query:
    expr: str
    legend: str = ""


@dataclass(frozen=True)
class PanelSpec:
    title: str
    queries: tuple[Query, ...]
    unit: str = "short"
    kind: str = "timeseries"  # or "stat"
    description: str = ""
    width: int = 12


def q(expr: str, legend: str = "") -> Query:
    return Query(" ".join(expr.split()), legend)


# ------------------------------------------------------------------ operations

def operations_panels() -> list[tuple[str, list[PanelSpec]]]:
    """Rows of (title, panels): traffic, errors, latency per service and route, queues, outbox, workers."""
    calls = f"sum by (service) (rate(union_entrypoint_calls_total[{RATE}]))"
    faults = f'sum by (service) (rate(union_entrypoint_errors_total{{error!~"{DOMAIN_ERRORS}"}}[{RATE}]))'
    answers = f'sum by (service) (rate(union_entrypoint_errors_total{{error=~"{DOMAIN_ERRORS}"}}[{RATE}]))'
    return [
        ("Processes", [
            PanelSpec("Processes up", (q("sum by (job) (up)", "{{job}}"),), kind="stat",
                      description="Scraped processes answering, per component (0: down).", width=24),
        ]),
        ("Traffic", [
            PanelSpec("Calls per second by service", (q(calls, "{{service}}"),), "reqps",
                      "Every entrypoint: RPC, event handler, HTTP route, timer."),
            PanelSpec("HTTP requests per second by route and status",
                      (q(f"sum by (route, status) (rate(union_http_requests_total[{RATE}]))",
                         "{{route}} {{status}}"),), "reqps"),
            PanelSpec("Calls per second by entrypoint",
                      (q(f"sum by (service, entrypoint, kind) (rate(union_entrypoint_calls_total[{RATE}]))",
                         "{{service}}.{{entrypoint}} ({{kind}})"),), "reqps", width=24),
        ]),
        ("Errors", [
            PanelSpec("Fault ratio by service",
                      (q(f"({faults} or {calls} * 0) / {calls}", "{{service}}"),), "percentunit",
                      "Calls that failed with a fault (not a domain error such as NotFound or InvalidInput)."),
            PanelSpec("Domain errors (answers) per second by service",
                      (q(f"{answers} or {calls} * 0", "{{service}}"),), "reqps",
                      "Bad input, not found, conflicts, refusals: answered, not failed."),
            PanelSpec("Errors per second by entrypoint and error",
                      (q(f"sum by (service, entrypoint, error) (rate(union_entrypoint_errors_total[{RATE}]))",
                         "{{service}}.{{entrypoint}} {{error}}"),), "reqps"),
            PanelSpec("Gateway 5xx ratio",
                      (q(f'(sum(rate(union_http_requests_total{{status=~"5.."}}[{RATE}])) '
                         f"or sum(rate(union_http_requests_total[{RATE}])) * 0) "
                         f"/ sum(rate(union_http_requests_total[{RATE}]))", "5xx"),), "percentunit"),
        ]),
        ("Latency", [
            PanelSpec("p99 latency by service",
                      (q(f"histogram_quantile(0.99, sum by (service, le) "
                         f"(rate(union_entrypoint_latency_seconds_bucket[{RATE}])))", "{{service}}"),), "s"),
            PanelSpec("p50 latency by service",
                      (q(f"histogram_quantile(0.5, sum by (service, le) "
                         f"(rate(union_entrypoint_latency_seconds_bucket[{RATE}])))", "{{service}}"),), "s"),
            PanelSpec("Gateway p99 latency by route",
                      (q(f"histogram_quantile(0.99, sum by (route, le) "
                         f"(rate(union_http_request_latency_seconds_bucket[{RATE}])))", "{{route}}"),), "s"),
            PanelSpec("RPC calls out: p99 latency by target",
                      (q(f"histogram_quantile(0.99, sum by (service, target, le) "
                         f"(rate(union_rpc_call_latency_seconds_bucket[{RATE}])))", "{{service}} → {{target}}"),),
                      "s"),
            PanelSpec("RPC calls out per second by target and outcome",
                      (q(f"sum by (service, target, outcome) (rate(union_rpc_call_latency_seconds_count[{RATE}]))",
                         "{{service}} → {{target}} {{outcome}}"),), "reqps", width=24),
        ]),
        ("Events and queues", [
            PanelSpec("Events published per second",
                      (q(f"sum by (service, event_type) (rate(union_events_published_total[{RATE}]))",
                         "{{service}} {{event_type}}"),), "ops"),
            PanelSpec("Events consumed per second by outcome",
                      (q(f"sum by (service, outcome) (rate(union_events_consumed_total[{RATE}]))",
                         "{{service}} {{outcome}}"),), "ops"),
            PanelSpec("Event retries and parkings per second",
                      (q(f"sum by (service) (rate(union_events_retried_total[{RATE}]))", "{{service}} retried"),
                       q(f"sum by (service) (rate(union_events_parked_total[{RATE}]))", "{{service}} parked")),
                      "ops"),
            PanelSpec("Parked messages waiting for an operator",
                      (q("max by (service, handler) (union_parked_messages)", "{{service}}.{{handler}}"),),
                      description="python -m services.chassis.parking list | show | replay"),
        ]),
        ("Outbox", [
            PanelSpec("Outbox backlog (rows not yet published)",
                      (q("sum by (service) (union_outbox_pending)", "{{service}}"),)),
            PanelSpec("Age of the oldest unpublished row",
                      (q("max by (service) (union_outbox_oldest_age_seconds)", "{{service}}"),), "s"),
        ]),
        ("Workers and database", [
            PanelSpec("Workers in use", (q("sum by (service) (union_workers_in_use)", "{{service}} in use"),
                                         q("sum by (service) (union_workers_max)", "{{service}} max"))),
            PanelSpec("Database connections in use",
                      (q("sum by (service, pool) (union_db_pool_in_use)", "{{service}} {{pool}} in use"),
                       q("sum by (service, pool) (union_db_pool_size)", "{{service}} {{pool}} size"))),
            PanelSpec("Business figures: seconds since refresh",
                      (q("time() - max by (service) (union_figures_refreshed_timestamp_seconds)", "{{service}}"),),
                      "s", width=24),
        ]),
    ]


# ------------------------------------------------------------------ business

# Per service with a figures.py: its rows. Gauges of several instances are equal, hence max.
BUSINESS: dict[str, list[tuple[str, list[PanelSpec]]]] = {
    "membership": [("Membership", [
        PanelSpec("Active members", (q('sum(max by (employment_form) (union_members{status="active"}))', "members"),),
                  kind="stat", width=6),
        PanelSpec("New-employment-form members (active)",
                  (q('max(union_members{status="active", employment_form="new_form"})', "new form"),),
                  kind="stat", width=6),
        PanelSpec("Unions (grassroots)", (q('max(union_organisations{kind="grassroots"})', "unions"),),
                  kind="stat", width=6),
        PanelSpec("Members who left", (q('sum(max by (employment_form) (union_members{status="left"}))', "left"),),
                  kind="stat", width=6),
        PanelSpec("Members by employment form and status",
                  (q("max by (employment_form, status) (union_members)", "{{employment_form}} {{status}}"),)),
        PanelSpec("Organisations by kind", (q("max by (kind) (union_organisations)", "{{kind}}"),)),
    ])],
    "welfare": [("Welfare", [
        PanelSpec("Mutual-aid claims by state", (q("max by (state) (union_welfare_claims)", "{{state}}"),)),
        PanelSpec("Fund balances (yuan)",
                  (q("max by (fund) (union_welfare_fund_balance_fen) / 100", "{{fund}}"),), "currencyCNY"),
        PanelSpec("Hardship files open", (q("max(union_welfare_hardship_files_open)", "open"),), kind="stat",
                  width=24),
    ])],
    "training": [("Training", [
        PanelSpec("Craftsmen by level", (q("max by (level) (union_training_craftsmen)", "{{level}}"),)),
        PanelSpec("Craftsman nominations waiting by level",
                  (q("sum by (level) (max by (level, status) (union_training_nominations_waiting))", "{{level}}"),),
                  description="Pending review, in public notice, or objected."),
    ])],
    "rights": [("Rights", [
        PanelSpec("Hotline work orders open", (q("max(union_rights_hotline_orders_open)", "open"),), kind="stat",
                  width=8),
        PanelSpec("Hotline work orders overdue", (q("max(union_rights_hotline_orders_overdue)", "overdue"),),
                  kind="stat", width=8),
        PanelSpec("Collective contracts expiring within 90 days",
                  (q("sum(max by (kind) (union_rights_contracts_expiring_90d))", "contracts"),), kind="stat",
                  width=8),
    ])],
}


def services_with_figures() -> list[str]:
    return [name for name in BUSINESS if (ROOT / "services" / name / "figures.py").exists()]


def business_panels() -> list[tuple[str, list[PanelSpec]]]:
    return [row for name in services_with_figures() for row in BUSINESS[name]]


# ------------------------------------------------------------------ building

def build(uid: str, title: str, description: str, rows: list[tuple[str, list[PanelSpec]]]) -> dict:
    board = (
        dashboard.Dashboard(title).uid(uid).description(description).tags(["union"])
        .time("now-1h", "now").refresh("30s").timezone("browser")
    )
    y = 0
    panel_id = 1
    for row_title, panels in rows:
        board = board.with_row(dashboard.Row(row_title).id(panel_id).grid_pos(GridPos(h=1, w=24, x=0, y=y)))
        panel_id += 1
        y += 1
        x = 0
        for spec in panels:
            height = 4 if spec.kind == "stat" else 8
            if x + spec.width > 24:
                x, y = 0, y + 8
            builder = (stat.Panel() if spec.kind == "stat" else timeseries.Panel())
            builder = (
                builder.id(panel_id).title(spec.title).datasource(DATASOURCE).unit(spec.unit)
                .grid_pos(GridPos(h=height, w=spec.width, x=x, y=y))
            )
            if spec.description:
                builder = builder.description(spec.description)
            for index, query in enumerate(spec.queries):
                target = prometheus.Dataquery().expr(query.expr).ref_id(chr(ord("A") + index)).datasource(DATASOURCE)
                if query.legend:
                    target = target.legend_format(query.legend)
                builder = builder.with_target(target)
            board = board.with_panel(builder)
            panel_id += 1
            x += spec.width
            if x >= 24:
                x, y = 0, y + height
        if x:
            y += 8
    return json.loads(json.dumps(board.build(), cls=JSONEncoder))


def dashboards() -> dict[str, dict]:
    """File name -> dashboard JSON."""
    return {
        "operations.json": build(
            "union-operations", "Union platform · operations",
            "Traffic, errors and latency per service and route; events, queues, outbox, workers, database pools.",
            operations_panels()),
        "business.json": build(
            "union-business", "Union platform · business figures",
            "The federation's figures from live data: members, unions, claims, funds, nominations, hotline, "
            "contracts.", business_panels()),
    }


def render(board: dict) -> str:
    return json.dumps(board, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, board in dashboards().items():
        (OUT / name).write_text(render(board), encoding="utf-8")
        print(f"wrote {OUT / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
