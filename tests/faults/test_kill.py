"""Fault 1: SIGKILL a service in the middle of its work; restarted, the work completes exactly once."""

from __future__ import annotations

import pytest

from tests.faults.harness import (
    assert_each_once,
    assert_events_handled_once,
    assert_member_copies_agree,
    events_handled,
    import_events,
    start_import,
    wait_import_done,
)
from tests.helpers import wait_until

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

ROWS = 5_000  # ten chunks, each one members_imported event: time to kill welfare between the first and last
IMPORT_ROWS = 2_000  # four chunks of 500: seconds between the first commit and the last, time to kill it


def test_sigkill_welfare_while_it_handles_member_events(make_platform):
    platform = make_platform()
    platform.start_all()
    http = platform.session()
    union = platform.create_union(http)
    import_id, id_numbers = start_import(platform, http, union, ROWS)

    def handled() -> int:
        return events_handled(platform, "welfare")

    # Kill it once it has handled some of the events and not all: handlers are running.
    seen = wait_until(lambda: handled() > 0 and handled(), timeout=60, interval=0.05)
    assert seen < import_events(ROWS), "welfare handled every event before it could be killed; raise ROWS"
    platform.kill("welfare")
    at_kill = handled()
    assert at_kill < import_events(ROWS)

    platform.start("welfare")
    assert wait_import_done(platform, http, import_id)["imported"] == ROWS
    assert_each_once(platform, id_numbers)
    assert assert_events_handled_once(platform, timeout=120) >= import_events(ROWS)
    assert_member_copies_agree(platform)


def test_sigkill_membership_in_the_middle_of_a_roster_import(make_platform):
    platform = make_platform()
    platform.start_all()
    http = platform.session()
    union = platform.create_union(http)
    import_id, id_numbers = start_import(platform, http, union, IMPORT_ROWS)

    def progress() -> tuple[str, int]:
        row = platform.rows("membership", "SELECT status, processed FROM roster_import WHERE id = :id",
                            id=int(import_id))[0]
        return row.status, row.processed

    # After the first chunk is committed and before the last one is.
    wait_until(lambda: progress()[1] > 0, timeout=60, interval=0.05)
    status, processed = progress()
    assert status == "running" and processed < IMPORT_ROWS, "the import finished before the kill: raise IMPORT_ROWS"
    platform.kill("membership")
    assert progress()[1] < IMPORT_ROWS

    platform.start("membership")
    job = wait_import_done(platform, http, import_id)
    assert job["imported"] == IMPORT_ROWS and job["failed"] == 0 and job["processed"] == IMPORT_ROWS
    assert_each_once(platform, id_numbers)
    assert assert_events_handled_once(platform, timeout=120) >= import_events(IMPORT_ROWS)
    assert_member_copies_agree(platform)
