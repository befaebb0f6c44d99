"""Every panel of every Grafana dashboard shows data: a real Prometheus scrapes the running platform,
the test drives some traffic, then evaluates each panel's query through Prometheus's HTTP API.

(It lives beside the other e2e tests to share their one platform per backend; the helpers are in tests/ops/.)
"""

from __future__ import annotations

import random
import time
from urllib.parse import urlparse

import pytest

from tests.helpers import member_body, resident_id
from tests.ops.prometheus import Prometheus, panel_queries

API = "/api/v1"


@pytest.fixture
def prometheus(platform, tmp_path):
    from deploy.launch import components

    targets = {"gateway": urlparse(platform.url).netloc}
    for name in components():
        if name != "gateway":
            targets[name] = f"127.0.0.1:{platform.metrics_ports[name]}"
    server = Prometheus(targets, tmp_path)
    try:
        server.wait_ready()
        yield server
    finally:
        server.stop()


def drive_traffic(platform) -> None:
    """Some of everything the dashboards count: writes that raise events, reads, a 404 and a 422."""
    http = platform.session()
    federation = http.post(f"{platform.url}{API}/organisations", json={
        "name": f"运维看板测试总工会{time.monotonic_ns()}", "kind": "federation", "established_on": "1950-05-01"})
    assert federation.status_code == 201, federation.text
    birth = f"19{random.randint(60, 99)}0{random.randint(1, 9)}1{random.randint(0, 9)}"
    for form in ("standard", "new_form", "new_form"):
        created = http.post(f"{platform.url}{API}/members", json=member_body(
            federation.json()["id"], employment_form=form, id_number=resident_id(birth)))
        assert created.status_code == 201, created.text
        assert http.get(f"{platform.url}{API}/members/{created.json()['id']}").status_code == 200
    assert http.get(f"{platform.url}{API}/members/987654321987").status_code == 404
    assert http.post(f"{platform.url}{API}/members", json={"name": ""}).status_code == 422


def wait_for_value(prometheus: Prometheus, expr: str, good, timeout: float = 20) -> float:
    """The single value of `expr` once `good(value)`; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    value = None
    while time.monotonic() < deadline:
        result = prometheus.query(expr)
        value = float(result[0]["value"][1]) if result else None
        if value is not None and good(value):
            return value
        time.sleep(0.5)
    raise AssertionError(f"{expr} = {value} did not come right within {timeout}s")


def test_every_panel_of_every_dashboard_shows_data(platform, prometheus):
    up: dict[str, str] = {}
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        up = {series["metric"]["job"]: series["value"][1] for series in prometheus.query("up")}
        if set(up) == set(prometheus.targets) and all(value == "1" for value in up.values()):
            break
        time.sleep(0.5)
    else:
        pytest.fail(f"not every process is scraped: {up} of {prometheus.targets}")
    new_form = 'max(union_members{status="active", employment_form="new_form"})'
    before = wait_for_value(prometheus, new_form, lambda value: True)
    drive_traffic(platform)

    queries = panel_queries()
    assert len(queries) > 20
    empty: list[tuple[str, str, str]] = queries
    deadline = time.monotonic() + 45
    while empty and time.monotonic() < deadline:
        empty = [item for item in empty if not prometheus.query(item[2])]
        if empty:
            time.sleep(1)
    missing = "\n".join(f"  {board} · {title}: {expr}" for board, title, expr in empty)
    assert not empty, f"panels without data (scraped jobs: {sorted(up)}):\n{missing}"

    # The business figures follow the data: the two new-form members registered above are counted.
    wait_for_value(prometheus, new_form, lambda value: value >= before + 2)

    # The alert rules load and evaluate against the live metrics without errors.
    groups = prometheus.api("rules")["groups"]
    rules = [rule for group in groups for rule in group["rules"]]
    assert rules and all(rule["health"] in ("ok", "unknown") for rule in rules), [
        (rule["name"], rule.get("lastError")) for rule in rules if rule["health"] not in ("ok", "unknown")]
