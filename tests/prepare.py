"""Before `make test`: make sure RabbitMQ and PostgreSQL are up (start local ones if stopped),
and that Chromium (the browser tests) and Prometheus's `prometheus` and `promtool` (the ops tests)
are installed."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys
import time

from deploy.launch import apt_install, ensure_rabbitmq
from services.chassis.config import DEFAULT_AMQP_URI

POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def postgres_reachable() -> bool:
    import psycopg2

    try:
        psycopg2.connect(POSTGRES_URL, connect_timeout=3).close()
        return True
    except psycopg2.OperationalError:
        return False


def ensure_postgres() -> None:
    if postgres_reachable():
        return
    versions = sorted(os.path.basename(p) for p in glob.glob("/etc/postgresql/*"))
    if not versions and apt_install("postgresql"):
        versions = sorted(os.path.basename(p) for p in glob.glob("/etc/postgresql/*"))
    if not versions or shutil.which("pg_ctlcluster") is None:
        sys.exit(
            f"PostgreSQL is not reachable at {POSTGRES_URL.split('@')[-1]} and is not installed here.\n"
            "Install it (Debian/Ubuntu: apt-get install postgresql) or set TEST_POSTGRES_URL."
        )
    print(f"[make test] starting PostgreSQL {versions[-1]}", flush=True)
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", versions[-1], "main", "start"], check=False)
    for _ in range(30):
        if postgres_reachable():
            return
        time.sleep(1)
    sys.exit(
        f"PostgreSQL did not answer at {POSTGRES_URL.split('@')[-1]} within 30 s. The tests connect as "
        "postgres over TCP without a password: allow it in pg_hba.conf (trust for 127.0.0.1) "
        "or set TEST_POSTGRES_URL."
    )


SUITE_CONNECTIONS = 300


def ensure_postgres_connections() -> None:
    """Room for the suite's connections: two whole platforms (one per e2e backend and one for the
    scale-out test, each process with its pools) beside the integration tests' services.

    PostgreSQL's default of 100 is too few for that at its peaks; a local server we may manage
    is raised to 300 once (ALTER SYSTEM, then a restart), anything else is only warned about.
    """
    import psycopg2

    with psycopg2.connect(POSTGRES_URL, connect_timeout=5) as conn, conn.cursor() as cursor:
        cursor.execute("SHOW max_connections")
        current = int(cursor.fetchone()[0])
    conn.close()
    if current >= SUITE_CONNECTIONS:
        return
    versions = sorted(os.path.basename(p) for p in glob.glob("/etc/postgresql/*"))
    local = any(host in POSTGRES_URL for host in ("@127.0.0.1", "@localhost"))
    if not (local and versions and os.geteuid() == 0 and shutil.which("pg_ctlcluster")):
        print(f"[make test] warning: PostgreSQL allows {current} connections; the suite may need up to "
              f"{SUITE_CONNECTIONS} (set max_connections)", flush=True)
        return
    print(f"[make test] raising PostgreSQL's max_connections from {current} to {SUITE_CONNECTIONS} "
          "(ALTER SYSTEM) and restarting it", flush=True)
    conn = psycopg2.connect(POSTGRES_URL, connect_timeout=5)
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute(f"ALTER SYSTEM SET max_connections = {SUITE_CONNECTIONS}")
    conn.close()
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", versions[-1], "main", "restart"], check=False)
    for _ in range(60):
        if postgres_reachable():
            return
        time.sleep(1)
    sys.exit("PostgreSQL did not come back within 60 s of the restart; see its log in /var/log/postgresql/")


def ensure_prometheus() -> None:
    """Debian's `prometheus` package: the live dashboard test runs it, the config tests run promtool."""
    if shutil.which("prometheus") and shutil.which("promtool"):
        return
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("[make test] installing prometheus with apt-get", flush=True)
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-q"], check=False, env=env)
        subprocess.run(["apt-get", "install", "-y", "-q", "--no-install-recommends", "prometheus"],
                       check=False, env=env)
    if not (shutil.which("prometheus") and shutil.which("promtool")):
        sys.exit("prometheus and promtool are not installed (Debian/Ubuntu: apt-get install prometheus)")


CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


def ensure_chromium() -> None:
    """The browser tests drive Debian's Chromium (Playwright never downloads one); CJK fonts for screenshots."""
    if not os.path.exists(CHROMIUM) and not apt_install("chromium"):
        sys.exit(f"the browser tests need Chromium at {CHROMIUM}: apt-get install chromium (or set CHROMIUM)")
    if not glob.glob("/usr/share/fonts/truetype/wqy/*"):
        apt_install("fonts-wqy-microhei")  # only for readable screenshots: the tests pass without it


if __name__ == "__main__":
    ensure_rabbitmq(os.environ.get("TEST_AMQP_BASE", DEFAULT_AMQP_URI.rstrip("/")) + "/")
    ensure_postgres()
    ensure_postgres_connections()
    ensure_prometheus()
    ensure_chromium()
    print("[make test] RabbitMQ and PostgreSQL are reachable; prometheus and Chromium are installed", flush=True)
