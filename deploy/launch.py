"""`make run`: bring the whole platform up in the foreground.

Checks RabbitMQ (starting the local server if it is installed but stopped),
applies every component's migrations, makes sure the admin account exists,
starts each service and the gateway as its own `nameko run` process, waits
until `/ready` answers, and prints where to go. Ctrl-C (or SIGTERM) stops
every process it started, gracefully.

Scale-out on one machine: `SCALE_WELFARE=3 make run` starts three welfare
processes. RabbitMQ shares RPC calls and events between them (one queue,
several consumers); each instance serves its metrics on its own port (the
service's port, then +100 per instance, or the list in
`<SERVICE>_METRICS_PORTS`). Use PostgreSQL for more than one instance.

Profiling: `PROFILE_DIR=/tmp/prof make run` runs every process under cProfile
and writes `<component>-<instance>.pstats` there when it stops (py-spy cannot
keep up with these eventlet processes on the test machines).
"""

from __future__ import annotations

import warnings

# eventlet announces its deprecation on import; nameko 2.14 needs it (see CONVENTIONS.md).
warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")

import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

from kombu import Connection

from services.chassis import migrate
from services.chassis.config import ROOT, SERVICES, amqp_uri, secret_setting

# eventlet's deprecation notice, printed by whichever nameko module imports it first.
QUIET_EVENTLET = "ignore::DeprecationWarning,ignore::Warning:nameko.extensions,ignore::Warning:nameko.cli.commands"
METRICS_PORTS = {"membership": 9101, "welfare": 9102, "training": 9103, "rights": 9104, "gateway": 8000}
GATEWAY_MIN_WORKERS = 40
SERVICE_CLASSES = {
    "membership": "services.membership.service:MembershipService",
    "welfare": "services.welfare.service:WelfareService",
    "training": "services.training.service:TrainingService",
    "rights": "services.rights.service:RightsService",
    "gateway": "gateway.service:GatewayService",
}


def say(message: str) -> None:
    print(f"[make run] {message}", flush=True)


def broker_reachable(uri: str) -> bool:
    try:
        with Connection(uri, connect_timeout=3) as conn:
            conn.ensure_connection(max_retries=1)
        return True
    except Exception:
        return False


def apt_install(package: str) -> bool:
    """Install a Debian package when we are root on a Debian-like machine; False if we cannot."""
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        return False
    say(f"installing {package} with apt-get")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-q"], check=False, env=env)
    return subprocess.run(["apt-get", "install", "-y", "-q", package], check=False, env=env).returncode == 0


def _rabbitmq_server() -> str | None:
    return shutil.which("rabbitmq-server") or (
        "/usr/sbin/rabbitmq-server" if Path("/usr/sbin/rabbitmq-server").exists() else None
    )


def ensure_rabbitmq(uri: str) -> None:
    if broker_reachable(uri):
        return
    local = any(host in uri for host in ("127.0.0.1", "localhost"))
    server = _rabbitmq_server()
    if server is None and local and apt_install("rabbitmq-server"):
        server = _rabbitmq_server()
    if server is None or not local:
        sys.exit(
            f"RabbitMQ is not reachable at {uri.split('@')[-1]}.\n"
            "Install and start it (Debian/Ubuntu: apt-get install rabbitmq-server), "
            "or point AMQP_URI at a running broker."
        )
    say("starting the local RabbitMQ server")
    subprocess.run([server, "-detached"], check=False)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if broker_reachable(uri):
            return
        time.sleep(2)
    sys.exit("RabbitMQ did not come up within 90 s; see its log (/var/log/rabbitmq/).")


def components() -> list[str]:
    """Every service that has a service module, then the gateway."""
    found = [name for name in SERVICES if (ROOT / "services" / name / "service.py").exists()]
    return [*found, "gateway"]


def scale(component: str, env: dict[str, str]) -> int:
    """How many instances of `component` to start: `SCALE_<COMPONENT>`, default 1.

    The gateway listens on one HTTP port, so on one machine it runs once.
    """
    raw = env.get(f"SCALE_{component.upper()}", "").strip()
    if not raw:
        return 1
    if component == "gateway":
        sys.exit("SCALE_GATEWAY: the gateway runs once per machine (it owns the HTTP port); "
                 "scale it with more machines behind a load balancer")
    if not raw.isdigit() or not 1 <= int(raw) <= 16:
        sys.exit(f"SCALE_{component.upper()}={raw!r}: give a whole number of instances from 1 to 16")
    return int(raw)


def metrics_port(component: str, instance: int, env: dict[str, str]) -> str:
    """The metrics port of the `instance`-th (0-based) process of `component`."""
    listed = [p.strip() for p in env.get(f"{component.upper()}_METRICS_PORTS", "").split(",") if p.strip()]
    if instance < len(listed):
        return listed[instance]
    base = int(env.get(f"{component.upper()}_METRICS_PORT", str(METRICS_PORTS[component])))
    return str(base + 100 * instance)


def start(component: str, env: dict[str, str], instance: int = 0, stdout: Any = None) -> subprocess.Popen:
    """Start one component as `nameko run`; `stdout`: a file for its output (the fault tests)."""
    child_env = {**env, "SERVICE_NAME": component, "METRICS_PORT": metrics_port(component, instance, env)}
    if component == "gateway":
        child_env["METRICS_PORT"] = "0"  # the gateway serves /metrics on its HTTP port
        # Its workers mostly wait for services' replies: more of them, so that a slow service
        # (bounded per service by RemoteService) leaves workers for every other route.
        child_env["MAX_WORKERS"] = env.get("GATEWAY_MAX_WORKERS") or str(max(GATEWAY_MIN_WORKERS,
                                                                             int(env.get("MAX_WORKERS") or 10)))
    profile = [] if not env.get("PROFILE_DIR") else [
        "-m", "cProfile", "-o", str(Path(env["PROFILE_DIR"]) / f"{component}-{instance}.pstats")]
    return subprocess.Popen(
        [sys.executable, *profile, "-m", "nameko", "run", "--config", str(ROOT / "deploy" / "nameko.yaml"),
         SERVICE_CLASSES[component]],
        cwd=ROOT, env=child_env, stdout=stdout, stderr=subprocess.STDOUT if stdout is not None else None,
        # Own process group: a terminal's Ctrl-C reaches only this launcher, which
        # then stops each child once (a second signal makes nameko kill, not stop).
        start_new_session=True,
    )


def wait_ready(url: str, processes: dict[str, subprocess.Popen], seconds: float = 90) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for name, proc in processes.items():
            if proc.poll() is not None:
                say(f"{name} exited with code {proc.returncode} while starting")
                return False
        try:
            with urllib.request.urlopen(f"{url}/ready", timeout=5) as response:
                if response.status == 200:
                    return True
        except Exception:
            pass
        time.sleep(1)
    return False


def stop(processes: dict[str, subprocess.Popen]) -> None:
    for proc in processes.values():
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 20
    for proc in processes.values():
        try:
            proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            proc.kill()


def main() -> int:
    uri = amqp_uri()
    port = os.environ.get("GATEWAY_PORT", "8000")
    host = os.environ.get("GATEWAY_HOST", "127.0.0.1")
    env = {**os.environ, "AMQP_URI": uri, "WEB_SERVER_ADDRESS": f"{host}:{port}", "PYTHONUNBUFFERED": "1",
           "PYTHONWARNINGS": QUIET_EVENTLET}
    ensure_rabbitmq(uri)
    names = components()
    counts = {name: scale(name, env) for name in names}
    for name in names:
        migrate.upgrade(name)
    say(f"databases migrated: {', '.join(names)}")
    password = secret_setting("ADMIN_PASSWORD", "admin-password", 12)
    env["ADMIN_PASSWORD"] = password
    subprocess.run([sys.executable, "-m", "gateway.accounts", "ensure-admin"], cwd=ROOT, env=env, check=True)

    processes: dict[str, subprocess.Popen] = {}
    stopping = False

    def on_signal(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    if any(count > 1 for count in counts.values()):
        say("instances: " + ", ".join(f"{name} x{count}" for name, count in counts.items() if count > 1))
    for name in names:
        for instance in range(counts[name]):
            processes[name if instance == 0 else f"{name}#{instance + 1}"] = start(name, env, instance)
    url = f"http://{'127.0.0.1' if host == '0.0.0.0' else host}:{port}"
    if not wait_ready(url, processes):
        say("the platform did not become ready; stopping")
        stop(processes)
        return 1
    shown = "the password in var/admin-password" if "ADMIN_PASSWORD" not in os.environ else "$ADMIN_PASSWORD"
    print(
        f"\n  Union platform is running at {url}\n"
        f"  API docs: {url}/docs    OpenAPI: {url}/openapi.json\n"
        f"  Sign in as admin with {shown} ({password if shown.startswith('the') else '***'})\n"
        f"  Ctrl-C stops everything.\n",
        flush=True,
    )
    while not stopping:
        for name, proc in processes.items():
            if proc.poll() is not None:
                say(f"{name} stopped unexpectedly (code {proc.returncode}); stopping the platform")
                stopping = True
                break
        time.sleep(0.5)
    say("stopping")
    stop(processes)
    say("stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
