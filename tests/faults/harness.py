"""The platform's real processes, started one by one so a test can break any of them.

`make run` (deploy/launch.py) stops everything when one process dies; a fault
test wants the opposite: kill one service, keep the rest, start it again. So
`FaultPlatform` starts each component with launch.py's own `start` (the same
`nameko run` command line), against the private broker and database of the
fault tests, one log file per process. The checks at the end of every test
(`Ledger`) read the services' databases directly.
"""

from __future__ import annotations

import importlib
import os
import signal
import subprocess
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
from nameko.extensions import ENTRYPOINT_EXTENSIONS_ATTR
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine
from sqlalchemy.pool import NullPool

from deploy import launch
from services.chassis import migrate
from tests.faults.servers import PostgresCluster, RabbitNode, free_port
from tests.helpers import credit_code, member_body, wait_until

ADMIN_PASSWORD = "faults-admin-password"
API = "/api/v1"


@dataclass
class Process:
    component: str
    instance: int
    popen: subprocess.Popen
    log: Path
    metrics_port: int
    http_port: int | None = None

    @property
    def alive(self) -> bool:
        return self.popen.poll() is None


@dataclass
class FaultPlatform:
    """One test's platform: its own vhost, its own databases, its own processes."""

    name: str
    rabbit: RabbitNode
    postgres: PostgresCluster
    workdir: Path
    rpc_timeout: float = 5
    extra_env: dict[str, str] = field(default_factory=dict)
    processes: dict[tuple[str, int], Process] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.components = launch.components()
        self.services = [c for c in self.components if c != "gateway"]
        self.amqp_uri = self.rabbit.add_vhost(f"faults-{self.name}-{uuid.uuid4().hex[:6]}")
        self.database_urls = {c: self.postgres.create_database(f"{self.name}_{c}") for c in self.components}
        for component, url in self.database_urls.items():
            migrate.upgrade(component, url)
        self.env = {
            **os.environ, **self.extra_env,
            "AMQP_URI": self.amqp_uri, "VAR_DIR": str(self.workdir), "ADMIN_PASSWORD": ADMIN_PASSWORD,
            "GATEWAY_SECRET": "faults-gateway-secret", "RPC_TIMEOUT": str(self.rpc_timeout),
            "PYTHONUNBUFFERED": "1", "PYTHONWARNINGS": launch.QUIET_EVENTLET,
            "RATE_LIMIT_PER_MINUTE": "1000000",  # the writers all sign in as admin
        }
        for component, url in self.database_urls.items():
            self.env[f"{component.upper()}_DATABASE_URL"] = url
        subprocess.run([os.sys.executable, "-m", "gateway.accounts", "ensure-admin"], cwd=launch.ROOT,
                       env=self.env, check=True, capture_output=True)
        self._engines: dict[str, Engine] = {}
        self.gateway_port = free_port()

    # -- processes ---------------------------------------------------------------------------

    def start(self, component: str, instance: int = 0) -> Process:
        previous = self.processes.get((component, instance))
        assert previous is None or not previous.alive, f"{component}#{instance} is already running"
        metrics_port = previous.metrics_port if previous else free_port()
        http_port = previous.http_port if previous else (
            (self.gateway_port if instance == 0 else free_port()) if component == "gateway" else None)
        env = {**self.env, f"{component.upper()}_METRICS_PORT": str(metrics_port)}
        if http_port:
            env["WEB_SERVER_ADDRESS"] = f"127.0.0.1:{http_port}"
        log = self.workdir / f"{component}-{instance}.log"
        with open(log, "a") as out:
            popen = launch.start(component, env, stdout=out)
        process = Process(component, instance, popen, log, metrics_port, http_port)
        self.processes[(component, instance)] = process
        return process

    def start_all(self, instances: int = 1) -> None:
        for component in self.components:
            for instance in range(instances):
                self.start(component, instance)
        for component, instance in self.processes:
            if component != "gateway":
                self.wait_consuming(component, instance)
        self.wait_ready()

    def signal(self, component: str, sig: int = signal.SIGKILL, instance: int = 0) -> Process:
        process = self.processes[(component, instance)]
        process.popen.send_signal(sig)
        return process

    def kill(self, component: str, instance: int = 0) -> None:
        """SIGKILL: the process dies at once, whatever it was doing."""
        self.signal(component, signal.SIGKILL, instance).popen.wait(timeout=30)

    def wait_ready(self, timeout: float = 90) -> None:
        def ready() -> bool:
            for process in self.processes.values():
                assert process.alive, f"{process.component} exited:\n{self.log_tail(process)}"
            try:
                return requests.get(f"{self.url}/ready", timeout=5).status_code == 200
            except requests.RequestException:
                return False

        wait_until(ready, timeout=timeout, interval=0.3)

    def wait_consuming(self, component: str, instance: int = 0, timeout: float = 60) -> None:
        """Until this process serves its metrics, i.e. its container has started its entrypoints."""
        process = self.processes[(component, instance)]

        def up() -> bool:
            assert process.alive, f"{component} exited:\n{self.log_tail(process)}"
            try:
                return requests.get(f"http://127.0.0.1:{process.metrics_port}/metrics", timeout=2).ok
            except requests.RequestException:
                return False

        wait_until(up, timeout=timeout, interval=0.3)

    def stop_all(self) -> dict[str, int]:
        """SIGTERM every process (a clean stop) and return the exit codes."""
        for process in self.processes.values():
            if process.alive:
                process.popen.send_signal(signal.SIGTERM)
        codes = {}
        for (component, instance), process in self.processes.items():
            try:
                codes[f"{component}#{instance}"] = process.popen.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.popen.kill()
                codes[f"{component}#{instance}"] = process.popen.wait(timeout=10)
        for engine in self._engines.values():
            engine.dispose()
        return codes

    def kill_all(self) -> None:
        """The end of a test: its checks are done, no need to stop gracefully."""
        for process in self.processes.values():
            if process.alive:
                os.killpg(process.popen.pid, signal.SIGKILL)
            process.popen.wait(timeout=30)
        for engine in self._engines.values():
            engine.dispose()

    def log_tail(self, process: Process, chars: int = 4000) -> str:
        return process.log.read_text(errors="replace")[-chars:]

    def logs(self) -> str:
        """The end of every process's log, the gateway's first (where a client's trouble shows)."""
        processes = sorted(self.processes.values(), key=lambda p: (p.component != "gateway", p.component))
        return "\n".join(f"--- {p.component}#{p.instance}\n{self.log_tail(p, 3000)}" for p in processes)

    def metric(self, component: str, name: str, instance: int = 0, **labels: str) -> float:
        """The sum of a Prometheus sample over the series matching `labels`."""
        process = self.processes[(component, instance)]
        port = process.http_port if component == "gateway" else process.metrics_port
        body = requests.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
        total = 0.0
        for line in body.splitlines():
            if not line.startswith(name + "{") and not line.startswith(name + " "):
                continue
            series, value = line.rsplit(" ", 1)
            if all(f'{key}="{val}"' in series for key, val in labels.items()):
                total += float(value)
        return total

    # -- HTTP -------------------------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.gateway_port}"

    def session(self) -> requests.Session:
        http = requests.Session()
        response = http.post(f"{self.url}{API}/auth/login",
                             json={"username": "admin", "password": ADMIN_PASSWORD}, timeout=10)
        assert response.status_code == 200, response.text
        http.headers["Authorization"] = f"Bearer {response.json()['token']}"
        return http

    def create_union(self, http: requests.Session) -> str:
        suffix = uuid.uuid4().hex[:8]
        fed = http.post(f"{self.url}{API}/organisations", json={
            "name": f"市总工会{suffix}", "kind": "federation", "established_on": "1950-05-01"}, timeout=30)
        assert fed.status_code == 201, fed.text
        union = http.post(f"{self.url}{API}/organisations", json={
            "name": f"快递行业工会{suffix}", "kind": "grassroots", "parent_id": fed.json()["id"],
            "established_on": "2022-03-01",
            "employer": {"name": f"快递公司{suffix}", "credit_code": credit_code(), "size": "small"}}, timeout=30)
        assert union.status_code == 201, union.text
        return union.json()["id"]

    # -- databases ---------------------------------------------------------------------------

    def db(self, component: str) -> Engine:
        if component not in self._engines:
            self._engines[component] = create_engine(
                self.database_urls[component].replace("postgresql://", "postgresql+psycopg2://"),
                poolclass=NullPool)
        return self._engines[component]

    def rows(self, component: str, sql: str, **params: Any) -> list[Any]:
        with self.db(component).connect() as conn:
            return list(conn.execute(text(sql), params))


def handlers_of(component: str) -> dict[tuple[str, str], str]:
    """(source service, event type) -> the inbox name of the component's handler for it."""
    if component == "gateway":
        return {}
    cls = getattr(importlib.import_module(launch.SERVICE_CLASSES[component].split(":")[0]),
                  launch.SERVICE_CLASSES[component].split(":")[1])
    found = {}
    for attr in dir(cls):
        for entrypoint in getattr(getattr(cls, attr, None), ENTRYPOINT_EXTENSIONS_ATTR, ()):
            source, event_type = getattr(entrypoint, "source_service", None), getattr(entrypoint, "event_type", None)
            if source and event_type:
                found[(source, event_type)] = f"{component}.{attr}"
    return found


class Ledger:
    """What was accepted and what must therefore exist once, checked at the end of a test."""

    def __init__(self, platform: FaultPlatform):
        self.platform = platform
        self.accepted: dict[str, str] = {}      # id_number -> member id, for every 201
        self.refused: list[tuple[str, int]] = []  # (id_number, status) for every 503/504
        self.statuses: Counter = Counter()
        self.unexpected: list[str] = []  # any other answer, with its body: what a test reports

    def register(self, http: requests.Session, union: str, timeout: float = 30, url: str | None = None) -> int:
        body = member_body(union, name=f"会员{uuid.uuid4().hex[:6]}")
        try:
            response = http.post(f"{url or self.platform.url}{API}/members", json=body, timeout=timeout)
            status = response.status_code
        except requests.RequestException:
            status = 0  # no answer at all (the gateway itself was down)
        self.statuses[status] += 1
        if status == 201:
            self.accepted[body["id_number"]] = response.json()["id"]
        else:
            self.refused.append((body["id_number"], status))
            if status not in (0, 503, 504):
                self.unexpected.append(f"{status}: {response.text[:500]}")
                raise AssertionError(self.unexpected[-1])
        return status

    def assert_accepted_exist_once(self) -> None:
        """Every 201 is in membership's table exactly once, under the id the caller was given."""
        if not self.accepted:
            return
        rows = self.platform.rows("membership", "SELECT id, id_number FROM member WHERE id_number = ANY(:ids)",
                                  ids=list(self.accepted))
        found = Counter(row.id_number for row in rows)
        doubled = {k: v for k, v in found.items() if v > 1}
        assert not doubled, f"members written twice: {doubled}"
        missing = set(self.accepted) - set(found)
        assert not missing, f"{len(missing)} accepted members are missing"
        for row in rows:
            assert str(row.id) == self.accepted[row.id_number]

    def refused_written(self) -> set[str]:
        """Refused writes that were nevertheless made (allowed only for 504s and dropped answers)."""
        if not self.refused:
            return set()
        rows = self.platform.rows("membership", "SELECT id_number FROM member WHERE id_number = ANY(:ids)",
                                  ids=[i for i, _ in self.refused])
        return {row.id_number for row in rows}

    def assert_refusals_clean(self) -> None:
        """A 503 means nothing was written: the caller may safely try again."""
        written = self.refused_written()
        unavailable = {i for i, status in self.refused if status == 503}
        assert not (written & unavailable), f"answered 503 but written: {written & unavailable}"


def events_handled(platform: FaultPlatform, component: str) -> int:
    """Events the component's handlers recorded in its inbox (not the RPC requests it keeps there too)."""
    return platform.rows(component, "SELECT count(*) AS n FROM inbox WHERE handler NOT LIKE 'rpc:%'")[0].n


def assert_events_handled_once(platform: FaultPlatform, source: str = "membership",
                               consumers: tuple[str, ...] | None = None, timeout: float = 90) -> int:
    """Every event the source committed is published and handled exactly once by each consumer.

    Reads the source's outbox and each consumer's inbox. The inbox's key makes a
    second *recorded* handling impossible; what this proves is that none was
    lost (each committed event has its inbox row in every subscriber) and that
    the copies it fed agree with the source. Returns the number of events checked.
    """
    consumers = consumers or tuple(c for c in platform.services if c != source)
    expected: list[tuple[str, str, str]] = []  # (consumer, handler, event_id)

    def settled() -> bool:
        expected.clear()
        events = platform.rows(source, "SELECT event_id, event_type, published_at FROM outbox")
        if any(e.published_at is None for e in events):
            return False
        for consumer in consumers:
            handlers = {t: h for (s, t), h in handlers_of(consumer).items() if s == source}
            inbox = Counter((r.handler, r.event_id)
                            for r in platform.rows(consumer, "SELECT handler, event_id FROM inbox"))
            for event in events:
                handler = handlers.get(event.event_type)
                if handler is None:
                    continue
                expected.append((consumer, handler, event.event_id))
                if inbox[(handler, event.event_id)] != 1:
                    return False
        return True

    wait_until(settled, timeout=timeout, interval=0.5)
    return len(expected)


def assert_member_copies_agree(platform: FaultPlatform, consumers: tuple[str, ...] | None = None) -> int:
    """Each service's copy of every member has membership's latest revision and status."""
    source = {r.id: (r.revision, r.status)
              for r in platform.rows("membership", "SELECT id, revision, status FROM member")}
    consumers = consumers or tuple(c for c in platform.services
                                   if ("membership", "member_joined") in handlers_of(c))
    for consumer in consumers:

        def agree(consumer: str = consumer) -> bool:
            copy = {r.member_id: (r.revision, r.status)
                    for r in platform.rows(consumer, "SELECT member_id, revision, status FROM member_copy")}
            return copy == source

        wait_until(agree, timeout=60, interval=0.5)
    return len(source)


def poll(check: Any, timeout: float, interval: float = 0.1) -> Any:
    """`wait_until` with a message naming what was awaited."""
    return wait_until(check, timeout=timeout, interval=interval)


def elapsed_since(started: float) -> float:
    return time.monotonic() - started


def roster_csv(union: str, rows: int) -> tuple[bytes, list[str]]:
    """A roster of `rows` new members of `union`, and their ID numbers."""
    import csv
    import io

    from tests.helpers import resident_id

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["姓名", "身份证号", "手机号", "组织ID", "用工形式", "职业", "入会日期"])
    id_numbers = []
    for i in range(rows):
        # resident_id varies the 3-digit sequence: a new birth date every 900 rows keeps them unique
        id_number = resident_id(f"1988{1 + i // 25200:02d}{1 + (i // 900) % 28:02d}")
        id_numbers.append(id_number)
        writer.writerow([f"导入会员{i}", id_number, "13912345678", union, "new_form", "骑手", "2022-05-01"])
    return out.getvalue().encode("utf-8-sig"), id_numbers


def import_events(rows: int) -> int:
    """The `members_imported` events a roster of `rows` good rows makes: one per chunk."""
    from services.membership.roster_import import CHUNK

    return -(-rows // CHUNK)


def start_import(platform: FaultPlatform, http: requests.Session, union: str, rows: int) -> tuple[str, list[str]]:
    content, id_numbers = roster_csv(union, rows)
    response = http.post(f"{platform.url}{API}/members/imports",
                         files={"file": ("roster.csv", content, "text/csv")}, timeout=60)
    assert response.status_code == 202, response.text
    return response.json()["id"], id_numbers


def assert_each_once(platform: FaultPlatform, id_numbers: list[str]) -> None:
    rows = platform.rows("membership", "SELECT id_number, count(*) AS n FROM member WHERE id_number = ANY(:ids) "
                         "GROUP BY id_number", ids=id_numbers)
    counts = {row.id_number: row.n for row in rows}
    assert len(counts) == len(id_numbers), f"{len(id_numbers) - len(counts)} members missing"
    assert max(counts.values()) == 1, "a member was written twice"


def wait_import_done(platform: FaultPlatform, http: requests.Session, import_id: str, timeout: float = 120) -> dict:
    return wait_until(lambda: (j := http.get(f"{platform.url}{API}/members/imports/{import_id}", timeout=30).json())
                      .get("status") == "done" and j, timeout=timeout, interval=0.5)


def fund_rewards(platform: FaultPlatform, http: requests.Session, amount_fen: int) -> None:
    deposit = http.post(f"{platform.url}{API}/funds/innovation_rewards/deposits",
                        json={"amount_fen": amount_fen, "source": "市总工会拨款"}, timeout=30)
    assert deposit.status_code == 201, deposit.text


def adopt_proposals(platform: FaultPlatform, http: requests.Session, member_id: str, count: int,
                    reward_fen: int, url: str | None = None) -> list[int]:
    """Golden ideas adopted with a reward: each makes training ask welfare for a payout."""
    wait_until(lambda: platform.rows("training", "SELECT 1 FROM member_copy WHERE member_id = :id",
                                     id=int(member_id)), timeout=60)
    ids = []
    for i in range(count):
        made = http.post(f"{url or platform.url}{API}/proposals", json={
            "member_id": member_id, "title": f"节材方案{i}", "summary": "减少边角料"}, timeout=30)
        assert made.status_code == 201, made.text
        ids.append(int(made.json()["id"]))
        adopted = http.post(f"{url or platform.url}{API}/proposals/{made.json()['id']}/review",
                            json={"decision": "adopted", "score": 90, "reward_fen": reward_fen}, timeout=30)
        assert adopted.status_code == 200, adopted.text
    return ids


def assert_rewards_paid_once(platform: FaultPlatform, http: requests.Session, proposals: list[int]) -> None:
    """Each proposal paid once: one payout and one ledger transaction per request, the one training
    recorded; the ledger balances (trial balance) with no entry doubled."""
    wait_until(lambda: platform.rows("training", "SELECT count(*) AS n FROM proposal WHERE status = 'paid' "
                                                 "AND id = ANY(:ids)", ids=proposals)[0].n == len(proposals),
               timeout=120, interval=0.5)
    asked = {r.reward_request_id: r.payout_transaction_id for r in platform.rows(
        "training", "SELECT reward_request_id, payout_transaction_id FROM proposal WHERE id = ANY(:ids)",
        ids=proposals)}
    paid = {r.request_id: str(r.transaction_id) for r in platform.rows(
        "welfare", "SELECT request_id, transaction_id FROM reward_payout WHERE request_id = ANY(:ids)",
        ids=list(asked))}
    assert paid == asked and len(paid) == len(proposals)
    per_request = platform.rows("welfare", "SELECT ref_id, count(*) AS n FROM ledger_transaction "
                                           "WHERE ref_type = 'reward_request' AND ref_id = ANY(:ids) GROUP BY ref_id",
                                ids=list(asked))
    assert {r.ref_id: r.n for r in per_request} == dict.fromkeys(asked, 1)
    balance = http.get(f"{platform.url}{API}/ledger/trial-balance", timeout=30)
    assert balance.status_code == 200, balance.text
    figures = balance.json()
    assert figures["total_fen"] == 0 and figures["unbalanced_transactions"] == 0, figures
    assert not figures["running_balance_mismatches"] and not figures["funds_below_zero"], figures
    assert platform.rows("welfare", "SELECT coalesce(sum(amount_fen), 0) AS s FROM ledger_entry")[0].s == 0
