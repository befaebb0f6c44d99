"""The deployment files are valid and agree with the code: Prometheus config and alert rules (promtool),
the Grafana dashboards (generated, valid PromQL), docker-compose.yml (the Compose Specification's
JSON schema, vendored in deploy/compose-spec/) and the Kubernetes manifests (the Kubernetes JSON
schemas shipped by the kubernetes-validate package)."""

from __future__ import annotations

import copy
import json
import re
import subprocess
from pathlib import Path

import jsonschema
import pytest
import yaml

from deploy.grafana import dashboards
from deploy.launch import METRICS_PORTS, SERVICE_CLASSES, components
from services.chassis.config import ROOT, SERVICES
from tests.ops.prometheus import binary, panel_queries

PROMETHEUS = ROOT / "deploy" / "prometheus"
K8S = ROOT / "deploy" / "k8s"
KUBERNETES_VERSION = "1.30.0"
# Every component the platform has or is about to have: the deployment files describe all of them.
PLATFORM = (*SERVICES, "gateway")
MIGRATE = ["python", "-m", "deploy.migrate_all"]


def promtool(*args: str, cwd: Path = PROMETHEUS) -> str:
    done = subprocess.run([binary("promtool"), *args], cwd=cwd, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout + done.stderr


# ------------------------------------------------------------------ Prometheus

def test_prometheus_config_and_rules_pass_promtool():
    promtool("check", "config", "prometheus.yml")
    out = promtool("check", "rules", *sorted(str(p) for p in (PROMETHEUS / "rules").glob("*.yml")))
    assert "SUCCESS" in out


def test_alert_rules_pass_their_unit_tests():
    assert "SUCCESS" in promtool("test", "rules", "tests/alerts_test.yml")


def test_every_alert_has_a_unit_test():
    rules = yaml.safe_load((PROMETHEUS / "rules" / "alerts.yml").read_text())
    alerts = {rule["alert"] for group in rules["groups"] for rule in group["rules"]}
    tests = yaml.safe_load((PROMETHEUS / "tests" / "alerts_test.yml").read_text())
    tested = {case["alertname"] for test in tests["tests"] for case in test["alert_rule_test"]
              if case.get("exp_alerts")}
    assert alerts == tested
    assert {"UnionProcessDown", "UnionErrorRatioHigh", "UnionLatencyP99High", "UnionOutboxBacklogGrowing",
            "UnionMessagesParked", "UnionHotlineOrdersOverdue", "UnionFundBalanceLow"} <= alerts


def test_prometheus_scrapes_every_component_on_its_port():
    config = yaml.safe_load((PROMETHEUS / "prometheus.yml").read_text())
    jobs = {job["job_name"]: job for job in config["scrape_configs"]}
    assert set(jobs) == set(PLATFORM) >= set(components())
    for name, job in jobs.items():
        (sd,) = job["dns_sd_configs"]
        assert sd["names"] == [name] and sd["port"] == METRICS_PORTS[name]


# ------------------------------------------------------------------ Grafana

def test_committed_dashboards_are_what_the_code_generates():
    """Regenerate with `python -m deploy.grafana.dashboards` after changing deploy/grafana/dashboards.py."""
    for name, board in dashboards.dashboards().items():
        committed = (dashboards.OUT / name).read_text(encoding="utf-8")
        assert committed == dashboards.render(board), f"{name} is stale: python -m deploy.grafana.dashboards"


def test_every_panel_query_is_valid_promql(tmp_path):
    queries = panel_queries()
    rules = {"groups": [{"name": "panels", "rules": [
        {"record": f"panel:query_{index}", "expr": expr} for index, (_, _, expr) in enumerate(queries)]}]}
    path = tmp_path / "panels.yml"
    path.write_text(yaml.safe_dump(rules, allow_unicode=True))
    promtool("check", "rules", str(path))


def test_dashboards_cover_operations_and_the_figures_of_every_service_that_has_them():
    titles = {(board, title) for board, title, _ in panel_queries()}
    operations = {title for board, title in titles if board == "operations.json"}
    assert {"Calls per second by service", "Fault ratio by service", "p99 latency by service",
            "Gateway p99 latency by route", "Outbox backlog (rows not yet published)",
            "Parked messages waiting for an operator", "Workers in use", "Database connections in use",
            "RPC calls out per second by target and outcome"} <= operations
    exprs = " ".join(expr for board, _, expr in panel_queries() if board == "business.json")
    with_figures = [name for name in components() if (ROOT / "services" / name / "figures.py").exists()]
    assert "membership" in with_figures
    assert dashboards.services_with_figures() == [n for n in dashboards.BUSINESS if n in with_figures]
    for name in with_figures:
        assert f"union_{name}" in exprs or name == "membership"
    assert "union_members" in exprs and "union_organisations" in exprs


def test_grafana_provisioning_points_at_the_dashboards_and_the_prometheus_uid():
    provisioning = ROOT / "deploy" / "grafana" / "provisioning"
    source = yaml.safe_load((provisioning / "datasources" / "prometheus.yml").read_text())
    assert source["datasources"][0]["uid"] == dashboards.DATASOURCE.uid
    for path in dashboards.OUT.glob("*.json"):
        board = json.loads(path.read_text())
        assert {t["datasource"]["uid"] for p in board["panels"] for t in p.get("targets", [])} == {"prometheus"}


# ------------------------------------------------------------------ docker compose

@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


@pytest.fixture(scope="module")
def compose_schema() -> dict:
    return json.loads((ROOT / "deploy" / "compose-spec" / "compose-spec.json").read_text())


def test_compose_file_follows_the_compose_specification(compose, compose_schema):
    jsonschema.Draft7Validator.check_schema(compose_schema)
    errors = sorted(jsonschema.Draft7Validator(compose_schema).iter_errors(compose), key=str)
    assert not errors, "\n".join(f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors)


def test_the_compose_schema_check_catches_a_mistake(compose, compose_schema):
    broken = copy.deepcopy(compose)
    broken["services"]["gateway"]["healthcheck"]["intervall"] = "10s"
    assert list(jsonschema.Draft7Validator(compose_schema).iter_errors(broken))


def test_compose_runs_every_component_with_health_checks(compose):
    services = compose["services"]
    assert {"rabbitmq", "postgres", "migrate", "prometheus", "grafana"} <= set(services)
    assert services["migrate"]["entrypoint"] == MIGRATE
    assert set(components()) <= set(PLATFORM)
    for name in PLATFORM:
        service = services[name]
        assert service["command"] == [SERVICE_CLASSES[name]]
        assert service["build"]["dockerfile"] == "deploy/Dockerfile"
        assert "healthcheck" in service, name
        assert service["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        if name != "gateway":
            assert f"{name.upper()}_DATABASE_URL" in services["migrate"]["environment"]
            assert services["gateway"]["depends_on"][name]["condition"] == "service_healthy"
            assert service["environment"]["METRICS_PORT"] == str(METRICS_PORTS[name])
            assert f"{name.upper()}_DATABASE_URL" in service["environment"]
            assert f"127.0.0.1:{METRICS_PORTS[name]}/metrics" in " ".join(service["healthcheck"]["test"])
    for name in ("rabbitmq", "postgres", "prometheus", "grafana"):
        assert "healthcheck" in services[name], name
    volumes = " ".join(services["grafana"]["volumes"] + services["prometheus"]["volumes"]
                       + services["postgres"]["volumes"])
    for mounted in re.findall(r"\./(deploy/[\w/.-]+):", volumes):
        assert (ROOT / mounted).exists(), mounted
    # The dashboards' folder is mounted where the provisioning file looks for it.
    provider = yaml.safe_load((ROOT / "deploy/grafana/provisioning/dashboards/union.yml").read_text())
    assert f"./deploy/grafana/dashboards:{provider['providers'][0]['options']['path']}:ro" in volumes


# ------------------------------------------------------------------ Kubernetes

def k8s_documents() -> list[tuple[str, dict]]:
    docs = []
    for path in sorted(K8S.glob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text()):
            if doc and doc.get("kind") != "Kustomization":
                docs.append((path.name, doc))
    return docs


def test_kubernetes_manifests_follow_the_kubernetes_schemas():
    import kubernetes_validate

    docs = k8s_documents()
    assert docs
    for name, doc in docs:
        try:
            kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)
        except kubernetes_validate.ValidationError as error:
            pytest.fail(f"{name} {doc['kind']}/{doc['metadata']['name']}: {error.message} at "
                        f"{'/'.join(map(str, error.absolute_path))}")


def test_the_kubernetes_schema_check_catches_a_mistake():
    import kubernetes_validate

    deployment = copy.deepcopy(next(doc for _, doc in k8s_documents() if doc["kind"] == "Deployment"))
    deployment["spec"]["replica"] = 2  # misspelt
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, KUBERNETES_VERSION, strict=True)


def test_every_component_is_deployed_with_probes_limits_and_scrape_annotations():
    docs = k8s_documents()
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text())
    listed = set(kustomization["resources"])
    assert {name for name, _ in docs} - listed == {"secret.example.yaml"}
    deployments = {doc["metadata"]["name"]: doc for _, doc in docs if doc["kind"] == "Deployment"}
    autoscaled = {doc["spec"]["scaleTargetRef"]["name"] for _, doc in docs if doc["kind"] == "HorizontalPodAutoscaler"}
    assert set(deployments) == set(PLATFORM)
    assert {"gateway", "membership", "welfare"} <= autoscaled
    job = next(doc for _, doc in docs if doc["kind"] == "Job")
    assert job["spec"]["template"]["spec"]["containers"][0]["command"] == MIGRATE
    secret = next(doc for _, doc in docs if doc["kind"] == "Secret")
    for name, deployment in deployments.items():
        if name != "gateway":
            assert f"{name.upper()}_DATABASE_URL" in secret["stringData"]
        pod = deployment["spec"]["template"]
        (container,) = pod["spec"]["containers"]
        assert container["args"] == [SERVICE_CLASSES[name]]
        assert container["readinessProbe"]["httpGet"] and container["livenessProbe"]["httpGet"]
        assert container["resources"]["requests"] and container["resources"]["limits"]
        annotations = pod["metadata"]["annotations"]
        assert annotations["prometheus.io/scrape"] == "true"
        assert annotations["prometheus.io/port"] == str(METRICS_PORTS[name])
        ports = {port["containerPort"] for port in container["ports"]}
        assert METRICS_PORTS[name] in ports
        env = {item["name"]: item for item in container["env"]}
        if name != "gateway":
            assert env["METRICS_PORT"]["value"] == str(METRICS_PORTS[name])
            assert env[f"{name.upper()}_DATABASE_URL"]["valueFrom"]["secretKeyRef"]["name"] == "union-secrets"
        assert env["AMQP_URI"]["valueFrom"]["secretKeyRef"]["name"] == "union-secrets"
    gateway = deployments["gateway"]["spec"]["template"]["spec"]["containers"][0]
    assert gateway["readinessProbe"]["httpGet"]["path"] == "/ready"
    assert gateway["livenessProbe"]["httpGet"]["path"] == "/health"


def test_migrate_all_migrates_every_component_then_makes_sure_of_the_admin(monkeypatch):
    from deploy import migrate_all

    done = []
    monkeypatch.setattr(migrate_all.migrate, "upgrade", lambda name: done.append(name))
    monkeypatch.setattr(migrate_all.accounts, "main", lambda argv: done.append(argv) or 0)
    assert migrate_all.main() == 0
    assert done == [*components(), ["ensure-admin"]]
