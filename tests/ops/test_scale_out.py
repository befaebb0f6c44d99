"""Scale-out on one machine: `SCALE_WELFARE=2 make run` shares membership's events between two
welfare processes, and every event is still handled exactly once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import psycopg2
import pytest
import requests
from kombu import Connection

from services.chassis.config import ROOT
from tests.helpers import free_port, member_body, resident_id, wait_until
from tests.ops.promtext import sample_value

MEMBERS = 24
HANDLER = "handle_member_joined"
QUEUE = f"evt-membership-member_joined--welfare.{HANDLER}"
PASSWORD = "scale-admin-password"


def consumers(amqp_uri: str, queue: str) -> int:
    with Connection(amqp_uri, connect_timeout=5) as conn:
        try:
            return conn.default_channel.queue_declare(queue=queue, passive=True).consumer_count
        except Exception:
            return 0


def handled(port: int) -> float:
    text = requests.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
    return sample_value(text, "union_events_consumed_total",
                        {"service": "welfare", "handler": HANDLER, "outcome": "handled"})


@pytest.fixture
def scaled_platform(vhost_factory, postgres, tmp_path):
    """The platform as `SCALE_WELFARE=2 make run` starts it, on PostgreSQL (what scale-out needs)."""
    from deploy.launch import components

    amqp_uri = vhost_factory("scale")
    port = free_port()
    welfare_ports = [free_port(), free_port()]
    env = {**os.environ, "VAR_DIR": str(tmp_path), "AMQP_URI": amqp_uri, "GATEWAY_PORT": str(port),
           "ADMIN_PASSWORD": PASSWORD, "SCALE_WELFARE": "2",
           "WELFARE_METRICS_PORTS": ",".join(map(str, welfare_ports)), "FIGURES_INTERVAL": "0"}
    urls = {}
    for name in components():
        urls[name] = env[f"{name.upper()}_DATABASE_URL"] = postgres.create(f"scale_{name}")
        if name not in ("welfare", "gateway"):
            env[f"{name.upper()}_METRICS_PORT"] = str(free_port())
    log_path = tmp_path / "platform.log"
    with open(log_path, "w") as log:
        process = subprocess.Popen([sys.executable, "-m", "deploy.launch"], cwd=ROOT, env=env,
                                   stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        def ready() -> bool:
            assert process.poll() is None, log_path.read_text()[-3000:]
            return requests.get(f"{url}/ready", timeout=5).status_code == 200

        wait_until(lambda: _quietly(ready), timeout=120, interval=0.5)
        # Both welfare processes consume from the one queue before any event is sent.
        wait_until(lambda: consumers(amqp_uri, QUEUE) == 2, timeout=60, interval=0.3)
        yield url, welfare_ports, urls["welfare"]
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
    assert "[make run] instances: welfare x2" in Path(log_path).read_text()


def _quietly(check):
    try:
        return check()
    except requests.ConnectionError:
        return False


def test_two_welfare_instances_share_the_events_and_handle_each_exactly_once(scaled_platform):
    url, welfare_ports, welfare_db = scaled_platform
    http = requests.Session()
    login = http.post(f"{url}/api/v1/auth/login", json={"username": "admin", "password": PASSWORD}, timeout=10)
    http.headers["Authorization"] = f"Bearer {login.json()['token']}"
    union = http.post(f"{url}/api/v1/organisations", json={
        "name": "扩容测试总工会", "kind": "federation", "established_on": "1950-05-01"}, timeout=10)
    assert union.status_code == 201, union.text
    member_ids = []
    for _ in range(MEMBERS):
        created = http.post(f"{url}/api/v1/members", json=member_body(
            union.json()["id"], id_number=resident_id("19880808")), timeout=10)
        assert created.status_code == 201, created.text
        member_ids.append(int(created.json()["id"]))

    def copies_and_inbox() -> tuple[int, int]:
        with psycopg2.connect(welfare_db) as conn, conn.cursor() as cur:
            cur.execute("SELECT count(*) FROM member_copy WHERE member_id = ANY(%s)", (member_ids,))
            copies = cur.fetchone()[0]
            cur.execute("SELECT count(*) FROM inbox WHERE handler = %s", (f"welfare.{HANDLER}",))
            return copies, cur.fetchone()[0]

    wait_until(lambda: copies_and_inbox() == (MEMBERS, MEMBERS), timeout=30, interval=0.2)
    # Exactly once: the two processes together handled each member_joined once, no more.
    per_instance = wait_until(
        lambda: (counts := [handled(port) for port in welfare_ports]) and sum(counts) == MEMBERS and counts,
        timeout=15, interval=0.2)
    # Shared: RabbitMQ handed events to both processes.
    assert all(count > 0 for count in per_instance), per_instance
    assert copies_and_inbox() == (MEMBERS, MEMBERS)
