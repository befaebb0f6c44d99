"""Time ranking a 2,000-entrant competition with 5 judges, as the training service does it.

    python -m bench.training_ranking                       # SQLite in a temporary folder
    python -m bench.training_ranking --database postgresql # drops and recreates bench_training_ranking

Runs training's own use cases (enter, record_scores, publish_results) on a
real, migrated database, without the broker: what is timed is the work one
RPC worker does (the RPC round trip adds a few milliseconds per call). The
figures go to bench/RESULTS-training.md.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import sessionmaker

from services.chassis import migrate
from services.chassis.database import make_engine
from services.training import competitions
from services.training.models import directory

POSTGRES = "postgresql://postgres@127.0.0.1:5432/"
RESULTS = Path(__file__).parent / "RESULTS-training.md"


class Unit:
    """The part of the chassis' unit of work the use cases touch."""

    def __init__(self, sessions: Any):
        self.session = sessions()

    def publish(self, *_: Any, **__: Any) -> None:
        pass

    def commit(self) -> None:
        self.session.commit()
        self.session.close()


def database(kind: str) -> str:
    if kind == "sqlite":
        return f"sqlite:///{tempfile.mkdtemp()}/training.db"
    import psycopg2

    conn = psycopg2.connect(POSTGRES + "postgres")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute('DROP DATABASE IF EXISTS "bench_training_ranking" WITH (FORCE)')
        cur.execute('CREATE DATABASE "bench_training_ranking"')
    conn.close()
    return POSTGRES + "bench_training_ranking"


def run(kind: str, entrants: int, judges: int) -> dict[str, float]:
    url = database(kind)
    migrate.upgrade("training", url)
    engine = make_engine(url)
    sessions = sessionmaker(bind=engine, expire_on_commit=False)
    unit = Unit(sessions)
    unit.session.execute(insert(directory.organisations), [{
        "organisation_id": 1, "name": "市总工会", "kind": "federation", "parent_id": None, "path": "/1/",
        "employer_size": None, "established_on": None}])
    unit.session.execute(insert(directory.members), [{
        "member_id": m, "name": f"选手{m}", "organisation_id": 1, "organisation_path": "/1/",
        "employment_form": "standard", "occupation": None, "status": "active", "joined_on": date(2020, 1, 1),
        "left_on": None, "revision": 1} for m in range(1, entrants + 1)])
    competition = competitions.create_competition(unit, {
        "name": "技能大赛", "kind": "skill", "organisation_id": 1, "held_on": "2022-06-01",
        "prizes": {"first": 10, "second": 20, "third": 30, "excellence": 100}})
    unit.commit()
    cid = competition["id"]
    timings: dict[str, float] = {}

    started = time.perf_counter()
    for member_id in range(1, entrants + 1):
        unit = Unit(sessions)
        competitions.enter(unit, cid, {"member_id": member_id})
        unit.commit()
    timings[f"{entrants} entries, one call each (total)"] = time.perf_counter() - started

    rng = random.Random(7)
    started = time.perf_counter()
    for judge in range(judges):
        unit = Unit(sessions)
        marks = [{"member_id": m, "score": rng.randint(6000, 10000) / 100} for m in range(1, entrants + 1)]
        competitions.record_scores(unit, cid, {"judge": f"评委{judge + 1}", "scores": marks})
        unit.commit()
    timings[f"{judges} judges x {entrants} marks, one call per judge (total)"] = time.perf_counter() - started

    started = time.perf_counter()
    unit = Unit(sessions)
    published = competitions.publish_results(unit, cid, {})
    unit.commit()
    timings["publish: final scores, ranks and awards (one call)"] = time.perf_counter() - started
    assert len(published["results"]) == entrants
    engine.dispose()
    return timings


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--entrants", type=int, default=2000)
    parser.add_argument("--judges", type=int, default=5)
    args = parser.parse_args()
    timings = run(args.database, args.entrants, args.judges)
    lines = [f"| {what} | {seconds * 1000:,.0f} ms |" for what, seconds in timings.items()]
    section = (f"\n## {args.database}: {args.entrants} entrants, {args.judges} judges\n\n"
               "| step | time |\n|---|---:|\n" + "\n".join(lines) + "\n")
    print(section)
    header = ("# Training: ranking a competition\n\n"
              "`python -m bench.training_ranking [--database postgresql]` runs training's use cases on a real,\n"
              "migrated database (no broker). The RPC round trip adds a few ms per call.\n")
    existing = RESULTS.read_text() if RESULTS.exists() else header
    marker = f"\n## {args.database}: "
    kept = existing.split(marker)[0] if marker in existing else existing
    rest = ""
    if marker in existing:
        after = existing.split(marker, 1)[1]
        rest = after[after.find("\n## "):] if "\n## " in after else ""
    RESULTS.write_text(kept.rstrip("\n") + "\n" + section + rest)


if __name__ == "__main__":
    main()
