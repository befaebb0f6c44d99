"""The annual report shows exactly what was loaded: a small city with random counts, sent by the demo
generator through the public API, read back as the city's chair, a street's chair, and as Excel.

The platform is shared with other tests, so the figures are read within the test's own city (a union
chair's scope), never as global counts.
"""

from __future__ import annotations

import io
import random
import uuid

import openpyxl
import pytest
import requests

from demo import scenario as demo
from demo.__main__ import api_key_for
from demo.client import Client
from demo.verify import differences
from tests.helpers import wait_until

API = "/api/v1"


def staff_session(platform, admin: requests.Session, roles: list[str], organisation_id: str | None) -> requests.Session:
    username = f"report-{uuid.uuid4().hex[:10]}"
    body = {"username": username, "password": "report-pass-1234", "display_name": "报表用户", "roles": roles}
    if organisation_id is not None:
        body["organisation_id"] = organisation_id
    created = admin.post(f"{platform.url}{API}/users", json=body)
    assert created.status_code == 201, created.text
    return platform.session(username, "report-pass-1234")


def report(platform, http: requests.Session, year: int) -> dict:
    response = http.get(f"{platform.url}{API}/reports/annual", params={"year": year})
    assert response.status_code == 200, response.text
    return response.json()


def settled(platform, http: requests.Session, year: int, expected: dict) -> None:
    """Wait (with a deadline) for work still travelling by event, e.g. payouts, to reach the figures."""
    try:
        wait_until(lambda: not differences(report(platform, http, year), expected), timeout=60, interval=0.5)
    except AssertionError:
        pass  # the caller's assertion shows which figures differ


@pytest.fixture(scope="module")
def scenario(platform):
    """A small city with randomly drawn counts, loaded once for this module (per backend)."""
    seed = random.randrange(10**9)
    print(f"demo seed {seed}")  # shown on failure: `python -m demo --small --seed N` repeats the plan
    # As the demo does: an external system with an API key of its own, made by the admin.
    key = api_key_for(platform.url, platform.token(), f"annual-report-test-{seed}")
    assert key, "the platform offers API keys"
    client = Client(platform.url, api_key=key, workers=4, quiet=True)
    planned = demo.build(seed, True, f"年报测试市总工会{uuid.uuid4().hex[:8]}", demo.available_areas(client))
    demo.load(client, planned)
    return planned


def test_the_report_shows_every_loaded_figure_to_the_citys_chair(platform, scenario):
    city = scenario.city
    admin = platform.session()
    chair = staff_session(platform, admin, ["union_chair"], city.root.id)
    expected = demo.expected(scenario)
    assert expected["membership"]["new_members"] == city.targets.new_members
    assert expected["membership"]["members_total"] == city.targets.members_total
    settled(platform, chair, city.targets.year, expected)
    shown = report(platform, chair, city.targets.year)
    assert differences(shown, expected) == []
    assert shown["organisation_id"] == city.root.id and shown["year"] == city.targets.year
    # The year before counts its own joiners (the plan's older members), none of this year's.
    before = report(platform, chair, city.targets.year - 1)["membership"]
    joined_before = sum(1 for p in city.people if p.joined_on.year == city.targets.year - 1)
    assert before["new_members"] == joined_before


def test_a_street_chair_sees_only_their_own_unions(platform, scenario):
    city = scenario.city
    admin = platform.session()
    street = max((o for o in city.organisations if o.parent == city.root.index),
                 key=lambda o: demo.expected(scenario, o.index)["membership"]["members_total"])
    chair = staff_session(platform, admin, ["union_chair"], street.id)
    expected = demo.expected(scenario, street.index)
    assert expected["membership"]["members_total"] < city.targets.members_total
    shown = report(platform, chair, city.targets.year)
    assert differences(shown, expected) == []
    assert shown["organisation_id"] == street.id


def test_the_export_is_a_workbook_with_the_reports_labels(platform, scenario):
    city = scenario.city
    admin = platform.session()
    chair = staff_session(platform, admin, ["union_chair"], city.root.id)
    response = chair.get(f"{platform.url}{API}/reports/annual/export", params={"year": city.targets.year})
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = {row[1]: row[2] for row in sheet.iter_rows(values_only=True) if row and len(row) > 2}
    figures = demo.expected(scenario)["membership"]
    assert rows["新建工会组织"] == figures["new_organisations"]
    assert rows["新发展会员"] == figures["new_members"]
    assert rows["其中新就业形态会员"] == figures["new_form_members"]
    assert rows["年末会员总数"] == figures["members_total"]
    assert city.root.name in str(sheet["A2"].value)


def test_who_may_read_the_report(platform, scenario):
    city = scenario.city
    admin = platform.session()
    year = city.targets.year
    auditor = staff_session(platform, admin, ["auditor"], None)
    whole = report(platform, auditor, year)
    assert whole["organisation_id"] is None
    assert whole["membership"]["members_total"] >= city.targets.members_total
    pii_only = staff_session(platform, admin, ["pii"], None)
    assert pii_only.get(f"{platform.url}{API}/reports/annual", params={"year": year}).status_code == 403
    assert requests.get(f"{platform.url}{API}/reports/annual", params={"year": year}).status_code == 401
    bad = admin.get(f"{platform.url}{API}/reports/annual", params={"year": "twenty"})
    assert bad.status_code in (400, 422) and "year" in bad.json()["errors"]
