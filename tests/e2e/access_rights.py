"""Rights' objects for the access tests (tests/e2e/test_access.py, through tests/e2e/access_table.py).

Each maker makes an object in union A through the API; a caller bound to
union B must then get 404 for it. Rights learns of union A from membership's
event, so the first maker retries while union A is still unknown there.
"""

from __future__ import annotations

from tests.e2e.access_table import World, body, maker
from tests.helpers import wait_until


def _created_once_known(world: World, path: str, data: dict) -> str:
    """POST `data`; while rights has not heard of union A yet (422 on organisation_id), try again."""
    def attempt() -> str | None:
        response = world.admin.post(world.api(path), json=data)
        if response.status_code == 422 and "organisation_id" in response.json().get("errors", {}):
            return None
        assert response.status_code == 201, response.text
        return response.json()["id"]

    return wait_until(attempt, timeout=60)


@maker("negotiation_id")
def make_negotiation(world: World) -> str:
    return _created_once_known(world, "/contract-negotiations", {
        "organisation_id": world.union_a, "kind": "wages", "started_on": "2023-01-02"})


@maker("contract_id")
def make_contract(world: World) -> str:
    return _created_once_known(world, "/collective-contracts", {
        "organisation_id": world.union_a, "kind": "safety", "signed_on": "2022-03-01", "expires_on": "2025-02-28",
        "workers_covered": 40})


@maker("dispute_case_id")
def make_dispute_case(world: World) -> str:
    return _created_once_known(world, "/dispute-cases", {
        "claimant_name": "甲", "organisation_id": world.union_a, "employer_name": "某劳务公司", "kind": "dismissal",
        "amount_claimed_fen": 100})


@maker("order_id")
def make_order(world: World) -> str:
    return _created_once_known(world, "/hotline-orders", {
        "caller_name": "甲", "phone": "13812345678", "category": "consultation", "description": "咨询",
        "organisation_id": world.union_a})


@maker("event_id")
def make_legal_event(world: World) -> str:
    return _created_once_known(world, "/legal-events", {
        "held_on": "2022-04-15", "kind": "offline", "attendees": 20, "brochures": 0,
        "organisation_id": world.union_a})


@body("POST", "/api/v1/contract-negotiations/{negotiation_id}/rounds")
def round_body(world: World) -> dict:
    return {"held_on": "2023-01-05"}


@body("POST", "/api/v1/contract-negotiations/{negotiation_id}/congress-vote")
def vote_body(world: World) -> dict:
    return {"held_on": "2023-01-10", "delegates": 30, "present": 25, "votes_for": 20}


@body("POST", "/api/v1/contract-negotiations/{negotiation_id}/sign")
def sign_body(world: World) -> dict:
    return {"signed_on": "2023-01-12", "expires_on": "2025-12-31", "workers_covered": 9}


@body("POST", "/api/v1/collective-contracts/{contract_id}/filing")
def filing_body(world: World) -> dict:
    return {"submitted_on": "2022-03-08"}


@body("POST", "/api/v1/collective-contracts/{contract_id}/review")
def contract_review_body(world: World) -> dict:
    return {"reviewed_on": "2022-03-20", "decision": "accepted"}


@body("POST", "/api/v1/collective-contracts/{contract_id}/renew")
def renew_body(world: World) -> dict:
    return {"signed_on": "2025-02-20", "expires_on": "2028-02-28", "workers_covered": 40}


@body("POST", "/api/v1/dispute-cases/{dispute_case_id}/assign")
def case_assign_body(world: World) -> dict:
    return {"lawyer_name": "王律师"}


@body("POST", "/api/v1/dispute-cases/{dispute_case_id}/mediate")
@body("POST", "/api/v1/dispute-cases/{dispute_case_id}/arbitrate")
@body("POST", "/api/v1/dispute-cases/{dispute_case_id}/litigate")
def stage_body(world: World) -> dict:
    return {"note": "访问测试"}


@body("POST", "/api/v1/dispute-cases/{dispute_case_id}/close")
def case_close_body(world: World) -> dict:
    return {"outcome": "settled", "amount_recovered_fen": 0}


@body("POST", "/api/v1/dispute-cases/{dispute_case_id}/hardship-referral")
def referral_body(world: World) -> dict:
    return {"reason": "家庭困难"}


@body("POST", "/api/v1/hotline-orders/{order_id}/assign")
def order_assign_body(world: World) -> dict:
    return {"handler_name": "李"}


@body("POST", "/api/v1/hotline-orders/{order_id}/resolve")
def resolve_body(world: World) -> dict:
    return {"resolution": "已解答"}


@body("POST", "/api/v1/hotline-orders/{order_id}/visit")
def visit_body(world: World) -> dict:
    return {"satisfaction": 5}


@body("POST", "/api/v1/hotline-orders/{order_id}/close")
def order_close_body(world: World) -> dict:
    return {"note": "访问测试"}


@body("POST", "/api/v1/hotline-orders/{order_id}/escalate")
def escalate_body(world: World) -> dict:
    return {"kind": "wage_arrears", "employer_name": "某劳务公司"}
