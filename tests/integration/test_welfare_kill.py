"""Kill the welfare process in the middle of a payout: the payout happens once, after a restart.

PostgreSQL lets the test stop the handler at an exact point: the test holds an
uncommitted row with the request's id, so the handler, having already
written the ledger transaction, waits on it. The process is then killed
(SIGKILL, no clean-up), the test lets go, and a new process handles the
redelivered request.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid

import pytest
from nameko.exceptions import UnknownService
from nameko.standalone.events import event_dispatcher
from nameko.standalone.rpc import ServiceRpcProxy
from sqlalchemy import create_engine, text

from services.chassis import migrate
from services.chassis.config import ROOT
from services.chassis.errors import NotFound
from services.chassis.events import envelope
from tests.helpers import wait_until

UNION = {"organisation_id": "7", "name": "机械厂工会", "kind": "grassroots", "parent_id": "1", "path": "/1/7/",
         "employer_size": "small", "established_on": "2020-01-01"}
MEMBER = {"member_id": "601", "name": "钱芳", "organisation_id": "7", "organisation_path": "/1/7/",
          "employment_form": "standard", "occupation": None, "status": "active", "joined_on": "2021-01-04",
          "left_on": None, "revision": 1}


class WelfareProcess:
    """`nameko run` of the welfare service, as `make run` starts it."""

    def __init__(self, amqp_uri: str, database_url: str, log_path: str):
        self.env = {**os.environ, "AMQP_URI": amqp_uri, "WELFARE_DATABASE_URL": database_url,
                    "SERVICE_NAME": "welfare", "METRICS_PORT": "0", "LOG_LEVEL": "WARNING"}
        self.log_path = log_path
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        with open(self.log_path, "a") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-W", "ignore", "-m", "nameko", "run", "--config",
                 str(ROOT / "deploy" / "nameko.yaml"), "services.welfare.service:WelfareService"],
                cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()


def answers(config: dict) -> bool:
    try:
        with ServiceRpcProxy("welfare", config, timeout=5) as proxy:
            return proxy.ping() == "pong"
    except UnknownService:  # not consuming its queue yet
        return False


def knows_member(config: dict) -> bool:
    with ServiceRpcProxy("welfare", config, timeout=5) as proxy:
        try:
            return bool(proxy.get_member_copy("601"))
        except NotFound:
            return False


def test_a_payout_killed_halfway_is_made_once_after_a_restart(postgres, vhost_factory, tmp_path):
    url = postgres.create("welfare_kill")
    migrate.upgrade("welfare", url)
    amqp_uri = vhost_factory("welfare-kill")
    config = {"AMQP_URI": amqp_uri, "serializer": "json"}
    service = WelfareProcess(amqp_uri, url, str(tmp_path / "welfare.log"))
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg2://"))
    holder = engine.connect()
    try:
        service.start()
        wait_until(lambda: answers(config), timeout=60, interval=0.3)
        dispatch = event_dispatcher(config)
        dispatch("membership", "organisation_registered", envelope("organisation_registered", UNION))
        dispatch("membership", "member_joined", envelope("member_joined", MEMBER))
        wait_until(lambda: knows_member(config), timeout=30)
        with ServiceRpcProxy("welfare", config, timeout=20) as proxy:
            proxy.deposit("innovation_rewards", {"amount_fen": 80_000, "source": "创新基金"})

        request_id = str(uuid.uuid4())
        holder.execute(text("INSERT INTO reward_payout (request_id, amount_fen, status, created_at) "
                            "VALUES (:id, 0, 'refused', now())"), {"id": request_id})
        dispatch("training", "reward_requested", envelope("reward_requested", {
            "request_id": request_id, "proposal_id": "p-1", "member_id": "601", "amount_fen": 30_000,
            "reason": "金点子"}))

        def handler_waiting() -> bool:
            with engine.connect() as conn:
                return bool(conn.scalar(text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND wait_event_type = 'Lock' AND query ILIKE 'INSERT INTO reward_payout%'")))

        wait_until(handler_waiting, timeout=30)  # the ledger rows are written, not committed
        service.kill()
        holder.rollback()

        def transactions() -> int:
            with engine.connect() as conn:
                return conn.scalar(text("SELECT count(*) FROM ledger_transaction WHERE ref_id = :id"),
                                   {"id": request_id})

        assert transactions() == 0  # the killed worker's writes died with it
        service.start()

        def paid() -> bool:
            with engine.connect() as conn:
                return conn.scalar(text("SELECT status FROM reward_payout WHERE request_id = :id"),
                                   {"id": request_id}) == "paid"

        wait_until(paid, timeout=60)
        assert transactions() == 1
        with ServiceRpcProxy("welfare", config, timeout=20) as proxy:
            funds = {f["code"]: f["balance_fen"] for f in proxy.list_funds()["items"]}
            check = proxy.trial_balance()
        assert funds["innovation_rewards"] == 50_000
        assert check["total_fen"] == 0 and check["unbalanced_transactions"] == 0
    finally:
        holder.close()
        service.stop()
        engine.dispose()


pytestmark = pytest.mark.postgres
