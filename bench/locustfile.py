"""Load scenarios for the gateway, one per locust run.

Environment:
    BENCH_SCENARIO  get_member | search | search_prefix | create
    BENCH_TOKEN     a bearer token (bench/run.py signs in once and passes it)
    BENCH_IDS       file of seeded member ids, one a line (get_member)
    BENCH_TERMS     file of search terms, one a line (search and search_prefix, which differ only in the
                    terms bench/run.py passes; Faker surnames if absent)
    BENCH_ORGS      file of grassroots organisation ids, one a line (create)

Run by bench/run.py (with --tool locust; bench/wrk/scenario.lua is the wrk twin); by hand, for example:
    BENCH_SCENARIO=get_member BENCH_TOKEN=... BENCH_IDS=/tmp/bench-var/ids.txt \
        locust -f bench/locustfile.py --headless -u 30 -r 30 -t 30s --host http://127.0.0.1:8600
"""

from __future__ import annotations

import itertools
import os
import random
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import quote

from faker import Faker
from locust import FastHttpUser, constant, task

from services.chassis.identity import complete_resident_id

SCENARIO = os.environ.get("BENCH_SCENARIO", "get_member")
TOKEN = os.environ.get("BENCH_TOKEN", "")
HEADERS = {"Authorization": f"Bearer {TOKEN}"}


def _lines(variable: str) -> list[str]:
    path = os.environ.get(variable)
    if not path or not Path(path).exists():
        return []
    return [line.strip() for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]


IDS = _lines("BENCH_IDS")
TERMS = _lines("BENCH_TERMS")
ORGS = _lines("BENCH_ORGS")

fake = Faker("zh_CN")
if not TERMS:
    TERMS = sorted({fake.last_name() for _ in range(300)})

# Fresh, valid and unique ID numbers: a region the seeding never uses, a birth
# date that moves one day every 1,000 members, a random starting day per run.
_REGION = "440305"
_FIRST_BIRTHDAY = date(1955, 1, 1)
_START_DAY = random.randrange(0, 15_000)
_serial = itertools.count()
OCCUPATIONS = ("快递员", "外卖骑手", "网约车司机", "货车司机", "焊工", "电工", "护工", "保洁员", "教师", "车工")


def fresh_id_number() -> str:
    n = next(_serial)
    born = _FIRST_BIRTHDAY + timedelta(days=_START_DAY + n // 1000)
    return complete_resident_id(f"{_REGION}{born:%Y%m%d}{n % 1000:03d}")


def fresh_member() -> dict:
    return {
        "name": fake.name(),
        "id_number": fresh_id_number(),
        "phone": f"1{random.choice('3456789')}{random.randrange(10**9):09d}",
        "organisation_id": random.choice(ORGS),
        "employment_form": random.choice(("standard", "new_form")),
        "occupation": random.choice(OCCUPATIONS),
        "joined_on": (date(2005, 1, 1) + timedelta(days=random.randrange(6000))).isoformat(),
    }


class GatewayUser(FastHttpUser):
    wait_time = constant(0)

    def on_start(self) -> None:
        if SCENARIO == "get_member" and not IDS:
            raise RuntimeError("BENCH_IDS must name a file of member ids for the get_member scenario")
        if SCENARIO == "create" and not ORGS:
            raise RuntimeError("BENCH_ORGS must name a file of organisation ids for the create scenario")

    @task
    def scenario(self) -> None:
        if SCENARIO == "get_member":
            self.client.get(f"/api/v1/members/{random.choice(IDS)}", headers=HEADERS, name="/api/v1/members/{id}")
        elif SCENARIO in ("search", "search_prefix"):
            term = quote(random.choice(TERMS))
            self.client.get(f"/api/v1/members?q={term}", headers=HEADERS, name="/api/v1/members?q=")
        elif SCENARIO == "create":
            with self.client.post("/api/v1/members", json=fresh_member(), headers=HEADERS,
                                  name="/api/v1/members", catch_response=True) as response:
                if response.status_code != 201:
                    response.failure(f"status {response.status_code}: {response.text[:200]}")
        else:
            raise RuntimeError(f"unknown BENCH_SCENARIO {SCENARIO!r}")
