"""Training through the gateway, on the platform as `make run` starts it."""

from __future__ import annotations

import time
from datetime import date, timedelta

from nameko.standalone.rpc import ClusterRpcProxy

from services.chassis.errors import NotFound
from tests.e2e.test_platform import create_unions
from tests.helpers import member_body, wait_until

API = "/api/v1"


def training_rpc(platform, method: str, *args, **kwargs):
    with ClusterRpcProxy({"AMQP_URI": platform.amqp_uri}, timeout=15) as rpc:
        return getattr(rpc.training, method)(*args, **kwargs)


def known_to_training(platform, member_id: str) -> bool:
    try:
        return training_rpc(platform, "member_record", member_id)["status"] == "active"
    except NotFound:
        return False


def test_training_year_through_the_api(platform):
    http = platform.session()
    url = platform.url
    fed, union_a, union_b = create_unions(http, url)
    members = []
    for name in ("赵师傅", "钱师傅", "孙师傅"):
        created = http.post(f"{url}{API}/members", json=member_body(union_a, name=name))
        assert created.status_code == 201, created.text
        members.append(created.json()["id"])
    for member_id in members:
        wait_until(lambda m=member_id: known_to_training(platform, m))
    year = date.today().year
    before = training_rpc(platform, "annual_stats", year)
    # other tests share the platform and may have nominations of their own concluded meanwhile:
    # the ladder is counted within this test's own union
    seeds_before = training_rpc(platform, "annual_stats", year, within=fed)["seed_craftsmen"]

    # the ladder: skipping a level is refused; seed -> public notice -> named
    skip = http.post(f"{url}{API}/craftsmen/nominations", json={"member_id": members[0], "level": "chief",
                                                                "year": year})
    assert skip.status_code == 422 and "level" in skip.json()["errors"]
    nominated = http.post(f"{url}{API}/craftsmen/nominations",
                          json={"member_id": members[0], "level": "seed", "year": year})
    assert nominated.status_code == 201, nominated.text
    nomination = nominated.json()
    assert nomination["evidence"]["training_hours"] == 0
    approved = http.post(f"{url}{API}/craftsmen/nominations/{nomination['id']}/approve", json={})
    assert approved.status_code == 200 and approved.json()["status"] == "public_notice"
    assert http.post(f"{url}{API}/craftsmen/nominations/{nomination['id']}/reject",
                     json={"status": "x"}).status_code == 422  # reason is required, status is not a field
    training_rpc(platform, "conclude_notices", on=(date.today() + timedelta(days=6)).isoformat())
    assert http.get(f"{url}{API}/craftsmen/nominations/{nomination['id']}").json()["status"] == "named"
    seeds = http.get(f"{url}{API}/craftsmen", params={"level": "seed", "organisation_id": union_a}).json()
    assert [(c["member_id"], c["name"]) for c in seeds["items"]] == [(members[0], "赵师傅")]

    # a competition: entries once, results with ranks, then frozen
    competition = http.post(f"{url}{API}/competitions", json={
        "name": f"焊工技能大赛{time.monotonic_ns()}", "kind": "skill", "organisation_id": fed,
        "held_on": f"{year}-05-01"})
    assert competition.status_code == 201, competition.text
    cid = competition.json()["id"]
    for member_id in members:
        assert http.post(f"{url}{API}/competitions/{cid}/entries", json={"member_id": member_id}).status_code == 201
    assert http.post(f"{url}{API}/competitions/{cid}/entries", json={"member_id": members[0]}).status_code == 409
    results = http.post(f"{url}{API}/competitions/{cid}/results", json={"results": [
        {"member_id": members[0], "scores": [90, 91, 92, 99, 10]}, {"member_id": members[1], "score": 91},
        {"member_id": members[2], "score": 88.5}]})
    assert results.status_code == 200, results.text
    ranked = {r["member_id"]: (r["rank"], r["award"]) for r in results.json()["results"]}
    assert ranked == {members[0]: (1, "first"), members[1]: (1, "first"), members[2]: (3, "second")}
    again = http.post(f"{url}{API}/competitions/{cid}/results", json={"results": [{"member_id": members[2],
                                                                                   "score": 100}]})
    assert again.status_code == 409
    assert http.get(f"{url}{API}/competitions/{cid}").json()["status"] == "published"

    # a school, safety work, a golden idea asked of welfare
    school = http.post(f"{url}{API}/schools", json={"name": f"工匠学校{time.monotonic_ns()}",
                                                    "organisation_id": union_a, "established_on": f"{year}-01-10"})
    assert school.status_code == 201, school.text
    for kind in ("training", "drill"):
        made = http.post(f"{url}{API}/safety-sessions", json={"kind": kind, "held_on": f"{year}-03-01",
                                                              "organisation_id": union_a, "attendees": 80})
        assert made.status_code == 201, made.text
    proposal = http.post(f"{url}{API}/proposals", json={"member_id": members[1], "title": "节材方案",
                                                        "summary": "减少边角料"})
    assert proposal.status_code == 201, proposal.text
    pid = proposal.json()["id"]
    reviewed = http.post(f"{url}{API}/proposals/{pid}/review", json={"decision": "adopted", "score": 88,
                                                                     "reward_fen": 150_000})
    assert reviewed.status_code == 200 and reviewed.json()["payout"]["status"] in ("requested", "paid", "refused")
    assert http.post(f"{url}{API}/proposals/{pid}/review",
                     json={"decision": "rejected"}).status_code == 409
    assert http.get(f"{url}{API}/proposals/{pid}").json()["reward_fen"] == 150_000

    record = http.get(f"{url}{API}/members/{members[0]}/training-record").json()
    assert record["level"] == "seed" and record["competition_ranks"][0]["competition_id"] == cid

    after = training_rpc(platform, "annual_stats", year)
    delta = {key: after[key] - before[key] for key in after}
    assert training_rpc(platform, "annual_stats", year, within=fed)["seed_craftsmen"] - seeds_before == 1
    assert delta["schools"] == 1 and delta["competitions"] == 1
    assert delta["competition_entrants"] == 3 and delta["safety_trainings"] == 1 and delta["safety_drills"] == 1

    # a union chair of the other union sees none of it, and may not review
    admin = platform.session()
    created = admin.post(f"{url}{API}/users", json={
        "username": f"chair{time.monotonic_ns()}", "password": "chair-password-1", "display_name": "主席",
        "roles": ["union_chair"], "organisation_id": union_b})
    assert created.status_code == 201, created.text
    chair = platform.session(created.json()["username"], "chair-password-1")
    assert chair.get(f"{url}{API}/proposals/{pid}").status_code == 404
    assert chair.get(f"{url}{API}/craftsmen/nominations/{nomination['id']}").status_code == 404
    assert chair.post(f"{url}{API}/proposals/{pid}/review", json={"decision": "rejected"}).status_code == 403
    nominate_other = chair.post(f"{url}{API}/craftsmen/nominations",
                                json={"member_id": members[1], "level": "seed", "year": year})
    assert nominate_other.status_code == 422 and "member_id" in nominate_other.json()["errors"]
    spec = http.get(f"{url}/openapi.json").json()
    for path in ("/api/v1/craftsmen/nominations", "/api/v1/competitions/{competition_id}/results",
                 "/api/v1/proposals/{proposal_id}", "/api/v1/safety-sessions"):
        assert path in spec["paths"], path


def test_past_decisions_through_the_api(platform):
    """An importer records the ladder's history: decisions carry their day (`on`), never a future one."""
    http = platform.session()
    url = platform.url
    _, union_a, _ = create_unions(http, url)
    created = http.post(f"{url}{API}/members", json=member_body(union_a, name="史师傅"))
    assert created.status_code == 201, created.text
    member_id = created.json()["id"]
    wait_until(lambda: known_to_training(platform, member_id))
    nominations = f"{url}{API}/craftsmen/nominations"
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    future = http.post(nominations, json={"member_id": member_id, "level": "seed", "year": 2016, "on": tomorrow})
    assert future.status_code == 422 and list(future.json()["errors"]) == ["on"], future.text
    seed = http.post(nominations, json={"member_id": member_id, "level": "seed", "year": 2016, "on": "2016-03-01"})
    assert seed.status_code == 201, seed.text
    not_a_day = http.post(f"{nominations}/{seed.json()['id']}/approve", json={"on": "2016-02-30"})
    assert not_a_day.status_code == 422 and "on" in not_a_day.json()["errors"]
    named = http.post(f"{nominations}/{seed.json()['id']}/approve", json={"on": "2016-03-01"})
    assert named.status_code == 200 and (named.json()["status"], named.json()["named_on"]) == ("named", "2016-03-07")
    early = http.post(nominations, json={"member_id": member_id, "level": "craftsman", "year": 2016,
                                         "on": "2016-10-01"})
    assert early.status_code == 422 and "level" in early.json()["errors"]  # not a year at seed yet
    craftsman = http.post(nominations, json={"member_id": member_id, "level": "craftsman", "year": 2022,
                                             "on": "2022-04-01"})
    assert craftsman.status_code == 201, craftsman.text
    named = http.post(f"{nominations}/{craftsman.json()['id']}/approve", json={"on": "2022-04-01"})
    assert (named.json()["status"], named.json()["named_on"]) == ("named", "2022-04-07")
    idea = http.post(f"{url}{API}/proposals", json={"member_id": member_id, "title": "往年金点子", "summary": "…"})
    assert idea.status_code == 201, idea.text
    review = http.post(f"{url}{API}/proposals/{idea.json()['id']}/review",
                       json={"decision": "rejected", "on": tomorrow})
    assert review.status_code == 422 and list(review.json()["errors"]) == ["on"], review.text
