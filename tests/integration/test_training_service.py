"""Training's entrypoints on a real broker and database (SQLite and PostgreSQL).

The member copy is fed by membership's events, published here as membership
would; welfare's answers to a reward request are published the same way.
"""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest
from nameko.standalone.events import event_dispatcher
from nameko.standalone.rpc import ServiceRpcProxy
from sqlalchemy import create_engine, text

from services.chassis.errors import Conflict, InvalidInput, NotFound
from services.chassis.events import envelope
from services.training.service import TrainingService
from tests.helpers import EventTap, purge_handler_queues, wait_until

_ids = itertools.count(1000)


def after_notice() -> str:
    """A day after a notice started today has run out, read at the call: a module-level date goes stale when a
    run crosses midnight (CI did once: the notice began on the new day, the date was from the old one)."""
    return (date.today() + timedelta(days=6)).isoformat()


class World:
    """The running service, a dispatcher standing in for membership and welfare, and a tap on training."""

    def __init__(self, proxy, dispatch, tap, database_url):
        self.engine = create_engine(database_url)
        self.rpc = proxy
        self.dispatch = dispatch
        self.tap = tap
        self.federation = self.organisation("市总工会", None, "federation")
        self.union = self.organisation("机械厂工会", self.federation, "grassroots")
        self.other = self.organisation("纺织厂工会", self.federation, "grassroots")

    def organisation(self, name: str, parent: dict | None, kind: str) -> dict:
        org_id = str(next(_ids))
        path = f"{parent['path'] if parent else '/'}{org_id}/"
        data = {"organisation_id": org_id, "name": name, "kind": kind,
                "parent_id": parent["organisation_id"] if parent else None, "path": path,
                "employer_size": None, "established_on": "2000-01-01"}
        self.dispatch("membership", "organisation_registered", envelope("organisation_registered", data))
        wait_until(lambda: self.has_organisation(org_id))
        return data

    def has_organisation(self, org_id: str) -> bool:
        """Organisation and member events travel on separate queues: wait for this one itself."""
        with self.engine.connect() as conn:
            return conn.execute(text("SELECT 1 FROM organisation_copy WHERE organisation_id = :o"),
                                {"o": int(org_id)}).first() is not None

    def member(self, org: dict | None = None, name: str = "王师傅", revision: int = 1, **changes) -> str:
        org = org or self.union
        member_id = changes.pop("member_id", None) or str(next(_ids))
        data = {"member_id": member_id, "name": name, "organisation_id": org["organisation_id"],
                "organisation_path": org["path"], "employment_form": "standard", "occupation": "钳工",
                "status": "active", "joined_on": "2015-01-01", "left_on": None, "revision": revision}
        data.update(changes)
        kind = "member_left" if data["status"] == "left" else "member_joined"
        self.dispatch("membership", kind, envelope(kind, data))
        wait_until(lambda: self.known(member_id, data["status"]))
        return member_id

    def known(self, member_id: str, status: str) -> bool:
        try:
            return self.rpc.member_record(member_id)["status"] == status
        except NotFound:
            return False

    def leaves(self, member_id: str) -> None:
        self.member(member_id=member_id, revision=2, status="left", left_on="2022-06-30")

    def name(self, member_id: str, level: str, year: int = 2022) -> dict:
        nomination = self.rpc.nominate({"member_id": member_id, "level": level, "year": year},
                                       within=self.union["organisation_id"], actor="chair")
        self.rpc.approve_nomination(nomination["id"], {}, actor="officer")
        assert self.rpc.conclude_notices(on=after_notice()) >= 1
        return self.rpc.get_nomination(nomination["id"])


@pytest.fixture
def world(container_factory, service_config, database_url_for, amqp_uri):
    url = database_url_for("training")
    config = service_config(url, TRAINING_MIN_DAYS="craftsman=0,chief=0,gold=0")
    purge_handler_queues(config["AMQP_URI"], TrainingService)  # an earlier test's leftovers stay out
    container_factory(TrainingService, config).start()
    tap = EventTap(amqp_uri, "training", ["craftsman_named", "reward_requested"])
    with ServiceRpcProxy("training", config, timeout=30) as proxy:
        world = World(proxy, event_dispatcher(config), tap, url)
        yield world
    world.engine.dispose()
    tap.close()


def test_ladder_one_level_at_a_time_with_public_notice_and_honour_event(world):
    rpc = world.rpc
    worker = world.member(name="张工匠")
    with pytest.raises(InvalidInput) as raised:  # skipping a level
        rpc.nominate({"member_id": worker, "level": "craftsman", "year": 2022})
    assert "level" in raised.value.errors
    assert world.name(worker, "seed")["status"] == "named"
    nomination = rpc.nominate({"member_id": worker, "level": "craftsman", "year": 2022})
    assert nomination["status"] == "pending" and nomination["from_level"] == "seed"
    with pytest.raises(Conflict):  # one open nomination at a time
        rpc.nominate({"member_id": worker, "level": "craftsman", "year": 2022})
    approved = rpc.approve_nomination(nomination["id"], {})
    assert approved["status"] == "public_notice"
    assert approved["notice_ends_on"] == (date.today() + timedelta(days=5)).isoformat()
    assert rpc.conclude_notices() == 0  # the notice is still running: nothing takes effect
    objected = rpc.object_to_nomination(nomination["id"], {"reason": "比赛成绩有误"}, actor="someone")
    assert objected["status"] == "objected" and objected["objections"][0]["reason"] == "比赛成绩有误"
    assert rpc.conclude_notices(on=after_notice()) == 0  # an objected nomination waits for review
    rpc.approve_nomination(nomination["id"], {"note": "异议不成立"})
    assert rpc.conclude_notices(on=after_notice()) == 1
    assert rpc.get_nomination(nomination["id"])["status"] == "named"
    chief = world.name(worker, "chief")
    assert chief["status"] == "named"
    seen = world.tap.wait_for(lambda es: any(e["data"]["nomination_id"] == chief["id"] for e in es
                                             if e["event_type"] == "craftsman_named"))
    named = [e["data"] for e in seen if e["event_type"] == "craftsman_named" and e["data"]["member_id"] == worker]
    assert named == [{"nomination_id": chief["id"], "member_id": worker, "level": "chief", "year": 2022,
                      "title": "首席工匠"}]  # seed and craftsman are not honours
    craftsmen = rpc.list_craftsmen({"level": "chief"}, within=world.union["organisation_id"])["items"]
    assert [c["member_id"] for c in craftsmen] == [worker] and craftsmen[0]["name"] == "张工匠"
    assert rpc.list_craftsmen({"level": "chief"}, within=world.other["organisation_id"])["items"] == []


def test_rejection_needs_a_reason_and_scope_and_leavers(world):
    rpc = world.rpc
    worker = world.member()
    nomination = rpc.nominate({"member_id": worker, "level": "seed", "year": 2022})
    with pytest.raises(InvalidInput) as raised:
        rpc.reject_nomination(nomination["id"], {})
    assert "reason" in raised.value.errors
    rejected = rpc.reject_nomination(nomination["id"], {"reason": "培训学时不足"}, actor="officer")
    assert rejected["status"] == "rejected" and rejected["reason"] == "培训学时不足"
    with pytest.raises(Conflict):
        rpc.approve_nomination(nomination["id"], {})
    with pytest.raises(NotFound):  # another union's chair does not see it
        rpc.get_nomination(nomination["id"], within=world.other["organisation_id"])
    with pytest.raises(InvalidInput):  # nor can nominate this union's member
        rpc.nominate({"member_id": worker, "level": "seed", "year": 2022}, within=world.other["organisation_id"])
    world.leaves(worker)
    with pytest.raises(InvalidInput) as raised:
        rpc.nominate({"member_id": worker, "level": "seed", "year": 2022})
    assert raised.value.errors == {"member_id": ["the member has left"]}
    assert rpc.list_nominations({"member_id": worker})["items"][0]["id"] == nomination["id"]


def test_minimum_time_at_the_level_below_is_configurable(container_factory, service_config, database_url_for,
                                                         amqp_uri):
    url = database_url_for("training")
    config = service_config(url, TRAINING_MIN_DAYS="craftsman=365")
    purge_handler_queues(config["AMQP_URI"], TrainingService)  # an earlier test's leftovers stay out
    container_factory(TrainingService, config).start()
    tap = EventTap(amqp_uri, "training", ["craftsman_named"])
    with ServiceRpcProxy("training", config, timeout=30) as proxy:
        world = World(proxy, event_dispatcher(config), tap, url)
        worker = world.member()
        world.name(worker, "seed")
        with pytest.raises(InvalidInput, match="365 days"):
            proxy.nominate({"member_id": worker, "level": "craftsman", "year": 2022})
        # an importer records past decisions: the notice runs from the day given, the time at the
        # level below counts from the day the member was named, the order of levels still holds
        veteran = world.member(name="老工匠")
        seed = proxy.nominate({"member_id": veteran, "level": "seed", "year": 2016, "on": "2016-03-01"})
        named = proxy.approve_nomination(seed["id"], {"on": "2016-03-01"})
        assert named["status"] == "named" and named["named_on"] == "2016-03-07"  # the notice ended 2016-03-06
        with pytest.raises(InvalidInput) as raised:  # a decision is never dated in the future
            proxy.nominate({"member_id": veteran, "level": "craftsman", "year": 2022,
                            "on": (date.today() + timedelta(days=1)).isoformat()})
        assert list(raised.value.errors) == ["on"]
        with pytest.raises(InvalidInput) as raised:  # before the member held the level below
            proxy.nominate({"member_id": veteran, "level": "craftsman", "year": 2015, "on": "2015-06-01"})
        assert list(raised.value.errors) == ["on"]
        with pytest.raises(InvalidInput, match="365 days"):  # not yet a year at seed
            proxy.nominate({"member_id": veteran, "level": "craftsman", "year": 2016, "on": "2016-12-01"})
        with pytest.raises(InvalidInput) as raised:  # no skipping a level, whatever the day
            proxy.nominate({"member_id": veteran, "level": "chief", "year": 2022, "on": "2022-04-01"})
        assert list(raised.value.errors) == ["level"]
        craftsman = proxy.nominate({"member_id": veteran, "level": "craftsman", "year": 2022, "on": "2022-04-01"})
        with pytest.raises(InvalidInput) as raised:
            proxy.approve_nomination(craftsman["id"], {"on": (date.today() + timedelta(days=3)).isoformat()})
        assert list(raised.value.errors) == ["on"]
        named = proxy.approve_nomination(craftsman["id"], {"on": "2022-04-01"})
        assert (named["status"], named["named_on"], named["from_level"]) == ("named", "2022-04-07", "seed")
        record = proxy.member_record(veteran)
        assert (record["level"], record["level_since"]) == ("craftsman", "2022-04-07")
        with pytest.raises(InvalidInput, match="730 days"):  # chief needs two years at craftsman
            proxy.nominate({"member_id": veteran, "level": "chief", "year": 2023, "on": "2023-04-01"})
        recent = proxy.nominate({"member_id": veteran, "level": "chief", "year": 2025, "on": "2025-01-02"})
        # approved today: the notice runs on from today as before, nothing named yet
        running = proxy.approve_nomination(recent["id"], {})
        assert running["status"] == "public_notice"
        assert running["notice_ends_on"] == (date.today() + timedelta(days=5)).isoformat()
    world.engine.dispose()
    tap.close()


def test_many_entries_at_once_all_or_none(world):
    rpc = world.rpc
    competition = rpc.create_competition({"name": "焊工技能大赛", "kind": "skill", "held_on": "2022-07-01",
                                          "organisation_id": world.federation["organisation_id"]})
    cid = competition["id"]
    people = [world.member(name=f"焊工{i}") for i in range(4)]
    elsewhere = world.member(world.other, name="外单位")
    leaver = world.member(name="离会者")
    world.leaves(leaver)
    union = world.union["organisation_id"]
    with pytest.raises(InvalidInput) as raised:  # every wrong place is named; nothing is entered
        rpc.enter_competition_many(cid, {"member_ids": [people[0], elsewhere, people[1], leaver, people[0]]},
                                   within=union)
    assert raised.value.errors == {"member_ids.1": ["no such member"], "member_ids.3": ["the member has left"],
                                   "member_ids.4": ["a member appears more than once"]}
    assert rpc.list_entries(cid, {})["items"] == []
    with pytest.raises(InvalidInput) as raised:
        rpc.enter_competition_many(cid, {"member_ids": []})
    assert "member_ids" in raised.value.errors
    entered = rpc.enter_competition_many(cid, {"member_ids": people[:3]}, within=union)
    assert [e["member_id"] for e in entered["items"]] == people[:3] and entered["items"][0]["member_name"] == "焊工0"
    with pytest.raises(InvalidInput) as raised:
        rpc.enter_competition_many(cid, {"member_ids": [people[3], people[1]]})
    assert raised.value.errors == {"member_ids.1": ["the member has already entered this competition"]}
    assert rpc.get_competition(cid)["entrants"] == 3
    assert rpc.enter_competition_many(cid, {"member_ids": [people[3], elsewhere]})["items"][1]["member_id"] == elsewhere


def test_competition_entries_judges_results_and_frozen(world):
    rpc = world.rpc
    competition = rpc.create_competition({"name": "数控车工技能大赛", "kind": "skill", "held_on": "2022-06-01",
                                          "organisation_id": world.federation["organisation_id"],
                                          "prizes": {"first": 1, "second": 1, "third": 1, "excellence": 1}})
    cid = competition["id"]
    people = [world.member(name=f"选手{i}") for i in range(5)]
    stranger = world.member(name="观众")
    for person in people:
        rpc.enter_competition(cid, {"member_id": person}, within=world.union["organisation_id"])
    with pytest.raises(Conflict):
        rpc.enter_competition(cid, {"member_id": people[0]})
    judges = {  # five judges: each entrant's highest and lowest marks are dropped
        "评委甲": [90, 80, 80, 70, 60], "评委乙": [92, 81, 82, 70, 61], "评委丙": [88, 79, 78, 70, 59],
        "评委丁": [100, 80, 80, 70, 0], "评委戊": [10, 80, 80, 70, 62],
    }
    for judge, marks in judges.items():
        rpc.record_scores(cid, {"judge": judge, "scores": [
            {"member_id": p, "score": s} for p, s in zip(people, marks, strict=True)]})
    with pytest.raises(InvalidInput) as raised:  # outside the marking range
        rpc.record_scores(cid, {"judge": "评委甲", "scores": [{"member_id": people[0], "score": 100.5}]})
    assert "scores" in raised.value.errors
    with pytest.raises(InvalidInput):  # a non-entrant
        rpc.record_scores(cid, {"judge": "评委甲", "scores": [{"member_id": stranger, "score": 50}]})
    with pytest.raises(InvalidInput):
        rpc.publish_results(cid, {"results": [{"member_id": stranger, "score": 50}]})
    published = rpc.publish_results(cid, {})
    results = {r["member_id"]: r for r in published["results"]}
    assert results[people[0]]["final_score"] == 90.0  # (90 + 92 + 88) / 3
    assert results[people[1]]["final_score"] == results[people[2]]["final_score"] == 80.0
    assert [results[p]["rank"] for p in people] == [1, 2, 2, 4, 5]
    assert [results[p]["award"] for p in people] == ["first", "second", "second", "excellence", None]
    with pytest.raises(Conflict):
        rpc.publish_results(cid, {"results": [{"member_id": people[4], "score": 99}]})
    with pytest.raises(Conflict):
        rpc.record_scores(cid, {"judge": "评委甲", "scores": [{"member_id": people[4], "score": 99}]})
    with pytest.raises(Conflict):
        rpc.enter_competition(cid, {"member_id": stranger})
    entries = rpc.list_entries(cid, {"limit": 2})
    assert len(entries["items"]) == 2 and entries["next_cursor"]
    first = next(e for e in rpc.list_entries(cid, {})["items"] if e["member_id"] == people[0])
    assert first["scores"] == [{"judge": judge, "score": float(marks[0])} for judge, marks in sorted(judges.items())]
    assert rpc.get_competition(cid)["status"] == "published"
    listed = rpc.list_competitions({"year": 2022, "status": "published", "kind": "skill"})["items"]
    assert cid in [c["id"] for c in listed]
    record = rpc.member_record(people[0])
    assert record["competition_ranks"][0]["rank"] == 1 and record["competition_ranks"][0]["award"] == "first"
    # a member who left cannot enter; scores given per entrant in the request
    other = rpc.create_competition({"name": "劳动竞赛", "kind": "labour", "held_on": "2022-07-01",
                                    "organisation_id": world.union["organisation_id"]})
    world.leaves(stranger)
    with pytest.raises(InvalidInput):
        rpc.enter_competition(other["id"], {"member_id": stranger})
    rpc.enter_competition(other["id"], {"member_id": people[0]})
    rpc.enter_competition(other["id"], {"member_id": people[1]})
    ranked = rpc.publish_results(other["id"], {"results": [{"member_id": people[0], "scores": [80, 90]},
                                                           {"member_id": people[1], "score": 85}]})
    assert [r["rank"] for r in ranked["results"]] == [1, 1]


def test_schools_hours_safety_and_annual_stats(world):
    rpc = world.rpc
    within = world.union["organisation_id"]
    before = rpc.annual_stats(2022, within=within)
    school = rpc.create_school({"name": f"工匠学校{next(_ids)}", "organisation_id": world.union["organisation_id"],
                                "established_on": "2021-09-01"})
    with pytest.raises(InvalidInput):
        rpc.create_school({"name": school["name"], "organisation_id": world.union["organisation_id"],
                           "established_on": "2021-09-01"})
    course = rpc.create_course(school["id"], {"title": "数控编程"})
    first = rpc.add_course_session(course["id"], {"held_on": "2022-03-01", "hours": 4})
    second = rpc.add_course_session(course["id"], {"held_on": "2022-03-08", "hours": 3})
    student, leaver, outsider = world.member(), world.member(), world.member()
    rpc.enrol(course["id"], {"member_id": student}, within=within)
    with pytest.raises(Conflict):
        rpc.enrol(course["id"], {"member_id": student})
    with pytest.raises(InvalidInput):  # attendance only for the enrolled
        rpc.record_attendance(first["id"], {"member_ids": [student, outsider]})
    rpc.record_attendance(first["id"], {"member_ids": [student]})
    again = rpc.record_attendance(first["id"], {"member_ids": [student]})
    assert again["attendees"] == 1 and again["added"] == 0
    rpc.record_attendance(second["id"], {"member_ids": [student]})
    assert rpc.member_record(student)["training_hours"] == 7
    world.leaves(leaver)
    with pytest.raises(InvalidInput):
        rpc.enrol(course["id"], {"member_id": leaver})
    assert rpc.get_school(school["id"])["courses"][0]["enrolled"] == 1
    enrolled = rpc.list_enrolments(course["id"], within=within)["items"]
    assert [(e["member_id"], e["hours"], e["attended_session_ids"]) for e in enrolled] == [
        (student, 7, [first["id"], second["id"]])]
    assert rpc.list_enrolments(course["id"], within=world.other["organisation_id"])["items"] == []  # not theirs

    rpc.create_safety_session({"kind": "training", "held_on": "2022-04-01", "attendees": 120,
                               "organisation_id": world.union["organisation_id"]})
    drill = rpc.create_safety_session({"kind": "drill", "held_on": "2022-05-01", "attendees": 60,
                                       "organisation_id": world.union["organisation_id"], "title": "消防演练"})
    assert rpc.get_safety_session(drill["id"])["attendees"] == 60
    drills = rpc.list_safety_sessions({"year": 2022, "kind": "drill"}, within=within)["items"]
    assert [d["id"] for d in drills] == [drill["id"]]
    assert rpc.list_safety_sessions({"year": 2021}, within=within)["items"] == []
    with pytest.raises(NotFound):
        rpc.get_safety_session(drill["id"], within=world.other["organisation_id"])
    hazard = rpc.submit_hazard({"member_id": student, "found_on": "2022-05-02", "location": "二车间",
                                "description": "配电箱未上锁"}, within=within)
    assert rpc.accept_hazard(hazard["id"], {"note": "已整改"})["status"] == "accepted"
    with pytest.raises(Conflict):
        rpc.reject_hazard(hazard["id"], {})
    assert rpc.member_record(student)["hazard_snapshots_accepted"] == 1
    assert [h["id"] for h in rpc.list_hazards({"status": "accepted"}, within=within)["items"]] == [hazard["id"]]
    assert school["id"] in [x["id"] for x in rpc.list_schools({"limit": 500})["items"]]
    competition = rpc.create_competition({"name": "技能比武", "kind": "skill", "held_on": "2022-08-01",
                                          "organisation_id": world.union["organisation_id"]})
    rpc.enter_competition(competition["id"], {"member_id": student})
    named = world.name(student, "seed")
    evidence = named["evidence"]  # what reviewers see beside the nomination
    assert evidence["training_hours"] == 7 and evidence["hazard_snapshots_accepted"] == 1
    assert evidence["level"] == "seed" and evidence["competition_ranks"] == []
    after = rpc.annual_stats(2022, within=within)
    delta = {key: after[key] - before[key] for key in after}
    assert delta == {"seed_craftsmen": 1, "craftsmen": 0, "chief_craftsmen": 0, "gold_craftsmen": 0, "schools": 1,
                     "competitions": 1, "competition_entrants": 1, "safety_trainings": 1, "safety_drills": 1,
                     "proposals_rewarded": 0, "proposal_rewards_fen": 0}
    assert rpc.annual_stats(2022, within=world.other["organisation_id"])["safety_trainings"] == 0


def test_golden_idea_reward_asked_once_and_welfare_answers_applied_once(world):
    rpc = world.rpc
    author = world.member(name="李工")
    idea = rpc.submit_proposal({"member_id": author, "title": "刀具寿命延长法", "summary": "改进切削参数"})
    rpc.score_proposal(idea["id"], {"score": 80}, actor="reviewer-a")
    rpc.score_proposal(idea["id"], {"score": 91}, actor="reviewer-b")
    with pytest.raises(Conflict):
        rpc.score_proposal(idea["id"], {"score": 50}, actor="reviewer-a")
    adopted = rpc.review_proposal(idea["id"], {"decision": "adopted", "reward_fen": 200_000}, actor="officer")
    assert adopted["status"] == "adopted" and adopted["score"] == 86
    assert adopted["payout"]["status"] == "requested"
    request_id = adopted["payout"]["request_id"]
    with pytest.raises(Conflict):  # reviewing twice changes nothing, asks nothing
        rpc.review_proposal(idea["id"], {"decision": "adopted", "reward_fen": 300_000})
    seen = world.tap.wait_for(lambda es: any(e["data"].get("proposal_id") == idea["id"] for e in es))
    asked = [e["data"] for e in seen
             if e["event_type"] == "reward_requested" and e["data"]["proposal_id"] == idea["id"]]
    assert asked == [{"request_id": request_id, "proposal_id": idea["id"], "member_id": author,
                      "amount_fen": 200_000, "reason": "金点子奖励：刀具寿命延长法", "on": date.today().isoformat()}]

    before = rpc.annual_stats(date.today().year)
    paid = envelope("payout_made", {"request_id": request_id, "proposal_id": idea["id"],
                                    "transaction_id": "tx-77", "amount_fen": 200_000})
    world.dispatch("welfare", "payout_made", paid)
    world.dispatch("welfare", "payout_made", paid)  # delivered twice
    # a contradicting late answer for the same request changes nothing either
    world.dispatch("welfare", "payout_refused", envelope("payout_refused", {
        "request_id": request_id, "proposal_id": idea["id"], "reason": "late"}))
    shown = wait_until(lambda: (p := rpc.get_proposal(idea["id"]))["status"] == "paid" and p)
    assert shown["payout"]["transaction_id"] == "tx-77"
    after = rpc.annual_stats(date.today().year)
    assert after["proposals_rewarded"] - before["proposals_rewarded"] == 1
    assert after["proposal_rewards_fen"] - before["proposal_rewards_fen"] == 200_000

    second = rpc.submit_proposal({"member_id": author, "title": "节能改造", "summary": "余热回收"})
    requested = rpc.review_proposal(second["id"], {"decision": "adopted", "score": 75, "reward_fen": 100_000})
    world.dispatch("welfare", "payout_refused", envelope("payout_refused", {
        "request_id": requested["payout"]["request_id"], "proposal_id": second["id"],
        "reason": "innovation_rewards fund is short"}))
    refused = wait_until(lambda: (p := rpc.get_proposal(second["id"]))["payout"]["status"] == "refused" and p)
    assert refused["status"] == "adopted" and refused["payout"]["refusal_reason"] == "innovation_rewards fund is short"
    world.dispatch("welfare", "payout_made", envelope("payout_made", {
        "request_id": requested["payout"]["request_id"], "proposal_id": second["id"], "transaction_id": "tx-x",
        "amount_fen": 100_000}))
    # the refused request is settled: a paid answer that follows it is ignored (checked after a later event lands)
    third = rpc.submit_proposal({"member_id": author, "title": "第三个", "summary": "…"})
    marker = rpc.review_proposal(third["id"], {"decision": "adopted", "score": 60, "reward_fen": 1})
    world.dispatch("welfare", "payout_made", envelope("payout_made", {
        "request_id": marker["payout"]["request_id"], "proposal_id": third["id"], "transaction_id": "tx-m",
        "amount_fen": 1}))
    wait_until(lambda: rpc.get_proposal(third["id"])["status"] == "paid")
    assert rpc.get_proposal(second["id"])["payout"]["status"] == "refused"
    past = rpc.submit_proposal({"member_id": author, "title": "往年的金点子", "summary": "…"})
    with pytest.raises(InvalidInput) as raised:
        rpc.review_proposal(past["id"], {"decision": "adopted", "score": 70, "reward_fen": 500,
                                         "on": (date.today() + timedelta(days=1)).isoformat()})
    assert list(raised.value.errors) == ["on"]
    decided = rpc.review_proposal(past["id"], {"decision": "adopted", "score": 70, "reward_fen": 500,
                                               "on": "2022-09-15"})
    assert decided["reviewed_at"].startswith("2022-09-15")
    seen = world.tap.wait_for(lambda es: any(e["data"].get("proposal_id") == past["id"] for e in es))
    assert [e["data"]["on"] for e in seen if e["data"].get("proposal_id") == past["id"]] == ["2022-09-15"]
    before_2022 = rpc.annual_stats(2022)
    world.dispatch("welfare", "payout_made", envelope("payout_made", {
        "request_id": decided["payout"]["request_id"], "proposal_id": past["id"], "transaction_id": "tx-p",
        "amount_fen": 500, "paid_on": "2022-09-15"}))
    wait_until(lambda: rpc.get_proposal(past["id"])["status"] == "paid")
    after_2022 = rpc.annual_stats(2022)  # it counts in the year it was decided and paid in
    assert after_2022["proposals_rewarded"] - before_2022["proposals_rewarded"] == 1
    assert after_2022["proposal_rewards_fen"] - before_2022["proposal_rewards_fen"] == 500
    rejected = rpc.submit_proposal({"member_id": author, "title": "不可行", "summary": "…"})
    with pytest.raises(InvalidInput):
        rpc.review_proposal(rejected["id"], {"decision": "rejected", "reward_fen": 5})
    assert rpc.review_proposal(rejected["id"], {"decision": "rejected", "score": 30})["payout"] is None
    asked = [e for e in world.tap.drain() if e["event_type"] == "reward_requested"
             and e["data"]["proposal_id"] in (idea["id"], second["id"], rejected["id"])]
    assert len(asked) == 2
    paid_ids = [p["id"] for p in rpc.list_proposals({"status": "paid", "member_id": author})["items"]]
    assert paid_ids == [idea["id"], third["id"], past["id"]]
    nomination = rpc.nominate({"member_id": author, "level": "seed", "year": 2022})
    adopted_ideas = [(p["proposal_id"], p["status"]) for p in nomination["evidence"]["adopted_proposals"]]
    assert adopted_ideas == [(idea["id"], "paid"), (second["id"], "adopted"), (third["id"], "paid"),
                             (past["id"], "paid")]
