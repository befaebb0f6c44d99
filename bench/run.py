"""End-to-end benchmark of the platform: seed through the API, time an import, load-test with wrk or locust.

    python -m bench.run [--quick] [--database postgresql|sqlite] [--tool wrk|locust] [--users N]
                        [--max-workers N] [--results PATH]

Starts its own copy of the platform (`python -m deploy.launch`) on port 8600 with
its own RabbitMQ vhost (union-bench), its own databases (bench_membership,
bench_welfare, bench_gateway, dropped and created again) and VAR_DIR
(/tmp/bench-var), and writes what it measured to bench/RESULTS.md. Timings are
recorded, never asserted.

The load scenarios run with wrk by default (bench/wrk/scenario.lua, 2 threads,
--users connections) or with locust (bench/locustfile.py, --users users). Both
share the machine's cores with the platform; wrk costs far less CPU per request.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import os
import platform
import random
import re
import resource
import secrets
import shutil
import signal
import subprocess
import sys
import threading
import time
import warnings
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg2
import requests
from faker import Faker

from services.chassis.identity import complete_credit_code, complete_resident_id

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
RESULTS = BENCH / "RESULTS.md"

GATEWAY_PORT = 8600
BASE_URL = f"http://127.0.0.1:{GATEWAY_PORT}"
METRICS_PORTS = {"membership": 9601, "welfare": 9602, "training": 9603, "rights": 9604}
VAR_DIR = Path(os.environ.get("BENCH_VAR_DIR", "/tmp/bench-var"))
VHOST = "union-bench"
AMQP_URI = f"amqp://guest:guest@127.0.0.1:5672/{VHOST}"
PG_ADMIN_DSN = os.environ.get("BENCH_PG_DSN", "host=127.0.0.1 port=5432 user=postgres dbname=postgres")
PG_URL = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432")
DATABASES = {"membership": "bench_membership", "welfare": "bench_welfare", "training": "bench_training",
             "rights": "bench_rights", "gateway": "bench_gateway"}

SEED_REGION = "370781"
FIRST_BIRTHDAY = date(1960, 1, 1)
OCCUPATIONS = ("快递员", "外卖骑手", "网约车司机", "货车司机", "焊工", "电工", "护工", "保洁员", "教师", "车工", "")
ROSTER_HEADER = ("name", "id_number", "phone", "organisation_id", "employment_form", "occupation", "joined_on")
SEED_FILE_ROWS = 25_000  # ~2 MB of CSV a file, well under the 20 MB upload limit

WRK = shutil.which("wrk") or "/usr/bin/wrk"
WRK_SCRIPT = BENCH / "wrk" / "scenario.lua"
WRK_THREADS = 2
WRK_TIMEOUT_S = 10
DEFAULT_USERS = 10
SEARCH_TERMS = 60  # how many one-character surnames, and how many two-character prefixes

TARGETS = {
    "reads": "member read at 800 req/s or more with p99 under 30 ms (150,000 members loaded)",
    "lag": "event lag (commit to handled in another service) p99 under 100 ms at 200 writes/s",
    "import": "roster import at 1,000 rows/s or more",
    "report": "the annual report in under 1 s",
    "memory": "each service under 150 MB RSS",
}
KEEP_BELOW = "<!-- Sections below are written by other tools (make demo); bench.run keeps them. -->"
LAG_RATE = 200  # writes a second while event lag is measured


def say(message: str) -> None:
    print(f"[bench {datetime.now():%H:%M:%S}] {message}", flush=True)


@dataclass
class Plan:
    quick: bool
    database: str
    tool: str
    users: int
    max_workers: int | None
    seed_members: int
    import_rows: int
    duration_s: int


@dataclass
class ImportFigures:
    rows: int
    imported: int = 0
    failed: int = 0
    to_done_s: float | None = None
    to_events_s: float | None = None
    welfare_active: int | None = None
    cpu_ms: dict[str, float] = field(default_factory=dict)
    note: str = ""


@dataclass
class LoadFigures:
    scenario: str
    endpoint: str
    requests: int = 0
    failures: int = 0
    rps: float = 0.0
    p50_ms: float | None = None
    p99_ms: float | None = None
    avg_ms: float | None = None
    max_ms: float | None = None
    failure_kinds: list[str] = field(default_factory=list)
    server_ms: dict[str, float | None] = field(default_factory=dict)
    cpu_ms: dict[str, float] = field(default_factory=dict)
    note: str = ""


@dataclass
class Report:
    plan: Plan
    started: datetime
    seed: ImportFigures | None = None
    seed_events_s: float | None = None
    measured: ImportFigures | None = None
    loads: list[LoadFigures] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    total_s: float | None = None
    source_start: dict[str, str] = field(default_factory=dict)
    source_end: dict[str, str] = field(default_factory=dict)
    single: LoadFigures | None = None
    floors: list[Any] = field(default_factory=list)
    writes: Any = None
    lags: dict[str, tuple[list[float], int]] = field(default_factory=dict)
    claims: Any = None
    annual: Any = None
    memory: dict[str, float] = field(default_factory=dict)


# --------------------------------------------------------------------------- environment

def reset_vhost() -> None:
    """A clean vhost of our own: no queue or message left over from an earlier run."""
    rabbitmqctl = shutil.which("rabbitmqctl") or "/usr/sbin/rabbitmqctl"
    if not Path(rabbitmqctl).exists():
        say(f"rabbitmqctl not found; assuming vhost {VHOST} exists")
        return
    subprocess.run([rabbitmqctl, "-q", "delete_vhost", VHOST], capture_output=True, check=False)
    subprocess.run([rabbitmqctl, "-q", "add_vhost", VHOST], capture_output=True, check=True)
    subprocess.run([rabbitmqctl, "-q", "set_permissions", "-p", VHOST, "guest", ".*", ".*", ".*"],
                   capture_output=True, check=True)


def fresh_databases(kind: str) -> dict[str, str]:
    """Environment variables pointing every component at a brand-new database."""
    if kind == "sqlite":
        return {f"{name.upper()}_DATABASE_URL": f"sqlite:///{VAR_DIR / (name + '.db')}" for name in DATABASES}
    conn = psycopg2.connect(PG_ADMIN_DSN)
    conn.autocommit = True
    with conn.cursor() as cur:
        for dbname in DATABASES.values():
            cur.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
            cur.execute(f'CREATE DATABASE "{dbname}"')
    conn.close()
    return {f"{name.upper()}_DATABASE_URL": f"{PG_URL}/{dbname}" for name, dbname in DATABASES.items()}


def analyze(env: dict[str, str]) -> None:
    """ANALYZE the benchmark's databases, as autovacuum would soon after a bulk load.

    Without statistics PostgreSQL guesses how many members a name search matches, and a guess
    can send a common surname through the name index instead of walking the ids (about 70 times slower
    in one check: 12 ms against 0.17 ms). Autovacuum may be off on the server (it is reported under Machine).
    """
    for name in DATABASES:
        url = env[f"{name.upper()}_DATABASE_URL"]
        conn = psycopg2.connect(url)
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute("ANALYZE")
        conn.close()


PLATFORM_SOURCES = ("services", "gateway", "deploy")


def source_state() -> dict[str, str]:
    """Which platform code ran: HEAD (`git log -1`), a digest of the platform's source files and those
    modified after HEAD was committed (edits not committed yet, most likely)."""
    state = {"head": "unknown", "digest": "", "modified": ""}
    committed = None
    try:
        result = subprocess.run(["git", "log", "-1", "--format=%h%x00%ct%x00%s"], cwd=ROOT, capture_output=True,
                                text=True, timeout=30, check=False)
        short, stamp, subject = result.stdout.strip().split("\0", 2)
        committed = int(stamp)
        state["head"] = f"{short} ({datetime.fromtimestamp(committed, UTC):%Y-%m-%d %H:%M:%S} UTC) {subject[:70]}"
    except (OSError, ValueError, subprocess.SubprocessError):
        pass
    digest = hashlib.sha256()
    modified = []
    for top in PLATFORM_SOURCES:
        for path in sorted((ROOT / top).rglob("*")):
            if not path.is_file() or "__pycache__" in path.parts or path.suffix not in (".py", ".yaml", ".yml"):
                continue
            relative = str(path.relative_to(ROOT))
            digest.update(relative.encode() + b"\0" + path.read_bytes() + b"\0")
            if committed is not None and path.stat().st_mtime > committed + 1:
                modified.append(relative)
    state["digest"] = digest.hexdigest()[:12]
    state["modified"] = ", ".join(modified)
    return state


def other_nameko_processes() -> int:
    """How many `nameko run` processes are up before ours start (another copy of the platform, tests)."""
    count = 0
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            args = cmdline.read_bytes().split(b"\0")
        except OSError:
            continue
        if b"nameko" in args and b"run" in args:
            count += 1
    return count


def machine(database: str) -> dict[str, str]:
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory = "unknown"
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal"):
            memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
            break
    db = database
    if database == "postgresql":
        try:
            conn = psycopg2.connect(PG_ADMIN_DSN)
            with conn.cursor() as cur:
                cur.execute("SHOW server_version")
                version = cur.fetchone()[0]
                cur.execute("SHOW autovacuum")
                autovacuum = cur.fetchone()[0]
                db = (f"PostgreSQL {version} (127.0.0.1, local; autovacuum {autovacuum}, so the benchmark "
                      "runs ANALYZE itself once the data is in)")
            conn.close()
        except psycopg2.Error:
            db = "PostgreSQL"
    else:
        import sqlite3

        db = f"SQLite {sqlite3.sqlite_version} (files under {VAR_DIR})"
    others = other_nameko_processes()
    return {
        "load average at start (1, 5, 15 min)": ", ".join(Path("/proc/loadavg").read_text().split()[:3]),
        "other nameko processes at start": f"{others} (not this benchmark's; they share the cores)" if others
        else "none",
        "nproc": str(os.cpu_count()),
        "CPU": cpu,
        "memory": memory,
        "Python": platform.python_version(),
        "OS": f"{platform.system()} {platform.release()}",
        "database": db,
        "broker": "RabbitMQ, local (127.0.0.1:5672, vhost union-bench)",
    }


# --------------------------------------------------------------------------- the platform

class Platform:
    def __init__(self, env: dict[str, str]):
        self.env = env
        self.log_path = VAR_DIR / "platform.log"
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        self.log = self.log_path.open("w")
        self.proc = subprocess.Popen([sys.executable, "-m", "deploy.launch"], cwd=ROOT, env=self.env,
                                     stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        say(f"platform launcher started (pid {self.proc.pid}); log: {self.log_path}")

    def wait_ready(self, seconds: float = 180) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the launcher exited with code {self.proc.returncode}; see {self.log_path}")
            try:
                if requests.get(f"{BASE_URL}/ready", timeout=5).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(1)
        raise RuntimeError(f"/ready did not answer 200 within {seconds:.0f} s; see {self.log_path}")

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        say(f"stopping the platform (SIGTERM to launcher pid {self.proc.pid})")
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            say("the launcher did not stop within 60 s; killing its process group")
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)
        self.log.close()


# --------------------------------------------------------------------------- the API

class Api:
    def __init__(self, password: str):
        self.http = requests.Session()
        response = self.http.post(f"{BASE_URL}/api/v1/auth/login",
                                  json={"username": "admin", "password": password}, timeout=30)
        response.raise_for_status()
        self.token = response.json()["token"]
        self.http.headers["Authorization"] = f"Bearer {self.token}"

    def call(self, method: str, path: str, expect: int = 200, **kwargs: Any) -> Any:
        kwargs.setdefault("timeout", 60)
        response = self.http.request(method, f"{BASE_URL}{path}", **kwargs)
        if response.status_code != expect:
            raise RuntimeError(f"{method} {path}: {response.status_code} {response.text[:500]}")
        return response.json()


def create_organisations(api: Api, count: int) -> list[str]:
    federation = api.call("POST", "/api/v1/organisations", 201, json={
        "name": "基准测试市总工会", "kind": "federation", "established_on": "1990-01-01"})
    sizes = ("micro", "small", "medium", "large")
    ids = []
    for n in range(1, count + 1):
        body17 = f"91370781MA{n:07d}"
        org = api.call("POST", "/api/v1/organisations", 201, json={
            "name": f"基准测试第{n}基层工会", "kind": "grassroots", "parent_id": federation["id"],
            "employer": {"name": f"基准测试企业{n}有限公司", "credit_code": complete_credit_code(body17),
                         "size": sizes[n % len(sizes)]},
            "established_on": "2000-01-01",
        })
        ids.append(org["id"])
    return ids


class Roster:
    """Valid, unique members: Faker zh_CN names, ID numbers from a counter."""

    def __init__(self, organisations: list[str], seed: int = 20240501):
        self.organisations = organisations
        self.fake = Faker("zh_CN")
        self.fake.seed_instance(seed)
        self.random = random.Random(seed)
        self.serial = 0

    def id_number(self) -> str:
        n = self.serial
        self.serial += 1
        born = FIRST_BIRTHDAY + timedelta(days=n // 1000)
        return complete_resident_id(f"{SEED_REGION}{born:%Y%m%d}{n % 1000:03d}")

    def csv(self, rows: int) -> bytes:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(ROSTER_HEADER)
        rnd = self.random
        for _ in range(rows):
            writer.writerow((
                self.fake.name(), self.id_number(), f"1{rnd.choice('3456789')}{rnd.randrange(10**9):09d}",
                rnd.choice(self.organisations), "new_form" if rnd.random() < 0.3 else "standard",
                rnd.choice(OCCUPATIONS), (date(2001, 1, 1) + timedelta(days=rnd.randrange(8000))).isoformat(),
            ))
        return out.getvalue().encode("utf-8")


def post_import(api: Api, content: bytes, filename: str) -> str:
    job = api.call("POST", "/api/v1/members/imports", 202,
                   files={"file": (filename, content, "text/csv")}, timeout=300)
    return job["id"]


def wait_import(api: Api, job_id: str, timeout: float, interval: float = 0.25) -> dict:
    deadline = time.monotonic() + timeout
    job: dict = {}
    while time.monotonic() < deadline:
        job = api.call("GET", f"/api/v1/members/imports/{job_id}")
        if job["status"] in ("done", "failed"):
            return job
        time.sleep(interval)
    raise TimeoutError(f"import {job_id} not done within {timeout:.0f} s (last: {job.get('status')}, "
                       f"{job.get('processed')}/{job.get('total')})")


class Welfare:
    """welfare.member_copy_counts() over RPC, as another service would ask."""

    def __init__(self) -> None:
        warnings.filterwarnings("ignore", category=DeprecationWarning)  # eventlet's, on import
        from nameko.standalone.rpc import ClusterRpcProxy

        self.proxy = ClusterRpcProxy({"AMQP_URI": AMQP_URI, "serializer": "json"}, timeout=30)
        self.cluster = self.proxy.start()

    def active(self) -> int:
        return int(self.cluster.welfare.member_copy_counts()["active"])

    def wait_active(self, expected: int, stall_timeout: float, interval: float = 0.25) -> tuple[bool, int]:
        """Poll until `expected` active copies; give up after `stall_timeout` s without progress."""
        last, last_change = -1, time.monotonic()
        while True:
            active = self.active()
            if active >= expected:
                return True, active
            if active != last:
                last, last_change = active, time.monotonic()
            elif time.monotonic() - last_change > stall_timeout:
                return False, active
            time.sleep(interval)

    def close(self) -> None:
        self.proxy.stop()


def collect_members(api: Api, limit: int | None = None) -> tuple[list[str], list[str]]:
    """Every member id (paging the public search) and the names seen."""
    ids: list[str] = []
    names: list[str] = []
    cursor = None
    while True:
        params = {"limit": 500, **({"cursor": cursor} if cursor else {})}
        page = api.call("GET", "/api/v1/members", params=params)
        for member in page["items"]:
            ids.append(member["id"])
            names.append(member["name"])
        cursor = page["next_cursor"]
        if not cursor or (limit and len(ids) >= limit):
            return ids, names


def surname_terms(names: list[str], count: int = SEARCH_TERMS) -> list[str]:
    """The most common one-character surnames in the data: what a clerk types to find someone.

    Compound surnames (欧阳 and the like) are left out, so every term is one character.
    """
    from faker.providers.person.zh_CN import Provider

    compound = tuple(s for s in Provider.last_names if len(s) > 1)
    surnames = Counter(name[0] for name in names if name and not name.startswith(compound))
    return [s for s, _ in surnames.most_common(count)]


def prefix_terms(names: list[str], rnd: random.Random, count: int = SEARCH_TERMS) -> list[str]:
    """Two-character name prefixes (surname and first given character) of randomly chosen members.

    Most match fewer members than a page holds. If the platform matches names anywhere ("contains"),
    the database must read the whole table for each of them: the slower case. A "starts with" match
    can use the name index instead.
    """
    prefixes = sorted({name[:2] for name in rnd.sample(names, min(len(names), 400)) if len(name) >= 2})
    return rnd.sample(prefixes, min(len(prefixes), count))


# --------------------------------------------------------------------------- metrics

METRIC_LINE = re.compile(r'^(?P<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(?P<labels>[^}]*)\})? (?P<value>\S+)$')


def scrape() -> dict[tuple[str, str], float]:
    """Every sample of the gateway's and the services' /metrics, keyed by (name, labels)."""
    samples: dict[tuple[str, str], float] = {}
    urls = [f"{BASE_URL}/metrics", *[f"http://127.0.0.1:{port}/metrics" for port in METRICS_PORTS.values()]]
    for url in urls:
        try:
            text = requests.get(url, timeout=10).text
        except requests.RequestException:
            continue
        for line in text.splitlines():
            match = METRIC_LINE.match(line)
            if match and not line.startswith("#"):
                try:
                    samples[(match["name"], match["labels"] or "")] = float(match["value"])
                except ValueError:
                    pass
    return samples


def mean_delta(before: dict, after: dict, name: str, must_contain: str) -> tuple[float | None, int]:
    """Mean of a summary/histogram over the interval: (delta sum / delta count) for matching labels."""
    total = count = 0.0
    for (metric, labels), value in after.items():
        if metric == f"{name}_count" and must_contain in labels:
            count += value - before.get((metric, labels), 0.0)
            total += after.get((f"{name}_sum", labels), 0.0) - before.get((f"{name}_sum", labels), 0.0)
    return (total / count * 1000 if count else None), int(count)


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
LOAD_GENERATOR = "load generator"


def _proc_stat(pid: str) -> tuple[str, int, float] | None:
    """(command name, parent pid, CPU seconds) of a process, from /proc/<pid>/stat."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    comm = text[text.index("(") + 1:text.rindex(")")]
    fields = text[text.rindex(")") + 2:].split()
    return comm, int(fields[1]), (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def cpu_snapshot(launcher_pid: int) -> dict[str, float]:
    """CPU seconds so far: the machine as a whole, each platform process, RabbitMQ, PostgreSQL, locust."""
    values = Path("/proc/stat").read_text().splitlines()[0].split()[1:9]
    ticks = [int(v) for v in values]
    snapshot = {"machine busy": (sum(ticks) - ticks[3] - ticks[4]) / CLOCK_TICKS,
                "machine total": sum(ticks) / CLOCK_TICKS}
    children = {}
    for entry in Path("/proc").glob("[0-9]*"):
        stat = _proc_stat(entry.name)
        if stat is None:
            continue
        comm, ppid, seconds = stat
        group = {"beam.smp": "RabbitMQ (whole broker)", "postgres": "PostgreSQL (all databases)"}.get(comm)
        if group:
            snapshot[group] = snapshot.get(group, 0.0) + seconds
        elif ppid == launcher_pid:
            children[entry.name] = seconds
    for pid, seconds in children.items():
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
        except OSError:
            continue
        for component in ("membership", "welfare", "training", "rights", "gateway"):
            if f"{component}.service" in cmdline:
                snapshot[component] = seconds
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)  # wrk or locust, once it has been waited for
    snapshot[LOAD_GENERATOR] = usage.ru_utime + usage.ru_stime
    return snapshot


def cpu_per_request(before: dict[str, float], after: dict[str, float], requests_: int) -> dict[str, float]:
    """CPU milliseconds per request of each part, and how busy the machine was (percent of all cores)."""
    delta = {key: after.get(key, 0.0) - before.get(key, 0.0) for key in after}
    result = {"machine busy %": 100 * delta["machine busy"] / delta["machine total"] if delta["machine total"] else 0}
    for key in ("gateway", "membership", "welfare", "training", "rights", "RabbitMQ (whole broker)",
                "PostgreSQL (all databases)", LOAD_GENERATOR):
        if key in delta and requests_:
            result[key] = 1000 * delta[key] / requests_
    return result


# Where the time of one request goes: (label, metric, label filter) per scenario.
BREAKDOWN = {
    "get_member": ("get_member", "get_member"),
    "search": ("search_members", "search_members"),
    "search_prefix": ("search_members", "search_members"),
    "create": ("register_member", "register_member"),
}


def breakdown(scenario: str, before: dict, after: dict) -> dict[str, float | None]:
    route, method = BREAKDOWN[scenario]
    http, count = mean_delta(before, after, "union_http_request_latency_seconds", f'route="{route}"')
    rpc, _ = mean_delta(before, after, "union_rpc_call_latency_seconds", f'method="{method}"')
    handler, _ = mean_delta(before, after, "union_entrypoint_latency_seconds",
                            f'entrypoint="{method}",kind="rpc",service="membership"')
    return {"gateway": http, "rpc": rpc, "membership": handler, "requests": count}


# --------------------------------------------------------------------------- load generators

SCENARIOS = ("get_member", "search", "search_prefix", "create")
TITLES = {
    "get_member": "get_member",
    "search": "search",
    "search_prefix": "search (2-char prefix)",
    "create": "create",
}
ENDPOINTS = {
    "get_member": "GET /api/v1/members/{id}",
    "search": "GET /api/v1/members?q=<one-character surname>",
    "search_prefix": "GET /api/v1/members?q=<two-character name prefix>",
    "create": "POST /api/v1/members",
}
READS = ("get_member", "search", "search_prefix")


def wrk_version() -> str:
    try:
        result = subprocess.run([WRK, "--version"], capture_output=True, text=True, timeout=10, check=False)
    except OSError:
        return "wrk (version unknown)"
    first = (result.stdout or result.stderr).splitlines()[:1]
    match = re.match(r"wrk (\S+)", first[0]) if first else None
    return f"wrk {match[1]}" if match else "wrk (version unknown)"


_WRK_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


def _wrk_ms(text: str) -> float | None:
    match = re.fullmatch(r"([0-9.]+)(us|ms|s|m|h)", text)
    return float(match[1]) * _WRK_UNITS_MS[match[2]] if match else None


def parse_wrk(output: str, figures: LoadFigures) -> None:
    """Fill in figures from wrk's text output (run with --latency and bench/wrk/scenario.lua)."""
    if match := re.search(r"^\s*Latency\s+(\S+)\s+(\S+)\s+(\S+)\s+\S+\s*$", output, re.M):
        figures.avg_ms, figures.max_ms = _wrk_ms(match[1]), _wrk_ms(match[3])
    percentiles = {float(p): _wrk_ms(v) for p, v in re.findall(r"^\s*([0-9.]+)%\s+(\S+)\s*$", output, re.M)}
    figures.p50_ms, figures.p99_ms = percentiles.get(50.0), percentiles.get(99.0)
    if match := re.search(r"^\s*(\d+) requests in ", output, re.M):
        figures.requests = int(match[1])
    if match := re.search(r"^Requests/sec:\s+([0-9.]+)", output, re.M):
        figures.rps = float(match[1])
    non2xx = int(match[1]) if (match := re.search(r"Non-2xx or 3xx responses: (\d+)", output)) else 0
    socket: dict[str, int] = {}
    if match := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output):
        socket = {kind: int(n) for kind, n in zip(("connect", "read", "write", "timeout"), match.groups(),
                                                  strict=True) if int(n)}
    # The script counts every status but the expected one (201 for create), 2xx included;
    # wrk itself counts only statuses above 399.
    unexpected = non2xx
    if match := re.search(r"^bench: unexpected status (\d+) \(expected (\d+)\) ?(.*)$", output, re.M):
        unexpected = int(match[1])
        if unexpected:
            figures.failure_kinds.append(f"{unexpected:,} responses other than {match[2]}: {match[3]}")
    elif non2xx:
        figures.failure_kinds.append(f"{non2xx:,} non-2xx/3xx responses")
    figures.failures = unexpected + sum(socket.values())
    if socket:
        figures.failure_kinds.append("socket errors: " + ", ".join(f"{kind} {n:,}" for kind, n in socket.items()))
    figures.failure_kinds += [f"e.g. {sample}" for sample in re.findall(r"^bench: sample (.*)$", output, re.M)[:3]]


def run_wrk(scenario: str, plan: Plan, env: dict[str, str]) -> LoadFigures:
    threads = max(1, min(WRK_THREADS, plan.users))
    command = [WRK, "-t", str(threads), "-c", str(plan.users), "-d", f"{plan.duration_s}s",
               "--timeout", f"{WRK_TIMEOUT_S}s", "--latency", "-s", str(WRK_SCRIPT), BASE_URL]
    say(f"wrk {TITLES[scenario]}: {plan.users} connections, {threads} threads for {plan.duration_s} s")
    log_path = VAR_DIR / f"wrk_{scenario}.log"
    result = subprocess.run(command, cwd=ROOT, env={**env, "BENCH_SCENARIO": scenario}, capture_output=True,
                            text=True, timeout=plan.duration_s + 120, check=False)
    log_path.write_text(f"$ {' '.join(command)}\n{result.stdout}{result.stderr}", encoding="utf-8")
    figures = LoadFigures(scenario, ENDPOINTS[scenario])
    if result.returncode != 0 or "Requests/sec:" not in result.stdout:
        figures.note = f"wrk exited with code {result.returncode} and no summary; see {log_path}"
        return figures
    parse_wrk(result.stdout, figures)
    return figures


def run_load(scenario: str, plan: Plan, env: dict[str, str]) -> LoadFigures:
    return run_wrk(scenario, plan, env) if plan.tool == "wrk" else run_locust(scenario, plan, env)


def run_locust(scenario: str, plan: Plan, env: dict[str, str]) -> LoadFigures:
    prefix = VAR_DIR / f"locust_{scenario}"
    command = [sys.executable, "-m", "locust", "-f", str(BENCH / "locustfile.py"), "--headless",
               "-u", str(plan.users), "-r", str(plan.users), "-t", f"{plan.duration_s}s",
               "--host", BASE_URL, "--csv", str(prefix), "--reset-stats", "--only-summary",
               "--stop-timeout", "5", "--loglevel", "WARNING"]
    say(f"locust {TITLES[scenario]}: {plan.users} users for {plan.duration_s} s")
    with (VAR_DIR / f"locust_{scenario}.log").open("w") as log:
        subprocess.run(command, cwd=ROOT, env={**env, "BENCH_SCENARIO": scenario}, stdout=log,
                       stderr=subprocess.STDOUT, timeout=plan.duration_s + 120, check=False)
    figures = LoadFigures(scenario, ENDPOINTS[scenario])
    stats = Path(f"{prefix}_stats.csv")
    if not stats.exists():
        figures.note = f"locust wrote no statistics; see {VAR_DIR / f'locust_{scenario}.log'}"
        return figures
    with stats.open(newline="") as fh:
        rows = [row for row in csv.DictReader(fh) if row["Name"] == "Aggregated"]
    if not rows:
        figures.note = "no requests recorded"
        return figures
    row = rows[0]

    def number(key: str) -> float | None:
        value = row.get(key, "")
        return float(value) if value not in ("", "N/A") else None

    figures.requests = int(row["Request Count"])
    figures.failures = int(row["Failure Count"])
    figures.rps = number("Requests/s") or 0.0
    figures.p50_ms = number("50%")
    figures.p99_ms = number("99%")
    figures.avg_ms = number("Average Response Time")
    figures.max_ms = number("Max Response Time")
    failures = Path(f"{prefix}_failures.csv")
    if failures.exists():
        with failures.open(newline="") as fh:
            figures.failure_kinds = [f"{r['Occurrences']}× {r['Error'][:160]}" for r in csv.DictReader(fh)][:5]
    return figures


# --------------------------------------------------------------------------- the report

def fmt(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def fmt_ms(value: float | None) -> str:
    """Milliseconds: one decimal below 100 ms (wrk measures to the microsecond), whole ones above."""
    return fmt(value, 1 if value is not None and value < 100 else 0)


# The last figures recorded before commit a32ffba ("Reads at 600 req/s ..."): bench/RESULTS.md of
# 2026-11-25 15:32 UTC, PostgreSQL, 150,000 members, locust (FastHttpUser) with 30 users, 30 s a scenario.
# Its search scenario drew half its terms from one-character surnames and half from two-character prefixes.
# Per scenario: req/s, p99 ms, CPU ms per request of the platform (gateway, membership, welfare, RabbitMQ,
# PostgreSQL; the load generator left out).
BEFORE = {
    "when": "2026-11-25 15:32 UTC",
    "how": "locust, 30 users",
    "loads": {"get_member": (263.5, 170.0, 1.7 + 2.7 + 0.0 + 1.2 + 0.8),
              "search": (124.5, 330.0, 2.3 + 3.0 + 0.0 + 1.6 + 8.0),
              "create": (161.1, 250.0, 2.0 + 3.3 + 2.1 + 1.5 + 2.3)},
}
PLATFORM_CPU = ("gateway", "membership", "welfare", "training", "rights", "RabbitMQ (whole broker)",
                "PostgreSQL (all databases)")
WHY = (
    "commit a32ffba (\"Reads at 600 req/s\") cut the CPU every request costs. It sends RPC messages "
    "transient and unconfirmed (no publisher confirms, not persisted), serialises each reply once (nameko "
    "serialised every reply twice), serves reads on autocommit connections instead of ORM sessions, "
    "prebuilds its SQL statements (no SQLAlchemy cache-key generation per call), builds one marshmallow "
    "schema instance per class instead of one per call, and caches verified tokens. Its message: profiles "
    "showed the time in exactly those places; measured by hand with wrk at 10 connections, "
    "GET /members/{id} 284 -> 607 req/s (p99 27 ms), search 124 -> 508 req/s (p99 39 ms)."
)


def before_after(report: Report) -> list[str]:
    plan = report.plan
    lines = ["## Before/after", ""]
    if plan.quick or plan.database != "postgresql":
        return lines + ["Not compared: the earlier figures were taken on the full PostgreSQL data set "
                        "(150,000 members), and this run was not.", ""]
    how = f"{plan.tool}, {plan.users} {'connections' if plan.tool == 'wrk' else 'users'}"
    lines += [
        f"Before: the last run before commit a32ffba ({BEFORE['when']}, {BEFORE['how']}). "
        f"After: this run ({how}). Same data set and machine size (PostgreSQL, 150,000 members, 2 cores).",
        "",
        "| scenario | before req/s | before p99 ms | after req/s | after p99 ms | req/s after ÷ before "
        "| platform CPU ms per request, before → after |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    loads = {load.scenario: load for load in report.loads}
    for scenario in SCENARIOS:
        load = loads.get(scenario)
        old = BEFORE["loads"].get(scenario)
        if scenario == "search_prefix":
            old = BEFORE["loads"]["search"]
        if load is None or old is None:
            continue
        ratio = load.rps / old[0] if old[0] else None
        mark = "¹" if scenario.startswith("search") else ""
        cpu_after = (sum(load.cpu_ms.get(key, 0.0) for key in PLATFORM_CPU)
                     if load.cpu_ms.get("gateway") is not None else None)
        lines.append(f"| {TITLES[scenario]} | {fmt(old[0])}{mark} | {fmt_ms(old[1])}{mark} | {fmt(load.rps)} "
                     f"| {fmt_ms(load.p99_ms)} | {fmt(ratio, 1)}× | {fmt(old[2])}{mark} → {fmt(cpu_after)} |")
    lines += [
        "",
        "¹ The earlier search scenario mixed one-character surnames and two-character prefixes half and half; "
        "it now runs as two rows, so its one figure is shown against both. (The commit message's "
        "\"search 124 -> 508\" likewise sets that mixed figure against one-character surnames alone.)",
        "",
        "Platform CPU is the sum of the CPU lines above without the load generator: gateway, membership, "
        "welfare, RabbitMQ and PostgreSQL. With 2 cores, 2,000 ms of CPU a second divided by it is a ceiling "
        "on req/s (less whatever the load generator and the rest of the machine take).",
        "",
        f"Why: {WHY}",
        "",
    ]
    caveats = []
    if plan.tool != "locust":
        caveats.append("The load generator changed too: locust (Python) spends several times the CPU of wrk (C) "
                       "on every request, on the same 2 cores as the platform, so part of the gain in req/s "
                       "is CPU handed back to the platform by the load generator (see `load generator` "
                       "in the CPU lines above).")
    if plan.users != 30:
        caveats.append(f"The concurrency changed: {plan.users} instead of 30 clients, each sending its next "
                       "request as soon as the last one is answered. With a closed loop like this the mean "
                       "latency is about clients ÷ throughput (30 ÷ 263.5 req/s ≈ 114 ms before), so a "
                       "third of the clients alone makes latencies about three times shorter at the same "
                       "throughput; compare p99 figures only at equal clients "
                       "(`python -m bench.run --tool locust --users 30` repeats the old setting).")
    modified = report.source_start.get("modified")
    if modified:
        caveats.append(f"The code measured is not HEAD alone: {modified} had been changed after HEAD was "
                       "committed (see Platform code under Machine), so the differences include those changes "
                       "as well as commit a32ffba's.")
    if caveats:
        lines += ["Caveats:", "", *[f"- {c}" for c in caveats], ""]
    return lines


def source_lines(report: Report) -> list[str]:
    start, end = report.source_start, report.source_end
    if not start:
        return []
    lines = [f"Platform code: HEAD {start['head']}; digest of the .py/.yaml files under "
             f"{', '.join(PLATFORM_SOURCES)} when the platform started: `{start['digest']}`."]
    if start["modified"]:
        lines.append(f"Files changed after HEAD was committed (not committed, most likely; measured as they were "
                     f"when the platform started): {start['modified']}.")
    if end and end.get("digest") != start["digest"]:
        lines.append(f"**The platform's source changed while the benchmark ran** (digest `{end['digest']}` at the "
                     f"end, HEAD {end['head']}): the running processes had loaded the code of the start, but "
                     "this run may not match the working tree any more.")
    return [" ".join(lines), ""]


def display_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def generator(plan: Plan) -> str:
    return wrk_version() if plan.tool == "wrk" else "locust (FastHttpUser, one process)"


def write_results(report: Report, facts: dict[str, str], path: Path = RESULTS) -> None:
    plan = report.plan
    lines = [
        "# Benchmark results",
        "",
        f"Written by `python -m bench.run{' --quick' if plan.quick else ''} --database {plan.database}"
        f" --tool {plan.tool} --users {plan.users}"
        f"{f' --max-workers {plan.max_workers}' if plan.max_workers else ''}"
        f"{f' --results {display_path(path)}' if path != RESULTS else ''}` "
        f"on {report.started:%Y-%m-%d %H:%M} UTC"
        f"{f', which took {report.total_s / 60:.1f} min end to end' if report.total_s else ''}. "
        "Figures are measured, not asserted; "
        + ("**this was a --quick run (small data, short load runs): the figures are indicative only.**"
           if plan.quick else "full run."),
        "",
        "## Machine",
        "",
        "| | |",
        "|---|---|",
        *[f"| {key} | {value} |" for key, value in facts.items()],
        f"| load generator | {generator(plan)} on the same machine, sharing its cores |",
        "",
        "The platform ran as `python -m deploy.launch`: one process per service and one for the gateway, "
        + (f"`MAX_WORKERS={plan.max_workers}` (set by `--max-workers`)." if plan.max_workers
           else "with its default settings (nameko `max_workers` 10 per process)."),
        "",
        *source_lines(report),
        "## Targets (from the issue)",
        "",
        *[f"- {target[0].upper()}{target[1:]}." for target in TARGETS.values()],
        "",
        "## Data",
        "",
    ]
    seed = report.seed
    if seed:
        lines += [
            "1 federation and 50 grassroots unions created through the API, then "
            f"{seed.rows:,} members imported through `POST /api/v1/members/imports` "
            f"in CSV files of up to {SEED_FILE_ROWS:,} rows (Faker zh_CN names, valid unique ID numbers "
            f"and mobile numbers): {seed.imported:,} imported, {seed.failed:,} failed, "
            f"{fmt(seed.to_done_s)} s until the last file was done "
            f"({fmt(seed.rows / seed.to_done_s if seed.to_done_s else None, 0)} rows/s), "
            f"welfare's copy complete {fmt(report.seed_events_s)} s after that.",
            "",
        ]
    lines += ["## Import of one roster", ""]
    m = report.measured
    if m:
        rate_done = m.rows / m.to_done_s if m.to_done_s else None
        rate_events = m.rows / m.to_events_s if m.to_events_s else None
        lines += [
            f"One CSV roster of {m.rows:,} new members, posted after the seed data was in and welfare had caught up.",
            "",
            "| rows | imported | failed | s until job `done` | s until every imported member applied by welfare "
            "| rows/s (done) | rows/s (events applied) |",
            "|---:|---:|---:|---:|---:|---:|---:|",
            f"| {m.rows:,} | {m.imported:,} | {m.failed:,} | {fmt(m.to_done_s)} | {fmt(m.to_events_s)} "
            f"| {fmt(rate_done, 0)} | {fmt(rate_events, 0)} |",
            "",
            "Both times run from the POST (the upload included). Welfare was polled over RPC "
            "(`welfare.member_copy_counts()`) until `active` equalled every member imported so far.",
        ]
        if m.cpu_ms:
            parts = ", ".join(f"{key} {value:.2f}" for key, value in m.cpu_ms.items()
                              if key not in ("machine busy %", LOAD_GENERATOR))
            lines += ["", f"CPU from the POST until every event was applied: the machine was "
                      f"{m.cpu_ms['machine busy %']:.0f}% busy; CPU ms per imported row: {parts}."]
        if m.note:
            lines += ["", f"Note: {m.note}"]
        lines += [""]
    else:
        lines += ["Not measured (the run stopped earlier).", ""]
    if plan.tool == "wrk":
        how = (f"{generator(plan)}: {plan.users} keep-alive connections over {min(WRK_THREADS, plan.users)} "
               f"threads, no wait between requests, {plan.duration_s} s per scenario, counted from the first "
               f"request (all connections open at once, no ramp-up), `--timeout {WRK_TIMEOUT_S}s`. "
               "Percentiles from `wrk --latency` (closed loop, not corrected for coordinated omission). "
               "Failures are responses with any status but the expected one (201 for create, 200 otherwise) "
               "plus socket errors. Requests are built by `bench/wrk/scenario.lua`.")
    else:
        how = (f"{generator(plan)} headless: {plan.users} users, no wait between requests, {plan.duration_s} s "
               "per scenario (statistics reset once every user had started).")
    lines += [
        "## Load",
        "",
        f"{how} One bearer token of a `membership_clerk` (no `pii`: ID numbers masked, reads not audited; "
        "an admin's reads of whole ID numbers are each written to the audit trail). "
        f"Search terms: the {SEARCH_TERMS} most "
        "common one-character surnames in the data (each equally likely) for `search`, "
        f"{SEARCH_TERMS} two-character name prefixes of random members for `search (2-char prefix)`; "
        "each request asks for the first page (50 members by default).",
        "",
        "| scenario | requests | req/s | p50 ms | p99 ms | mean ms | max ms | failures |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
        *[f"| {TITLES[load.scenario]} | {load.requests:,} | {fmt(load.rps)} | {fmt_ms(load.p50_ms)} "
          f"| {fmt_ms(load.p99_ms)} | {fmt_ms(load.avg_ms)} | {fmt_ms(load.max_ms)} | {load.failures:,} |"
          for load in report.loads],
        "",
    ]
    for load in report.loads:
        lines += [
            f"### {TITLES[load.scenario]}: `{load.endpoint}`",
            "",
            "| requests | req/s | p50 ms | p99 ms | mean ms | max ms | failures |",
            "|---:|---:|---:|---:|---:|---:|---:|",
            f"| {load.requests:,} | {fmt(load.rps)} | {fmt_ms(load.p50_ms)} | {fmt_ms(load.p99_ms)} "
            f"| {fmt_ms(load.avg_ms)} | {fmt_ms(load.max_ms)} | {load.failures:,} |",
            "",
        ]
        ms = load.server_ms
        if ms.get("gateway") is not None:
            lines += [
                "Mean time per request on the server side, from the platform's own metrics over the same run"
                f"{' (including the ramp-up)' if plan.tool == 'locust' else ''}: "
                f"gateway HTTP handler {fmt(ms['gateway'], 1)} ms, of which the RPC call to membership "
                f"{fmt(ms['rpc'], 1)} ms, of which membership's `{BREAKDOWN[load.scenario][1]}` "
                f"{fmt(ms['membership'], 1)} ms.",
                "",
            ]
        if load.cpu_ms:
            parts = ", ".join(f"{key if key != LOAD_GENERATOR else f'{plan.tool} (load generator)'} {value:.1f}"
                              for key, value in load.cpu_ms.items() if key != "machine busy %")
            lines += [
                f"CPU during the run: the machine was {load.cpu_ms['machine busy %']:.0f}% busy "
                f"(all {os.cpu_count()} cores, other users of the machine included). "
                f"CPU ms per request: {parts}.",
                "",
            ]
        if load.failure_kinds:
            lines += ["Failures:", "", *[f"- {kind}" for kind in load.failure_kinds], ""]
        if load.note:
            lines += [f"Note: {load.note}", ""]
    lines += flow_lines(report)
    lines += limit_lines(report)
    lines += ["## Against the targets", ""]
    for load in report.loads:
        if load.scenario in READS:
            met = load.rps >= 800 and load.p99_ms is not None and load.p99_ms < 30 and load.failures == 0
            lines.append(f"- {TITLES[load.scenario]}: {fmt(load.rps)} req/s, p99 {fmt_ms(load.p99_ms)} ms "
                         f"(target ≥ 800 req/s, p99 < 30 ms): {'met' if met else 'not met'}.")
    if m:
        rate = m.imported / m.to_done_s if m.to_done_s else None
        lines.append(f"- roster import of {m.rows:,} rows: {fmt(rate, 0)} rows/s until the job was done "
                     f"(target ≥ 1,000 rows/s): {'met' if rate and rate >= 1000 else 'not met'}.")
    lag = report.lags.get("welfare")
    if lag and lag[0]:
        p99 = percentile_ms(lag[0], 0.99)
        lines.append(f"- event lag membership → welfare at {LAG_RATE} writes/s: p99 {fmt_ms(p99)} ms "
                     f"(target < 100 ms): {'met' if p99 < 100 and not lag[1] else 'not met'}.")
    if report.annual and report.annual.samples:
        p99 = report.annual.percentile(0.99)
        lines.append(f"- annual report: p99 {fmt_ms(p99)} ms (target < 1 s): {'met' if p99 < 1000 else 'not met'}.")
    if report.memory:
        over = [name for name, mb in report.memory.items() if mb >= 150 and not name.startswith("gateway")]
        lines.append(f"- memory: largest service {max(report.memory.values()):.0f} MB RSS (target < 150 MB each): "
                     f"{'not met by ' + ', '.join(over) if over else 'met'}.")
    lines += [
        f"- measured with {generator(plan)} and {plan.users} {'connections' if plan.tool == 'wrk' else 'users'} "
        "on the platform's own 2 cores; the figures depend on both.",
        "",
        *before_after(report),
    ]
    if report.notes:
        lines += ["## Notes", "", *[f"- {note}" for note in report.notes], ""]
    lines += [
        "## How to run",
        "",
        "```sh",
        ". .venv/bin/activate",
        "python -m bench.run --quick             # ~5,000 members, 10 s per load scenario (a few minutes)",
        "python -m bench.run                     # 150,000 members, 30 s per scenario (~10 minutes on 2 cores)",
        "python -m bench.run --database sqlite   # the embedded default instead of PostgreSQL",
        "python -m bench.run --users 50          # more wrk connections (default 10)",
        "python -m bench.run --tool locust --users 10 --results bench/RESULTS-locust.md  # locust instead of wrk",
        "python -m bench.run --max-workers 30    # MAX_WORKERS for every nameko process (default 10)",
        "python -m bench.welfare                 # welfare: 21,895 enrolments, 1,086 claims (own section below)",
        "```",
        "",
        "Needs RabbitMQ on 127.0.0.1:5672 (`rabbitmqctl` as root, to recreate the `union-bench` vhost) and, "
        "for the default, PostgreSQL on 127.0.0.1:5432 as user `postgres` (it drops and recreates "
        "`bench_membership`, `bench_welfare` and `bench_gateway`). The platform listens on port 8600 "
        "(metrics 9601/9602); logs, wrk output, locust CSVs, the seeded ids and the search terms are left "
        "in `/tmp/bench-var`. `bench/wrk/scenario.lua` and `bench/locustfile.py` can also be run on their own "
        "(see their opening comments). wrk is the Debian package `wrk` (`/usr/bin/wrk`).",
        "",
    ]
    kept = ""
    if path.exists():
        old = path.read_text(encoding="utf-8")
        if KEEP_BELOW in old:
            kept = old[old.index(KEEP_BELOW):]
    path.write_text("\n".join(lines) + ("\n" + kept if kept else KEEP_BELOW + "\n"), encoding="utf-8")


# --------------------------------------------------------------------------- floors and flows

def percentile_ms(samples_s: list[float], q: float) -> float:
    ordered = sorted(samples_s)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))] * 1000


def ratio(ours: float | None, floor: float | None) -> str:
    return "—" if not ours or not floor else f"{ours / floor:,.1f}×"


def flow_lines(report: Report) -> list[str]:
    """The floors, the single-connection read against them, event lag, claims, the report, memory."""
    lines: list[str] = []
    floors = {floor.name.split(" (")[0]: floor for floor in report.floors}
    single = report.single
    if floors:
        lines += ["## Floors and ratios", "",
                  "Measured in the same run, one client, one request at a time (see `bench/floors.py`): "
                  "the messaging floor is a bare kombu request/reply round trip through the same RabbitMQ; "
                  "the database floor is the member read's one statement (membership's own, compiled) "
                  "run with psycopg2 against membership's database. The platform's member read is measured "
                  "the same way: wrk with one connection.", "",
                  "| | req/s | p50 ms | p99 ms |", "|---|---:|---:|---:|"]
        for floor in report.floors:
            lines.append(f"| {floor.name} | {fmt(floor.rps)} | {floor.p50_ms:.2f} | {floor.p99_ms:.2f} |")
        if single:
            lines.append(f"| platform: GET /api/v1/members/{{id}}, 1 connection | {fmt(single.rps)} "
                         f"| {fmt_ms(single.p50_ms)} | {fmt_ms(single.p99_ms)} |")
        mq, db = floors.get("messaging floor"), floors.get("database floor")
        if single and mq and db:
            lines += ["", "Ratios (the platform's figure ÷ the floor's):", "",
                      f"- member read p50 ÷ messaging floor p50: {ratio(single.p50_ms, mq.p50_ms)}; "
                      f"÷ database floor p50: {ratio(single.p50_ms, db.p50_ms)}; "
                      f"÷ (messaging + database floor p50): {ratio(single.p50_ms, mq.p50_ms + db.p50_ms)}.",
                      f"- member read req/s (1 connection) ÷ database floor req/s: {ratio(single.rps, db.rps)}; "
                      f"÷ messaging floor req/s: {ratio(single.rps, mq.rps)}."]
            loads = {load.scenario: load for load in report.loads}
            if "get_member" in loads:
                lines.append(f"- member read req/s at {report.plan.users} connections ÷ database floor req/s "
                             f"(one client): {ratio(loads['get_member'].rps, db.rps)}.")
            lag = report.lags.get("welfare")
            if lag and lag[0]:
                lines.append(f"- event lag p50 (membership → welfare) ÷ messaging floor p50: "
                             f"{ratio(percentile_ms(lag[0], 0.5), mq.p50_ms)}.")
        lines.append("")
    if report.writes is not None:
        writes = report.writes
        lines += ["## Event lag", "",
                  f"Members registered through `POST /api/v1/members` at {LAG_RATE} a second (an open loop: "
                  f"each request sent at its time, 32 client threads): {len(writes.samples):,} accepted, "
                  f"{writes.failures:,} failed, achieved {fmt(writes.rps)} writes/s; the POST took p50 "
                  f"{fmt_ms(writes.percentile(0.5))} ms, p99 {fmt_ms(writes.percentile(0.99))} ms. "
                  "Lag of each `member_joined` event: from its row in membership's outbox (written by the "
                  "registering transaction) to its row in the consumer's inbox (written by the handling "
                  "transaction).", "",
                  "| consumer | events handled | not handled | p50 ms | p99 ms | max ms |",
                  "|---|---:|---:|---:|---:|---:|"]
        for name, (lags, missing) in report.lags.items():
            if lags:
                lines.append(f"| {name} | {len(lags):,} | {missing:,} | {fmt_ms(percentile_ms(lags, 0.5))} "
                             f"| {fmt_ms(percentile_ms(lags, 0.99))} | {fmt_ms(max(lags) * 1000)} |")
            else:
                lines.append(f"| {name} | 0 | {missing:,} | — | — | — |")
        lines.append("")
    for timed, what in ((report.claims, "Claim approve+pay: `POST .../claims/{id}/approve` then `.../pay` for "
                         "claims filed beforehand, 10 clients at a time; one operation is both calls."),
                        (report.annual, "Annual report: `GET /api/v1/reports/annual?year=` one at a time "
                         "(every service's `annual_stats` over RPC, in parallel).")):
        if timed is None:
            continue
        lines += [f"## {timed.name[0].upper()}{timed.name[1:]}", "", what, "",
                  "| operations | per s | p50 ms | p99 ms | failures |", "|---:|---:|---:|---:|---:|",
                  f"| {len(timed.samples):,} | {fmt(timed.rps)} | {fmt_ms(timed.percentile(0.5))} "
                  f"| {fmt_ms(timed.percentile(0.99))} | {timed.failures:,} |", ""]
        if timed.note:
            lines += [f"Note: {timed.note}", ""]
    if report.memory:
        lines += ["## Memory", "", "Resident memory (VmRSS) of each process at the end of the load runs, "
                  "the highest of the samples taken after each scenario.", "",
                  "| process | RSS MB |", "|---|---:|",
                  *[f"| {name} | {mb:.0f} |" for name, mb in sorted(report.memory.items())], ""]
    return lines


def limit_lines(report: Report) -> list[str]:
    """What limits the figures, from the CPU each part spent per request or row in this run."""
    lines = ["## What limits the figures (measured in this run)", ""]
    cores = os.cpu_count() or 1
    for load in report.loads:
        parts = {key: value for key, value in load.cpu_ms.items() if key in PLATFORM_CPU and value}
        if not parts or not load.rps:
            continue
        total = sum(parts.values())
        largest = sorted(parts.items(), key=lambda item: -item[1])[:3]
        lines.append(f"- {TITLES[load.scenario]}: the platform spent {total:.1f} ms of CPU per request "
                     f"({', '.join(f'{name} {ms:.1f}' for name, ms in largest)} ms the largest), so {cores} cores "
                     f"cannot serve more than about {cores * 1000 / total:,.0f} req/s however the work is spread; "
                     f"measured {load.rps:,.0f} req/s with the machine "
                     f"{load.cpu_ms.get('machine busy %', 0):.0f}% busy.")
    m = report.measured
    if m and m.cpu_ms:
        parts = {key: value for key, value in m.cpu_ms.items() if key in PLATFORM_CPU and value}
        if parts:
            total = sum(parts.values())
            lines.append(f"- import with every event applied: {total:.2f} ms of CPU per row over the platform "
                         f"({', '.join(f'{name} {ms:.2f}' for name, ms in sorted(parts.items(), key=lambda i: -i[1]))}"
                         f" ms): about {cores * 1000 / total:,.0f} rows/s on {cores} cores with the events applied "
                         "by every consumer (welfare, training and rights each apply an import chunk's "
                         "`members_imported` event, 500 members, in one transaction).")
    if report.writes is not None and report.writes.samples:
        lines.append(f"- event lag: the writers reached {report.writes.rps:,.0f} of the {LAG_RATE} writes/s asked "
                     "(see create above for the CPU a write costs), so the consumers were working through a backlog "
                     "while the lag was measured.")
    lines.append("")
    return lines if len(lines) > 3 else []


def measure_flows(report: Report, plan: Plan, env: dict[str, str], api: Api, roster: Roster,
                  organisations: list[str], ids: list[str], load_env: dict[str, str], launcher_pid: int) -> None:
    """Everything issue 9 asks beyond the read/write loads; each part records a note if it fails."""
    from dataclasses import replace

    from bench import flows
    from bench.floors import database_floor, messaging_floor

    say("member read with one connection (to compare with the floors)")
    report.single = run_load("get_member", replace(plan, users=1), load_env)
    try:
        say("messaging floor: bare kombu request/reply")
        report.floors.append(messaging_floor(AMQP_URI, 1000 if plan.quick else 3000))
        if plan.database == "postgresql":
            say("database floor: the member read straight from PostgreSQL")
            dsn = f"host=127.0.0.1 port=5432 user=postgres dbname={DATABASES['membership']}"
            report.floors.append(database_floor(dsn, ids, 1000 if plan.quick else 5000))
    except Exception as exc:
        report.notes.append(f"floors not measured: {type(exc).__name__}: {exc}")
    report.memory = merge_memory(report.memory, flows.process_memory(launcher_pid))

    if plan.database == "postgresql":
        try:
            seconds = 5 if plan.quick else 20
            say(f"event lag: registering members at {LAG_RATE}/s for {seconds} s")
            since = datetime.now(UTC)
            local = threading.local()
            bodies = [member_body(roster) for _ in range(int(LAG_RATE * seconds))]

            def send(index: int) -> bool:
                http = getattr(local, "http", None)
                if http is None:
                    http = local.http = requests.Session()
                    http.headers["Authorization"] = f"Bearer {api.token}"
                response = http.post(f"{BASE_URL}/api/v1/members", json=bodies[index], timeout=30)
                return response.status_code == 201

            report.writes = flows.paced_writes(send, LAG_RATE, seconds)
            producer = f"host=127.0.0.1 port=5432 user=postgres dbname={DATABASES['membership']}"
            for consumer in ("welfare", "training", "rights"):
                consumer_dsn = f"host=127.0.0.1 port=5432 user=postgres dbname={DATABASES[consumer]}"
                try:
                    report.lags[consumer] = flows.event_lags(producer, consumer_dsn, "member_joined", since)
                except psycopg2.Error as exc:
                    report.notes.append(f"no event lag for {consumer}: {str(exc).strip().splitlines()[0]}")
            lag = report.lags.get("welfare")
            if lag and lag[0]:
                say(f"  lag to welfare p50 {percentile_ms(lag[0], 0.5):.1f} ms, "
                    f"p99 {percentile_ms(lag[0], 0.99):.1f} ms")
        except Exception as exc:
            report.notes.append(f"event lag not measured: {type(exc).__name__}: {exc}")

    try:
        count = 200 if plan.quick else 1000
        say(f"claims: enrolling members and filing {count} claims")
        claim_ids = flows.prepare_claims(api.http, BASE_URL, organisations[:10], count, date.today().year)
        say(f"claims: approving and paying {len(claim_ids)}")
        report.claims = flows.approve_and_pay(api.token, BASE_URL, claim_ids)
    except Exception as exc:
        report.notes.append(f"claims not measured: {type(exc).__name__}: {exc}")
    try:
        say("annual report")
        report.annual = flows.annual_report(api.http, BASE_URL, date.today().year)
    except Exception as exc:
        report.notes.append(f"annual report not measured: {type(exc).__name__}: {exc}")
    report.memory = merge_memory(report.memory, flows.process_memory(launcher_pid))


def flows_memory(launcher_pid: int) -> dict[str, float]:
    from bench.flows import process_memory

    return process_memory(launcher_pid)


def clerk_token(api: Api) -> str:
    """A membership clerk's token for the load scenarios: the everyday caller.

    The admin may see whole ID numbers (`pii`), so every member the admin reads is written to the
    audit trail; a clerk sees them masked, as most staff do, and reads cost no write.
    """
    password = secrets.token_urlsafe(16)
    api.call("POST", "/api/v1/users", 201, json={"username": "bench-clerk", "password": password,
                                                 "display_name": "基准测试办事员", "roles": ["membership_clerk"]})
    response = requests.post(f"{BASE_URL}/api/v1/auth/login", json={"username": "bench-clerk", "password": password},
                             timeout=30)
    response.raise_for_status()
    return response.json()["token"]


def merge_memory(before: dict[str, float], now: dict[str, float]) -> dict[str, float]:
    return {name: max(before.get(name, 0.0), now.get(name, 0.0)) for name in {*before, *now}}


def member_body(roster: Roster) -> dict[str, str]:
    rnd = roster.random
    return {"name": roster.fake.name(), "id_number": roster.id_number(),
            "phone": f"1{rnd.choice('3456789')}{rnd.randrange(10**9):09d}",
            "organisation_id": rnd.choice(roster.organisations), "employment_form": "standard",
            "joined_on": date.today().isoformat()}


# --------------------------------------------------------------------------- the run

def seed_members(api: Api, roster: Roster, total: int, report: Report) -> None:
    figures = report.seed = ImportFigures(rows=total)
    started = time.monotonic()
    remaining, part = total, 0
    while remaining:
        rows = min(SEED_FILE_ROWS, remaining)
        part += 1
        content = roster.csv(rows)
        t0 = time.monotonic()
        job = wait_import(api, post_import(api, content, f"seed-{part}.csv"), timeout=1800)
        figures.imported += job["imported"]
        figures.failed += job["failed"]
        say(f"seed file {part}: {rows:,} rows, {len(content) / 1e6:.1f} MB, {job['status']} in "
            f"{time.monotonic() - t0:.1f} s ({job['imported']:,} imported, {job['failed']:,} failed)")
        if job["status"] != "done":
            raise RuntimeError(f"seed import {job['id']} ended {job['status']}: {job.get('message')}")
        if job["failed"]:
            say(f"  first errors: {job['errors'][:3]}")
        remaining -= rows
    figures.to_done_s = time.monotonic() - started


def measure_import(api: Api, roster: Roster, welfare: Welfare, rows: int, before: int,
                   launcher_pid: int) -> ImportFigures:
    figures = ImportFigures(rows=rows)
    content = roster.csv(rows)
    say(f"measured import: {rows:,} rows ({len(content) / 1e6:.1f} MB)")
    cpu_before = cpu_snapshot(launcher_pid)
    t0 = time.monotonic()
    job_id = post_import(api, content, "measured.csv")
    say(f"  accepted after {time.monotonic() - t0:.2f} s (import {job_id})")
    job = wait_import(api, job_id, timeout=3600, interval=0.1)
    figures.to_done_s = time.monotonic() - t0
    figures.imported, figures.failed = job["imported"], job["failed"]
    say(f"  {job['status']} after {figures.to_done_s:.1f} s: {job['imported']:,} imported, {job['failed']:,} failed")
    expected = before + job["imported"]
    complete, active = welfare.wait_active(expected, stall_timeout=120, interval=0.1)
    figures.welfare_active = active
    if complete:
        figures.to_events_s = time.monotonic() - t0
        figures.cpu_ms = cpu_per_request(cpu_before, cpu_snapshot(launcher_pid), rows)
        say(f"  every imported member applied by welfare after {figures.to_events_s:.1f} s")
    else:
        figures.note = (f"welfare stopped making progress at {active:,} of {expected:,} active member copies "
                        "(no change for 120 s); the events-applied time is missing")
        say(f"  {figures.note}")
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="5,000 members, a 1,000-row import, 10 s load runs")
    parser.add_argument("--database", choices=("postgresql", "sqlite"), default="postgresql")
    parser.add_argument("--tool", choices=("wrk", "locust"), default="wrk",
                        help="load generator for the load scenarios (default wrk)")
    parser.add_argument("--users", type=int, default=DEFAULT_USERS,
                        help=f"wrk connections or locust users per scenario (default {DEFAULT_USERS})")
    parser.add_argument("--max-workers", type=int, default=None,
                        help="MAX_WORKERS for every nameko process (default: the platform's own, 10)")
    parser.add_argument("--results", type=Path, default=RESULTS,
                        help=f"where to write the report (default {RESULTS.relative_to(ROOT)})")
    args = parser.parse_args(argv)
    if args.users < 1:
        parser.error("--users must be at least 1")
    if args.tool == "wrk" and not Path(WRK).exists():
        parser.error(f"wrk not found ({WRK}); install the Debian package wrk or use --tool locust")
    plan = Plan(quick=args.quick, database=args.database, tool=args.tool, users=args.users,
                max_workers=args.max_workers,
                seed_members=5_000 if args.quick else 150_000, import_rows=1_000 if args.quick else 20_000,
                duration_s=10 if args.quick else 30)
    report = Report(plan=plan, started=datetime.now(UTC))
    started = time.monotonic()

    if VAR_DIR.exists():
        shutil.rmtree(VAR_DIR)
    VAR_DIR.mkdir(parents=True)
    say(f"resetting RabbitMQ vhost {VHOST} and the {args.database} databases")
    reset_vhost()
    password = secrets.token_urlsafe(16)
    env = {
        **os.environ,
        "AMQP_URI": AMQP_URI, "GATEWAY_PORT": str(GATEWAY_PORT), "ADMIN_PASSWORD": password,
        "VAR_DIR": str(VAR_DIR), "MEMBERSHIP_METRICS_PORT": str(METRICS_PORTS["membership"]),
        "WELFARE_METRICS_PORT": str(METRICS_PORTS["welfare"]),
        "TRAINING_METRICS_PORT": str(METRICS_PORTS["training"]), "RIGHTS_METRICS_PORT": str(METRICS_PORTS["rights"]),
        # one admin token sends every request: lift the per-caller rate limit (6,000 a minute)
        "RATE_LIMIT_PER_MINUTE": "10000000",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        **fresh_databases(args.database),
    }
    if args.max_workers:
        env["MAX_WORKERS"] = str(args.max_workers)
    facts = machine(args.database)
    report.source_start = source_state()
    platform_ = Platform(env)
    welfare: Welfare | None = None
    try:
        platform_.start()
        platform_.wait_ready()
        say(f"platform ready after {time.monotonic() - started:.1f} s")
        api = Api(password)
        organisations = create_organisations(api, 50)
        say(f"created 1 federation and {len(organisations)} grassroots unions")
        roster = Roster(organisations)
        seed_members(api, roster, plan.seed_members, report)
        welfare = Welfare()
        t0 = time.monotonic()
        complete, active = welfare.wait_active(report.seed.imported, stall_timeout=180, interval=0.5)
        report.seed_events_s = time.monotonic() - t0
        say(f"welfare holds {active:,} active copies{'' if complete else ' (stalled)'} "
            f"{report.seed_events_s:.1f} s after the seed imports were done")
        if not complete:
            report.notes.append(f"welfare stalled at {active:,} of {report.seed.imported:,} seeded members")
        report.measured = measure_import(api, roster, welfare, plan.import_rows, before=active,
                                         launcher_pid=platform_.proc.pid)

        ids, names = collect_members(api)
        say(f"collected {len(ids):,} member ids through GET /api/v1/members")
        if args.database == "postgresql":
            t0 = time.monotonic()
            analyze(env)
            say(f"ANALYZE of the benchmark databases took {time.monotonic() - t0:.1f} s")
        (VAR_DIR / "ids.txt").write_text("\n".join(ids) + "\n")
        rnd = random.Random(7)
        (VAR_DIR / "terms.txt").write_text("\n".join(surname_terms(names)) + "\n", encoding="utf-8")
        (VAR_DIR / "prefixes.txt").write_text("\n".join(prefix_terms(names, rnd)) + "\n", encoding="utf-8")
        (VAR_DIR / "names.txt").write_text("\n".join(rnd.sample(names, min(len(names), 5000))) + "\n",
                                           encoding="utf-8")
        (VAR_DIR / "orgs.txt").write_text("\n".join(organisations) + "\n")
        clerk = clerk_token(api)
        load_env = {**env, "BENCH_TOKEN": clerk, "BENCH_IDS": str(VAR_DIR / "ids.txt"),
                    "BENCH_TERMS": str(VAR_DIR / "terms.txt"), "BENCH_ORGS": str(VAR_DIR / "orgs.txt"),
                    "BENCH_NAMES": str(VAR_DIR / "names.txt"), "BENCH_SERIAL_START": "0"}
        for scenario in SCENARIOS:
            scenario_env = ({**load_env, "BENCH_TERMS": str(VAR_DIR / "prefixes.txt")}
                            if scenario == "search_prefix" else load_env)
            before, cpu_before = scrape(), cpu_snapshot(platform_.proc.pid)
            load = run_load(scenario, plan, scenario_env)
            cpu_after = cpu_snapshot(platform_.proc.pid)
            load.server_ms = breakdown(scenario, before, scrape())
            load.cpu_ms = cpu_per_request(cpu_before, cpu_after, int(load.server_ms["requests"] or 0))
            report.loads.append(load)
            report.memory = merge_memory(report.memory, flows_memory(platform_.proc.pid))
            say(f"  {load.requests:,} requests, {load.rps:.1f} req/s, p50 {fmt_ms(load.p50_ms)} ms, "
                f"p99 {fmt_ms(load.p99_ms)} ms, {load.failures:,} failures"
                f"{f' ({load.note})' if load.note else ''}")
        measure_flows(report, plan, env, api, roster, organisations, ids, load_env, platform_.proc.pid)
        for name, port in METRICS_PORTS.items():
            try:
                text = requests.get(f"http://127.0.0.1:{port}/metrics", timeout=10).text
                (VAR_DIR / f"metrics-{name}.txt").write_text(text)
            except requests.RequestException:
                pass
        try:
            (VAR_DIR / "metrics-gateway.txt").write_text(requests.get(f"{BASE_URL}/metrics", timeout=10).text)
        except requests.RequestException:
            pass
    except Exception as exc:
        report.notes.append(f"the run stopped early: {type(exc).__name__}: {exc}")
        say(f"error: {type(exc).__name__}: {exc}")
        raise
    finally:
        if welfare is not None:
            try:
                welfare.close()
            except Exception:
                pass
        platform_.stop()
        report.source_end = source_state()
        report.total_s = time.monotonic() - started
        write_results(report, facts, args.results)
        say(f"wrote {args.results} ({report.total_s / 60:.1f} min in all)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
