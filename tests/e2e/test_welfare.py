"""Welfare through the gateway, on the running platform (SQLite and PostgreSQL).

The platform is shared with every other e2e module: this one makes its own
unions and members, and compares figures before and after instead of
counting on an empty database.
"""

from __future__ import annotations

import uuid

import pytest
import requests
from nameko.standalone.events import event_dispatcher
from nameko.standalone.rpc import ClusterRpcProxy

from services.chassis.events import envelope
from tests.helpers import credit_code, member_body, wait_until

API = "/api/v1"
PLAN_YEAR = 2022
CAPS = {"hospitalisation": 800_000, "accident": 300_000, "critical_illness": 1_000_000}


class Welfare:
    """The welfare part of the API as one admin session sees it."""

    def __init__(self, platform):
        self.platform = platform
        self.url = platform.url + API
        self.http = platform.session()

    def post(self, path: str, body: dict | None = None, http: requests.Session | None = None) -> requests.Response:
        return (http or self.http).post(self.url + path, json=body if body is not None else {}, timeout=30)

    def get(self, path: str, http: requests.Session | None = None, **params) -> requests.Response:
        return (http or self.http).get(self.url + path, params=params, timeout=30)

    def ok(self, response: requests.Response, status: int = 200) -> dict:
        assert response.status_code == status, response.text
        return response.json()

    def balances(self) -> dict[str, int]:
        return {f["code"]: f["balance_fen"] for f in self.ok(self.get("/funds"))["items"]}

    def stats(self, year: int = PLAN_YEAR) -> dict:
        with ClusterRpcProxy({"AMQP_URI": self.platform.amqp_uri}, timeout=15) as rpc:
            return rpc.welfare.annual_stats(year)

    def plan(self) -> dict:
        """This run's plan for PLAN_YEAR: one a year, so made once and then found."""
        made = self.post("/mutual-aid/plans", {"year": PLAN_YEAR, "premium_fen": 6_500, "caps": CAPS,
                                               "annual_cap_fen": 1_500_000})
        if made.status_code == 201:
            return made.json()
        assert made.status_code == 409, made.text
        return self.ok(self.get("/mutual-aid/plans", year=PLAN_YEAR))["items"][0]

    def unions(self) -> tuple[str, str, str]:
        """A federation with a small employer's union and a medium employer's one."""
        fed = self.ok(self.post("/organisations", {"name": f"福利测试总工会{uuid.uuid4().hex[:8]}",
                                                   "kind": "federation", "established_on": "1950-05-01"}), 201)
        ids = []
        for name, size in (("小微企业工会", "small"), ("中型企业工会", "medium")):
            union = self.post("/organisations", {
                "name": name, "kind": "grassroots", "parent_id": fed["id"], "established_on": "2020-03-01",
                "employer": {"name": f"{name}{uuid.uuid4().hex[:6]}", "credit_code": credit_code(), "size": size}})
            ids.append(self.ok(union, 201)["id"])
        return fed["id"], ids[0], ids[1]

    def members(self, organisation_id: str, count: int) -> list[str]:
        ids = [self.ok(self.post("/members", member_body(organisation_id, joined_on="2021-01-04")), 201)["id"]
               for _ in range(count)]
        for member_id in ids:  # welfare's copy follows membership's events
            wait_until(lambda m=member_id: self.get(f"/members/{m}/cover").status_code == 200, timeout=30)
        return ids


@pytest.fixture
def welfare(platform) -> Welfare:
    return Welfare(platform)


def test_the_year_of_a_union_walks_through_welfare(welfare):
    w = welfare
    _, small, medium = w.unions()
    members = w.members(small, 4)
    stats_before = w.stats()
    for code, amount in (("dues_refund", 1_000_000), ("mutual_aid", 1_000_000), ("hardship_relief", 2_000_000),
                         ("condolence", 100_000), ("subsidies", 500_000)):
        w.ok(w.post(f"/funds/{code}/deposits", {"amount_fen": amount, "source": "市总工会拨款", "memo": "e2e"}), 201)
    before = w.balances()

    # dues refund: small employers once a year, never a medium one
    refund = lambda org: w.post("/dues-refunds", {"organisation_id": org, "year": PLAN_YEAR, "amount_fen": 25_000})  # noqa: E731
    wait_until(lambda: refund(small).status_code == 201, timeout=30)
    assert refund(small).status_code == 409
    wait_until(lambda: "micro and small" in refund(medium).text, timeout=30)

    # mutual aid: enrol three members, premiums in; the fourth never enrolled
    plan = w.plan()
    enrolled = w.ok(w.post("/mutual-aid/enrolments", {"plan_id": plan["id"], "organisation_id": small,
                                                      "member_ids": members[:3], "enrolled_on": "2022-03-01"}), 201)
    assert enrolled["enrolled"] == 3 and enrolled["premiums_fen"] == 3 * plan["premium_fen"]
    again = w.post("/mutual-aid/enrolments", {"plan_id": plan["id"], "organisation_id": small,
                                              "member_ids": [members[3], members[0]], "enrolled_on": "2022-03-01"})
    assert again.status_code == 422 and "member_ids.1" in again.json()["errors"]

    claim = w.ok(w.post("/mutual-aid/claims", {"plan_id": plan["id"], "member_id": members[0],
                                               "kind": "hospitalisation", "incurred_on": "2022-05-01",
                                               "amount_claimed_fen": 500_000}), 201)
    over = w.post(f"/mutual-aid/claims/{claim['id']}/approve", {"amount_approved_fen": 500_001})
    assert over.status_code == 422 and "amount_approved_fen" in over.json()["errors"]
    w.ok(w.post(f"/mutual-aid/claims/{claim['id']}/approve", {"amount_approved_fen": 200_000}))
    paid = w.ok(w.post(f"/mutual-aid/claims/{claim['id']}/pay"))
    assert paid["status"] == "paid" and paid["transaction_id"]
    assert w.post(f"/mutual-aid/claims/{claim['id']}/pay").status_code == 409
    uncovered = w.post("/mutual-aid/claims", {"plan_id": plan["id"], "member_id": members[3], "kind": "accident",
                                              "incurred_on": "2022-05-01", "amount_claimed_fen": 1_000})
    assert uncovered.status_code == 422 and "member_id" in uncovered.json()["errors"]
    fractional = w.post("/mutual-aid/claims", {"plan_id": plan["id"], "member_id": members[1], "kind": "accident",
                                               "incurred_on": "2022-05-01", "amount_claimed_fen": 10.5})
    assert fractional.status_code == 422 and "amount_claimed_fen" in fractional.json()["errors"]
    early = w.ok(w.post("/mutual-aid/claims", {"plan_id": plan["id"], "member_id": members[1], "kind": "accident",
                                               "incurred_on": "2022-02-01", "amount_claimed_fen": 1_000}), 201)
    refused = w.post(f"/mutual-aid/claims/{early['id']}/approve", {"amount_approved_fen": 1_000})
    assert refused.status_code == 422 and "incurred_on" in refused.json()["errors"]
    w.ok(w.post(f"/mutual-aid/claims/{early['id']}/reject", {"reason": "投保前发生"}))
    assert w.post(f"/mutual-aid/claims/{early['id']}/approve", {"amount_approved_fen": 1}).status_code == 409

    cover = w.ok(w.get(f"/members/{members[0]}/cover"))
    this_year = next(c for c in cover["covers"] if c["year"] == PLAN_YEAR)
    assert this_year["remaining"]["hospitalisation"] == 600_000 and this_year["cover_ends_on"] == "2022-12-31"

    # hardship: a file, its review, a regular grant and the second relief of the claim's episode
    case = w.ok(w.post("/hardship-cases", {"member_id": members[0], "reason": "大病致困"}), 201)
    w.ok(w.post(f"/hardship-cases/{case['id']}/review", {"decision": "approved", "note": "入户核实"}))
    regular = w.ok(w.post(f"/hardship-cases/{case['id']}/grants",
                          {"kind": "regular", "amount_fen": 50_000, "year": PLAN_YEAR, "notice_days": 0}), 201)
    w.ok(w.post(f"/hardship-grants/{regular['id']}/pay"))
    second = w.ok(w.post(f"/hardship-cases/{case['id']}/grants", {
        "kind": "second_relief", "episode_cost_fen": 260_000, "claim_id": claim["id"], "year": PLAN_YEAR}), 201)
    assert second["amount_fen"] == 60_000 and second["status"] == "notice"
    assert w.post(f"/hardship-grants/{second['id']}/pay").status_code == 409  # in its notice period
    quick = w.ok(w.post(f"/hardship-cases/{case['id']}/grants", {
        "kind": "second_relief", "episode_cost_fen": 300_000, "claim_id": claim["id"], "amount_fen": 10_000,
        "year": PLAN_YEAR, "notice_days": 0}), 201)
    w.ok(w.post(f"/hardship-grants/{quick['id']}/pay"))

    # a condolence visit and an education subsidy
    w.ok(w.post("/condolence-visits", {"member_id": members[1], "visited_on": "2022-06-01",
                                        "visited_by": "工会主席", "occasion": "住院慰问", "amount_fen": 20_000}), 201)
    subsidy = w.ok(w.post("/subsidies", {"member_id": members[2], "programme": "本科学历提升",
                                         "amount_requested_fen": 300_000}), 201)
    w.ok(w.post(f"/subsidies/{subsidy['id']}/approve", {}))
    w.ok(w.post(f"/subsidies/{subsidy['id']}/pay"))

    after = w.balances()
    premiums = 3 * plan["premium_fen"]
    assert after["dues_refund"] - before["dues_refund"] == -25_000
    assert after["mutual_aid"] - before["mutual_aid"] == premiums - 200_000
    assert after["hardship_relief"] - before["hardship_relief"] == -60_000
    assert after["condolence"] - before["condolence"] == -20_000
    assert after["subsidies"] - before["subsidies"] == -300_000
    stats = w.stats()
    delta = {key: stats[key] - stats_before[key] for key in stats}
    assert delta == {"dues_refunded_fen": 25_000, "mutual_aid_units": 1, "mutual_aid_members": 3,
                     "mutual_aid_raised_fen": premiums, "claims_paid": 1, "claims_paid_fen": 200_000,
                     "second_relief_members": 1, "second_relief_fen": 10_000}
    check = w.ok(w.get("/ledger/trial-balance"))
    assert check["total_fen"] == 0 and check["unbalanced_transactions"] == 0 and check["funds_below_zero"] == []
    assert check["running_balance_mismatches"] == []


def test_the_day_s_approved_claims_are_paid_in_one_request(welfare):
    w = welfare
    _, small, _ = w.unions()
    members = w.members(small, 3)
    plan = w.plan()
    w.ok(w.post("/funds/mutual_aid/deposits", {"amount_fen": 500_000, "source": "市总工会拨款"}), 201)
    w.ok(w.post("/mutual-aid/enrolments", {"plan_id": plan["id"], "organisation_id": small, "member_ids": members,
                                           "enrolled_on": "2022-03-01"}), 201)
    claims = []
    for member_id, amount in zip(members, (11_000, 22_000, 33_000), strict=True):
        claim = w.ok(w.post("/mutual-aid/claims", {"plan_id": plan["id"], "member_id": member_id,
                                                   "kind": "hospitalisation", "incurred_on": "2022-06-01",
                                                   "amount_claimed_fen": amount}), 201)
        w.ok(w.post(f"/mutual-aid/claims/{claim['id']}/approve", {"amount_approved_fen": amount}))
        claims.append(claim["id"])
    before = w.balances()["mutual_aid"]
    paid_one = w.ok(w.post(f"/mutual-aid/claims/{claims[0]}/pay"))
    refused = w.post("/mutual-aid/claim-payments", {"claim_ids": claims})
    assert refused.status_code == 422 and list(refused.json()["errors"]) == ["claim_ids.0"], refused.text
    assert w.balances()["mutual_aid"] == before - paid_one["amount_approved_fen"]  # nothing more was paid
    assert w.post("/mutual-aid/claim-payments", {"claim_ids": []}).status_code == 422
    result = w.ok(w.post("/mutual-aid/claim-payments", {"claim_ids": claims[1:]}), 201)
    assert (result["paid"], result["amount_fen"]) == (2, 55_000)
    assert {c["id"]: c["status"] for c in result["claims"]} == dict.fromkeys(claims[1:], "paid")
    assert w.balances()["mutual_aid"] == before - 66_000


def test_bad_input_and_roles(welfare, platform):
    w = welfare
    _, small, _ = w.unions()
    _, other, _ = w.unions()
    mine = w.members(small, 1)[0]
    theirs = w.members(other, 1)[0]
    before = w.balances()
    unknown = w.post("/funds/mutual_aid/deposits", {"amount_fen": 100, "source": "x", "balance_fen": 5})
    assert unknown.status_code == 422 and "balance_fen" in unknown.json()["errors"]
    for amount in (-1, 0, 1.5, "100"):
        bad = w.post("/funds/mutual_aid/deposits", {"amount_fen": amount, "source": "x"})
        assert bad.status_code == 422 and "amount_fen" in bad.json()["errors"], bad.text
    assert w.balances() == before

    username = f"chair{uuid.uuid4().hex[:8]}"
    w.ok(w.post("/users", {"username": username, "password": "chair-password-1", "display_name": "主席",
                           "roles": ["union_chair"], "organisation_id": small}), 201)
    chair = platform.session(username, "chair-password-1")
    assert w.get(f"/members/{mine}/cover", http=chair).status_code == 200
    assert w.get(f"/members/{theirs}/cover", http=chair).status_code == 404
    assert w.get("/funds", http=chair).status_code == 403
    case = w.ok(w.post("/hardship-cases", {"member_id": mine, "reason": "失业"}, http=chair), 201)
    assert w.post(f"/hardship-cases/{case['id']}/review", {"decision": "approved"}, http=chair).status_code == 403
    assert w.post("/hardship-cases", {"member_id": theirs, "reason": "失业"}, http=chair).status_code == 422
    theirs_case = w.ok(w.post("/hardship-cases", {"member_id": theirs, "reason": "失业"}), 201)
    assert w.get(f"/hardship-cases/{theirs_case['id']}", http=chair).status_code == 404
    listed = w.ok(w.get("/hardship-cases", http=chair, limit=500))["items"]
    assert {c["member_id"] for c in listed} == {mine}


def publish(platform, source: str, event_type: str, data: dict) -> None:
    dispatch = event_dispatcher({"AMQP_URI": platform.amqp_uri})
    dispatch(source, event_type, envelope(event_type, data))


def test_training_reward_requests_are_paid_once_and_rights_referrals_open_one_case(welfare, platform):
    w = welfare
    _, small, _ = w.unions()
    member = w.members(small, 1)[0]
    w.ok(w.post("/funds/innovation_rewards/deposits", {"amount_fen": 100_000, "source": "创新基金"}), 201)
    before = w.balances()["innovation_rewards"]
    proposal = f"p-{uuid.uuid4().hex[:8]}"
    request = {"request_id": str(uuid.uuid4()), "proposal_id": proposal, "member_id": member,
               "amount_fen": 30_000, "reason": "金点子"}
    publish(platform, "training", "reward_requested", request)
    publish(platform, "training", "reward_requested", request)  # sent again: never paid twice
    publish(platform, "training", "reward_requested", {**request, "request_id": str(uuid.uuid4()),
                                                       "amount_fen": 10**12})
    rewards = wait_until(lambda: (lambda items: len(items) == 2 and items)(
        w.ok(w.get("/reward-payouts", proposal_id=proposal))["items"]), timeout=30)
    assert sorted(r["status"] for r in rewards) == ["paid", "refused"]
    assert w.balances()["innovation_rewards"] == before - 30_000
    entries = w.ok(w.get("/funds/innovation_rewards/entries", limit=500))["items"]
    assert [e["amount_fen"] for e in entries if e["ref_id"] == request["request_id"]] == [-30_000]

    referral = {"referral_id": str(uuid.uuid4()), "case_id": "77", "member_id": member, "reason": "欠薪致困"}
    publish(platform, "rights", "hardship_referred", referral)
    publish(platform, "rights", "hardship_referred", referral)
    wait_until(lambda: w.ok(w.get("/hardship-cases", member_id=member))["items"], timeout=30)
    cases = w.ok(w.get("/hardship-cases", member_id=member))["items"]
    assert len(cases) == 1 and cases[0]["source"] == "rights_referral"
