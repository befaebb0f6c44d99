"""Sending the planned city to the platform, area by area, through the public API only.

Members go in through the roster import (the bulk route an HR system uses);
everything else through the ordinary routes, many at a time. Each step
prints its progress and how long it took.
"""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Callable
from typing import Any

from demo.client import ApiError, Client, Progress, say
from demo.plan import City, Person

API = "/api/v1"
ROSTER_ROWS = 20_000
ROSTER_COLUMNS = ("name", "id_number", "phone", "organisation_id", "employment_form", "occupation", "joined_on")


class Loader:
    def __init__(self, client: Client, city: City):
        self.api = client
        self.city = city
        self.timings: dict[str, float] = {}
        self.rosters = 0

    def step(self, name: str, work: Callable[[], Any]) -> Any:
        started = time.monotonic()
        if not self.api.quiet:
            say(f"{name} ...")
        result = work()
        self.timings[name] = time.monotonic() - started
        return result

    # ------------------------------------------------------------ membership

    def organisations(self) -> None:
        """Parents before children: one level at a time, each level in parallel."""
        orgs = self.city.organisations
        depth = max(len(o.path) for o in orgs)
        progress = Progress("organisations", len(orgs), every=float("inf"), quiet=self.api.quiet)
        for level in range(1, depth + 1):
            batch = [o for o in orgs if len(o.path) == level]

            def create(org: Any) -> None:
                body: dict[str, Any] = {"name": org.name, "kind": org.kind,
                                        "established_on": org.established_on.isoformat()}
                if org.parent is not None:
                    body["parent_id"] = orgs[org.parent].id
                if org.employer:
                    body["employer"] = org.employer
                try:
                    org.id = self.api.post(f"{API}/organisations", body)["id"]
                except ApiError as exc:
                    if org.parent is None and exc.status == 422 and "name" in exc.body:
                        raise SystemExit(f"the platform already has an organisation named {org.name}: "
                                         "the demo fills an empty platform (or pass --root-name)") from None
                    raise
                progress.add()

            if len(batch) == 1:
                create(batch[0])
            else:
                self.api.parallel(f"organisations, level {level}", batch, create)
        progress.finish()

    def members(self, first: set[int] | None = None) -> None:
        """Every member through roster imports.

        The members other services will act on (`first`, person indexes) go in
        a file of their own that is imported before the rest: their
        `member_joined` events then reach the other services' queues first, so
        those services know them long before the whole city is in.
        """
        first = first or set()
        leading = [p for p in self.city.people if p.index in first]
        rest = [p for p in self.city.people if p.index not in first]
        progress = Progress("members imported", len(self.city.people), quiet=self.api.quiet)
        done: list[dict] = []
        batches = [[leading]] if leading else []
        batches.append([rest[i:i + ROSTER_ROWS] for i in range(0, len(rest), ROSTER_ROWS)])
        for batch in batches:
            jobs = [self._post_roster(rows) for rows in batch if rows]
            done.extend(self._wait_for(jobs, progress, sum(d["imported"] for d in done)))
        progress.finish()
        failed = [job for job in done if job["status"] == "failed" or job["failed"]]
        if failed:
            raise SystemExit(f"the roster import refused rows: {failed[0].get('errors', [])[:5]} "
                             f"{failed[0].get('message') or ''}")
        self.member_ids()

    def _post_roster(self, rows: list[Person]) -> str:
        orgs = self.city.organisations
        out = io.StringIO()
        writer = csv.DictWriter(out, ROSTER_COLUMNS)
        writer.writeheader()
        for p in rows:
            writer.writerow(p.roster_row(orgs[p.organisation].id))
        self.rosters += 1
        return self.api.post(f"{API}/members/imports", files={
            "file": (f"roster-{self.rosters}.csv", out.getvalue().encode(), "text/csv")})["id"]

    def _wait_for(self, jobs: list[str], progress: Progress, before: int) -> list[dict]:
        done: dict[str, dict] = {}
        running: dict[str, int] = {}
        while len(done) < len(jobs):
            # The jobs run side by side; polling competes with them for membership's time, so not too often.
            for job_id in [j for j in jobs if j not in done]:
                job = self.api.get(f"{API}/members/imports/{job_id}")
                running[job_id] = job["imported"]
                if job["status"] in ("done", "failed"):
                    done[job_id] = job
            progress.add(before + sum(running.values()) - progress.done)
            if len(done) < len(jobs):
                time.sleep(3)
        return list(done.values())

    def member_ids(self) -> None:
        """Learn each member's id: list the city's members and match them to the plan."""
        by_key = {p.match_key(): p for p in self.city.people}
        found = 0
        for item in self.api.pages(f"{API}/members", {"organisation_id": self.city.root.id}):
            key = (item["name"], item["joined_on"], item["id_number"][-4:], item["phone"][-4:])
            person = by_key.get(key)
            if person is not None and person.id is None:
                person.id = item["id"]
                found += 1
        if found != len(self.city.people):
            raise SystemExit(f"found {found:,} of the {len(self.city.people):,} imported members in the listing")

    def membership_changes(self) -> None:
        """Leaving, transfers and honours, as the year brought them."""
        city = self.city
        orgs = city.organisations

        def leave(p: Person) -> None:
            self.api.post(f"{API}/members/{p.id}/leave", {"on": p.left_on.isoformat(), "reason": p.left_reason})

        def transfer(p: Person) -> None:
            self.api.post(f"{API}/members/{p.id}/transfer",
                          {"to_organisation_id": orgs[p.transfer_to].id, "on": p.transfer_on.isoformat()})

        def honour(h: Any) -> None:
            self.api.post(f"{API}/members/{city.people[h.person].id}/honours",
                          {"title": h.title, "level": h.level, "year": h.year})

        self.api.parallel("transfers", [p for p in city.people if p.transfer_to is not None], transfer)
        self.api.parallel("honours", city.honours, honour)
        self.api.parallel("members leaving", [p for p in city.people if p.left_on is not None], leave)
