"""The platform started exactly as `make run` starts it, once on SQLite and once on PostgreSQL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from services.chassis.config import ROOT
from tests.helpers import free_port

ADMIN_PASSWORD = "e2e-admin-password"


@dataclass
class Platform:
    url: str
    amqp_uri: str
    metrics_ports: dict[str, int]
    process: subprocess.Popen
    log_path: str

    def token(self, username: str = "admin", password: str = ADMIN_PASSWORD) -> str:
        response = requests.post(f"{self.url}/api/v1/auth/login",
                                 json={"username": username, "password": password}, timeout=10)
        assert response.status_code == 200, response.text
        return response.json()["token"]

    def session(self, username: str = "admin", password: str = ADMIN_PASSWORD) -> requests.Session:
        http = requests.Session()
        http.headers["Authorization"] = f"Bearer {self.token(username, password)}"
        return http

    def log(self) -> str:
        with open(self.log_path, encoding="utf-8", errors="replace") as handle:
            return handle.read()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def platform(request, vhost_factory, postgres, tmp_path_factory):
    """One platform per backend for the whole run: tests share it, so each makes its own
    organisations and members and never counts on an empty database."""
    from deploy.launch import components

    backend = request.param
    var = tmp_path_factory.mktemp(f"platform-{backend}")
    amqp_uri = vhost_factory(f"e2e-{backend}")
    port = free_port()
    metrics = {name: free_port() for name in ("membership", "welfare", "training", "rights")}
    env = {**os.environ, "VAR_DIR": str(var), "AMQP_URI": amqp_uri, "GATEWAY_PORT": str(port),
           "ADMIN_PASSWORD": ADMIN_PASSWORD, "RPC_TIMEOUT": "15",
           "FIGURES_INTERVAL": "2"}  # business figures refreshed often enough for a test to see them move
    for name, metrics_port in metrics.items():
        env[f"{name.upper()}_METRICS_PORT"] = str(metrics_port)
    for name in components():
        env.pop(f"{name.upper()}_DATABASE_URL", None)
        if backend == "postgresql":
            env[f"{name.upper()}_DATABASE_URL"] = postgres.create(f"e2e_{name}")
    log_path = str(var / "platform.log")
    with open(log_path, "w") as log:
        process = subprocess.Popen([sys.executable, "-m", "deploy.launch"], cwd=ROOT, env=env,
                                   stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the platform exited while starting:\n{Path(log_path).read_text()[-5000:]}")
        try:
            if requests.get(f"{url}/ready", timeout=5).status_code == 200:
                break
        except requests.ConnectionError:
            pass
        time.sleep(0.5)
    else:
        process.send_signal(signal.SIGTERM)
        pytest.fail(f"the platform did not become ready:\n{Path(log_path).read_text()[-5000:]}")
    running = Platform(url, amqp_uri, metrics, process, log_path)
    yield running
    process.send_signal(signal.SIGINT)  # as Ctrl-C
    try:
        code = process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        pytest.fail("the platform did not stop within 60 s of Ctrl-C")
    assert code == 0, running.log()[-3000:]
    assert "[make run] stopped" in running.log()
