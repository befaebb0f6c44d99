"""A RabbitMQ node and a PostgreSQL cluster of the fault tests' own.

The fault tests stop and restart the broker and the database on purpose, so
they never touch the shared servers other tests and engineers use: each run
starts a private RabbitMQ node (its own node name, AMQP and distribution
ports, data and log folders, no plugins) and a private PostgreSQL cluster
(`initdb` into a temporary folder, its own port). Both run as their system
users (`rabbitmq`, `postgres`) when the tests run as root, since neither
server runs as root.
"""

from __future__ import annotations

import glob
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

from tests.helpers import free_port

RABBITMQ_BIN = Path("/usr/lib/rabbitmq/bin")


def _as_user(name: str) -> dict[str, Any]:
    """Popen arguments that run a server as its system user when we are root."""
    return {"user": name, "group": name} if os.geteuid() == 0 else {}


def _own_dir(path: Path, user: str) -> None:
    path.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        shutil.chown(path, user, user)


def _wait(check: Any, seconds: float, what: str, log: Path | None = None) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    tail = log.read_text(errors="replace")[-3000:] if log and log.exists() else ""
    raise RuntimeError(f"{what} within {seconds:g} s\n{tail}")


class RabbitNode:
    """A private RabbitMQ node: `start()`, `stop()`, `add_vhost()`, `uri(vhost)`."""

    def __init__(self, base: Path):
        self.base = base
        self.port = free_port()
        self.dist_port = free_port()
        self.node = f"union-faults-{self.port}@localhost"
        self.process: subprocess.Popen | None = None
        _own_dir(base, "rabbitmq")
        plugins = base / "enabled_plugins"
        plugins.write_text("[].\n")  # no management listener on the shared 15672
        plugins.chmod(0o644)
        self.env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": "/var/lib/rabbitmq" if os.geteuid() == 0 else os.environ.get("HOME", str(base)),
            "LANG": "C.UTF-8",
            "RABBITMQ_NODENAME": self.node,
            "RABBITMQ_NODE_IP_ADDRESS": "127.0.0.1",
            "RABBITMQ_NODE_PORT": str(self.port),
            "RABBITMQ_DIST_PORT": str(self.dist_port),
            "RABBITMQ_MNESIA_BASE": str(base / "mnesia"),
            "RABBITMQ_LOG_BASE": str(base / "log"),
            "RABBITMQ_ENABLED_PLUGINS_FILE": str(plugins),
            "RABBITMQ_CONFIG_FILE": str(base / "rabbitmq"),
            "RABBITMQ_ADVANCED_CONFIG_FILE": str(base / "advanced.config"),
            "RABBITMQ_PID_FILE": str(base / "rabbitmq.pid"),
        }

    @staticmethod
    def available() -> bool:
        return (RABBITMQ_BIN / "rabbitmq-server").exists()

    def uri(self, vhost: str = "/") -> str:
        return f"amqp://guest:guest@127.0.0.1:{self.port}/{'' if vhost == '/' else vhost}"

    def reachable(self) -> bool:
        from kombu import Connection

        try:
            with Connection(self.uri(), connect_timeout=1) as conn:
                conn.ensure_connection(max_retries=1)
            return True
        except Exception:
            return False

    def start(self) -> None:
        log = self.base / "server.out"
        with open(log, "a") as out:
            self.process = subprocess.Popen(
                [str(RABBITMQ_BIN / "rabbitmq-server")], env=self.env, cwd=self.base,
                stdout=out, stderr=subprocess.STDOUT, start_new_session=True, **_as_user("rabbitmq"),
            )
        process = self.process
        _wait(lambda: self.reachable() or process.poll() is not None, 90,
              "the private RabbitMQ node did not answer", log)
        if process.poll() is not None:
            raise RuntimeError(f"the private RabbitMQ node exited:\n{log.read_text(errors='replace')[-3000:]}")

    def stop(self) -> None:
        """Stop the node (SIGTERM: a clean broker shutdown) and wait until it is gone."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        _wait(lambda: not self.reachable(), 10, "the private RabbitMQ node still answers")

    def kill(self) -> None:
        """The end of the run: the node's data is thrown away, no need for a clean stop."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)

    def ctl(self, *args: str) -> str:
        """`rabbitmqctl` against this node."""
        result = subprocess.run(
            [str(RABBITMQ_BIN / "rabbitmqctl"), "-q", "-n", self.node, *args], env=self.env,
            capture_output=True, text=True, timeout=60, **_as_user("rabbitmq"),
        )
        if result.returncode != 0:
            raise RuntimeError(f"rabbitmqctl {' '.join(args)}: {result.stderr or result.stdout}")
        return result.stdout

    def add_vhost(self, name: str) -> str:
        self.ctl("add_vhost", name)
        self.ctl("set_permissions", "-p", name, "guest", ".*", ".*", ".*")
        return self.uri(name)


def postgres_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(p.split("/")[4]))
    return Path(found[-1]).parent if found else None


class PostgresCluster:
    """A private PostgreSQL cluster: `start()`, `stop()`, `create_database()`."""

    def __init__(self, base: Path):
        self.bin = postgres_bin()
        if self.bin is None:
            raise RuntimeError("PostgreSQL server binaries not found under /usr/lib/postgresql/")
        self.base = base
        self.data = base / "data"
        self.port = free_port()
        self.log = base / "server.log"
        _own_dir(base, "postgres")
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8",
                  "--no-sync", "--locale=C.UTF-8")

    def _run(self, tool: str, *args: str) -> None:
        result = subprocess.run([str(self.bin / tool), *args], cwd=self.base, capture_output=True, text=True,
                                timeout=120, **_as_user("postgres"))
        if result.returncode != 0:
            raise RuntimeError(f"{tool}: {result.stdout}{result.stderr}")

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        options = (f"-p {self.port} -k {self.base} -c listen_addresses=127.0.0.1 -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off -c max_connections=300")
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.log), "-w", "-t", "60", "start")

    def stop(self, mode: str = "fast") -> None:
        """`fast`: every session is disconnected, as when the server goes down."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop")

    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def create_database(self, name: str) -> str:
        import psycopg2

        conn = psycopg2.connect(self.url(), connect_timeout=5)
        conn.autocommit = True
        try:
            with conn.cursor() as cur:
                cur.execute(f'CREATE DATABASE "{name}"')
        finally:
            conn.close()
        return self.url(name)
