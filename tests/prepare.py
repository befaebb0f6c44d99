"""Before `make test`: make sure RabbitMQ and PostgreSQL are up (start local ones if stopped)."""

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


if __name__ == "__main__":
    ensure_rabbitmq(os.environ.get("TEST_AMQP_BASE", DEFAULT_AMQP_URI.rstrip("/")) + "/")
    ensure_postgres()
    print("[make test] RabbitMQ and PostgreSQL are reachable", flush=True)
