"""Benchmarks of whole flows: event lag, claim approve+pay, the annual report, memory per process.

Each function drives the running platform through its public API (as `bench.run`
does) and reads what it needs to measure from the services' own databases after
the fact, never from inside the processes.

- Event lag: members are registered at a fixed rate (200 writes/s by default)
  for a while; each `member_joined` event's lag is the time from the row in
  membership's outbox (written in the registering transaction) to the row in a
  consumer's inbox (written in the handling transaction): commit to handled.
- Claim approve+pay: claims filed beforehand, then approved and paid by a few
  concurrent clients; one operation is the two calls.
- Annual report: `GET /api/v1/reports/annual` one at a time.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import psycopg2
import requests


@dataclass
class Timed:
    """Latencies of one kind of operation, in seconds, and how long the run took."""

    name: str
    samples: list[float] = field(default_factory=list)
    failures: int = 0
    seconds: float = 0.0
    note: str = ""

    def percentile(self, q: float) -> float | None:
        if not self.samples:
            return None
        ordered = sorted(self.samples)
        return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))] * 1000

    @property
    def rps(self) -> float:
        return len(self.samples) / self.seconds if self.seconds else 0.0


# --------------------------------------------------------------------------- event lag

def paced_writes(send, rate: float, seconds: float, workers: int = 32) -> Timed:
    """Call `send(i)` at `rate` a second for `seconds`, from a pool of threads (an open loop)."""
    timed = Timed("paced writes")
    total = int(rate * seconds)
    lock = threading.Lock()
    next_index = [0]
    started = time.perf_counter()

    def worker() -> None:
        while True:
            with lock:
                index = next_index[0]
                if index >= total:
                    return
                next_index[0] += 1
            due = started + index / rate
            delay = due - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            t0 = time.perf_counter()
            ok = send(index)
            elapsed = time.perf_counter() - t0
            with lock:
                if ok:
                    timed.samples.append(elapsed)
                else:
                    timed.failures += 1

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    timed.seconds = time.perf_counter() - started
    return timed


def event_lags(producer_dsn: str, consumer_dsn: str, event_type: str, since: Any,
               wait_s: float = 120) -> tuple[list[float], int]:
    """Lag (s) of each `event_type` event written since `since`, from outbox row to inbox row.

    Waits until every such event is in the consumer's inbox (or `wait_s` passes);
    returns the lags and how many events were still unhandled.
    """
    with psycopg2.connect(producer_dsn) as conn, conn.cursor() as cursor:
        cursor.execute("SELECT event_id, created_at FROM outbox WHERE event_type = %s AND created_at >= %s",
                       (event_type, since))
        written = dict(cursor.fetchall())
    conn.close()
    handled: dict[str, Any] = {}
    deadline = time.monotonic() + wait_s
    consumer = psycopg2.connect(consumer_dsn)
    consumer.autocommit = True
    try:
        while True:
            with consumer.cursor() as cursor:
                cursor.execute("SELECT event_id, min(processed_at) FROM inbox WHERE event_id = ANY(%s) "
                               "GROUP BY event_id", (list(written),))
                handled = dict(cursor.fetchall())
            if len(handled) >= len(written) or time.monotonic() > deadline:
                break
            time.sleep(0.5)
    finally:
        consumer.close()
    lags = [(handled[event_id] - created).total_seconds() for event_id, created in written.items()
            if event_id in handled]
    return lags, len(written) - len(handled)


# --------------------------------------------------------------------------- claims

def prepare_claims(http: requests.Session, base: str, organisation_ids: list[str], count: int,
                   year: int) -> list[str]:
    """A plan for `year` (if none yet), `count` members of the given unions enrolled, one claim filed each."""
    plans = http.get(f"{base}/api/v1/mutual-aid/plans", params={"year": year}, timeout=60).json()["items"]
    if plans:
        plan_id = plans[0]["id"]
    else:
        plan = http.post(f"{base}/api/v1/mutual-aid/plans", timeout=60, json={
            "year": year, "premium_fen": 5_000, "annual_cap_fen": 5_000_000,
            "caps": {"hospitalisation": 2_000_000, "accident": 2_000_000, "critical_illness": 5_000_000}})
        plan.raise_for_status()
        plan_id = plan.json()["id"]
    # premiums alone would not cover a payout per member: the federation tops the pool up, as it does
    deposit = http.post(f"{base}/api/v1/funds/mutual_aid/deposits", timeout=60, json={
        "amount_fen": count * 100_000, "source": "市总工会拨款", "memo": "benchmark"})
    deposit.raise_for_status()
    claims: list[str] = []
    per_union = max(1, -(-count // len(organisation_ids)))
    for organisation_id in organisation_ids:
        page = http.get(f"{base}/api/v1/members", timeout=60,
                        params={"organisation_id": organisation_id, "status": "active", "limit": per_union})
        member_ids = [m["id"] for m in page.json()["items"]]
        if not member_ids:
            continue
        enrolled = http.post(f"{base}/api/v1/mutual-aid/enrolments", timeout=300, json={
            "plan_id": plan_id, "organisation_id": organisation_id, "member_ids": member_ids})
        enrolled.raise_for_status()
        for member_id in member_ids:
            claim = http.post(f"{base}/api/v1/mutual-aid/claims", timeout=60, json={
                "plan_id": plan_id, "member_id": member_id, "kind": "hospitalisation",
                "incurred_on": date.today().isoformat(), "amount_claimed_fen": 120_000})
            claim.raise_for_status()
            claims.append(claim.json()["id"])
            if len(claims) >= count:
                return claims
    return claims


def approve_and_pay(token: str, base: str, claim_ids: list[str], clients: int = 10) -> Timed:
    """Approve then pay each claim; `clients` at a time, each as soon as its last one is done."""
    timed = Timed("claim approve+pay")
    local = threading.local()
    lock = threading.Lock()

    def one(claim_id: str) -> None:
        http = getattr(local, "http", None)
        if http is None:
            http = local.http = requests.Session()
            http.headers["Authorization"] = f"Bearer {token}"
        t0 = time.perf_counter()
        approved = http.post(f"{base}/api/v1/mutual-aid/claims/{claim_id}/approve",
                             json={"amount_approved_fen": 100_000}, timeout=60)
        paid = http.post(f"{base}/api/v1/mutual-aid/claims/{claim_id}/pay", json={}, timeout=60) \
            if approved.status_code == 200 else None
        elapsed = time.perf_counter() - t0
        with lock:
            if paid is not None and paid.status_code == 200:
                timed.samples.append(elapsed)
            else:
                timed.failures += 1
                if not timed.note:
                    failed = paid if paid is not None else approved
                    timed.note = f"first failure: {failed.status_code} {failed.text[:200]}"

    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(one, claim_ids))
    timed.seconds = time.perf_counter() - started
    return timed


# --------------------------------------------------------------------------- the annual report

def annual_report(http: requests.Session, base: str, year: int, times: int = 40) -> Timed:
    timed = Timed("annual report")
    started = time.perf_counter()
    for _ in range(times):
        t0 = time.perf_counter()
        response = http.get(f"{base}/api/v1/reports/annual", params={"year": year}, timeout=60)
        if response.status_code == 200:
            timed.samples.append(time.perf_counter() - t0)
        else:
            timed.failures += 1
            timed.note = timed.note or f"first failure: {response.status_code} {response.text[:200]}"
    timed.seconds = time.perf_counter() - started
    return timed


# --------------------------------------------------------------------------- memory

def process_memory(launcher_pid: int) -> dict[str, float]:
    """Resident memory (MB) of each process the launcher started, named by its component."""
    memory: dict[str, float] = {}
    children = Path(f"/proc/{launcher_pid}/task/{launcher_pid}/children")
    pids = children.read_text().split() if children.exists() else []
    for pid in pids:
        try:
            environ = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        name = next((item.split(b"=", 1)[1].decode() for item in environ if item.startswith(b"SERVICE_NAME=")),
                    f"pid {pid}")
        rss_kb = next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0)
        key = name
        suffix = 2
        while key in memory:
            key = f"{name} #{suffix}"
            suffix += 1
        memory[key] = rss_kb / 1024
    return memory
