"""Fixtures of the fault tests: a private broker and database for the run, a platform per test."""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.faults.harness import FaultPlatform
from tests.faults.servers import PostgresCluster, RabbitNode, postgres_bin


@pytest.fixture(scope="session")
def servers_dir() -> Iterator[Path]:
    """A folder the servers' own users can reach (pytest's tmp_path is private to us)."""
    path = Path(tempfile.mkdtemp(prefix="union-faults-"))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="session")
def private_rabbit(servers_dir) -> Iterator[RabbitNode]:
    if not RabbitNode.available():
        pytest.skip("rabbitmq-server is not installed here (apt-get install rabbitmq-server)")
    node = RabbitNode(servers_dir / "rabbitmq")
    node.start()
    yield node
    node.kill()


@pytest.fixture(scope="session")
def private_postgres(servers_dir) -> Iterator[PostgresCluster]:
    if postgres_bin() is None:
        pytest.skip("PostgreSQL server binaries are not installed here (apt-get install postgresql)")
    cluster = PostgresCluster(servers_dir / "postgres")
    cluster.start()
    yield cluster
    if cluster.running():
        cluster.stop("immediate")


@pytest.fixture
def make_platform(request, private_rabbit, private_postgres, tmp_path) -> Iterator:
    """make_platform(**options) -> a FaultPlatform (not started); all its processes stop at the end."""
    made: list[FaultPlatform] = []

    def make(**options) -> FaultPlatform:
        name = re.sub(r"[^a-z0-9]", "", request.node.name.lower())[-30:] + str(len(made))
        workdir = tmp_path / f"platform{len(made)}"
        workdir.mkdir()
        platform = FaultPlatform(name, private_rabbit, private_postgres, workdir, **options)
        made.append(platform)
        return platform

    yield make
    # Whatever a test did to the servers, the next test finds them running.
    if not private_postgres.running():
        private_postgres.start()
    if not private_rabbit.reachable():
        private_rabbit.start()
    for platform in made:
        platform.kill_all()
