"""Welfare's objects for the access tests (tests/e2e/test_access.py, through tests/e2e/access_table.py).

Each maker makes an object in union A through the API; a caller bound to
union B must then get 404 for it. The ledger is the federation's books: a
caller bound to a union is refused its lists (403) and finds none of its
transactions (404). Funds and the year's mutual-aid plan are the city's, not
a union's.
"""

from __future__ import annotations

from tests.e2e.access_table import MAKERS, World, body, exempt, maker
from tests.helpers import wait_until

PLAN_YEAR = 2022  # the same plan as tests/e2e/test_welfare.py: one a year, made by whoever comes first
CAPS = {"hospitalisation": 800_000, "accident": 300_000, "critical_illness": 1_000_000}

exempt("code", "fund codes name the federation's funds, not a union's; a caller bound to a union is refused "
               "the ledger (403)")
exempt("GET /api/v1/mutual-aid/plans/{plan_id}", "the year's mutual-aid plan is the city's scheme, read by every "
                                                  "welfare reader (a union enrols its members in it)")

_membership_member = MAKERS["member_id"]


@maker("member_id")
def make_member_known_to_welfare(world: World) -> str:
    """Union A's member, once welfare's copy of it has arrived (it comes by event)."""
    member_id = _membership_member(world)
    wait_until(lambda: world.admin.get(world.api(f"/members/{member_id}/cover")).status_code == 200, timeout=60)
    return member_id


def _created(response) -> str:
    assert response.status_code == 201, response.text
    return response.json()["id"]


def _plan(world: World) -> str:
    made = world.admin.post(world.api("/mutual-aid/plans"), json={
        "year": PLAN_YEAR, "premium_fen": 6_500, "caps": CAPS, "annual_cap_fen": 1_500_000})
    if made.status_code == 201:
        return made.json()["id"]
    assert made.status_code == 409, made.text
    return world.admin.get(world.api("/mutual-aid/plans"), params={"year": PLAN_YEAR}).json()["items"][0]["id"]


@maker("transaction_id")
def make_transaction(world: World) -> str:
    return _created(world.admin.post(world.api("/funds/condolence/deposits"),
                                     json={"amount_fen": 100, "source": "访问测试"}))


@maker("claim_id")
def make_claim(world: World) -> str:
    member_id = world.make("member_id")
    plan_id = _plan(world)
    enrolled = world.admin.post(world.api("/mutual-aid/enrolments"), json={
        "plan_id": plan_id, "organisation_id": world.union_a, "member_ids": [member_id],
        "enrolled_on": "2022-04-01"})
    assert enrolled.status_code == 201, enrolled.text
    return _created(world.admin.post(world.api("/mutual-aid/claims"), json={
        "plan_id": plan_id, "member_id": member_id, "kind": "accident", "incurred_on": "2022-06-01",
        "amount_claimed_fen": 1_000}))


@maker("hardship_case_id")
def make_hardship_case(world: World) -> str:
    return _created(world.admin.post(world.api("/hardship-cases"),
                                     json={"member_id": world.make("member_id"), "reason": "大病致困"}))


@maker("grant_id")
def make_grant(world: World) -> str:
    case_id = world.make("hardship_case_id")
    reviewed = world.admin.post(world.api(f"/hardship-cases/{case_id}/review"), json={"decision": "approved"})
    assert reviewed.status_code == 200, reviewed.text
    return _created(world.admin.post(world.api(f"/hardship-cases/{case_id}/grants"),
                                     json={"kind": "regular", "amount_fen": 1_000, "year": PLAN_YEAR}))


@maker("subsidy_id")
def make_subsidy(world: World) -> str:
    return _created(world.admin.post(world.api("/subsidies"), json={
        "member_id": world.make("member_id"), "programme": "本科学历提升", "amount_requested_fen": 10_000}))


@body("POST", "/api/v1/ledger/transactions/{transaction_id}/reverse")
@body("POST", "/api/v1/mutual-aid/claims/{claim_id}/reject")
@body("POST", "/api/v1/subsidies/{subsidy_id}/reject")
@body("POST", "/api/v1/hardship-grants/{grant_id}/object")
def reason_body(world: World) -> dict:
    return {"reason": "材料不全"}


@body("POST", "/api/v1/mutual-aid/claims/{claim_id}/approve")
def approve_claim_body(world: World) -> dict:
    return {"amount_approved_fen": 100}


@body("POST", "/api/v1/mutual-aid/claims/{claim_id}/pay")
@body("POST", "/api/v1/hardship-grants/{grant_id}/pay")
@body("POST", "/api/v1/subsidies/{subsidy_id}/pay")
@body("POST", "/api/v1/subsidies/{subsidy_id}/approve")
def empty_body(world: World) -> dict:
    return {}


@body("POST", "/api/v1/hardship-cases/{hardship_case_id}/review")
def review_body(world: World) -> dict:
    return {"decision": "approved", "note": "入户核实"}


@body("POST", "/api/v1/hardship-cases/{hardship_case_id}/grants")
def grant_body(world: World) -> dict:
    return {"kind": "regular", "amount_fen": 1_000, "year": PLAN_YEAR}
