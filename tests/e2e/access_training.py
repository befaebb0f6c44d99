"""Training's objects for the access tests (tests/e2e/test_access.py, through tests/e2e/access_table.py).

Each maker makes an object in union A through the API; a caller bound to
union B must then get 404 for it. Schools, courses and competitions are the
federation's facilities, visible to every training reader: their reads and
the writes a union makes for its own members (enrolments, entries) are
exempt; a member of another union in such a body is a 422 field error.
"""

from __future__ import annotations

import time

from tests.e2e.access_table import World, body, exempt, maker
from tests.helpers import wait_until

FACILITY = "the federation's schools, courses and competitions are visible to every training reader"
exempt("GET /api/v1/schools/{school_id}", FACILITY)
exempt("GET /api/v1/courses/{course_id}", FACILITY)
exempt("GET /api/v1/competitions/{competition_id}", FACILITY)
exempt("GET /api/v1/competitions/{competition_id}/entries", FACILITY)
exempt("GET /api/v1/courses/{course_id}/enrolments",
       "a course is the city's: every training reader reaches it, and sees only their own unions' members in it")
exempt("POST /api/v1/courses/{course_id}/enrolments",
       "any union enrols its own members in the city's courses; another union's member is a 422 (member_id)")
exempt("POST /api/v1/competitions/{competition_id}/entries",
       "any union enters its own members; another union's member is a 422 (member_id)")
exempt("POST /api/v1/competitions/{competition_id}/entries/bulk",
       "any union enters its own members; another union's member is a 422 (member_ids.N)")


def _member_known_to_training(world: World) -> str:
    """Union A's member, once training's copy of it has arrived (it comes by event)."""
    member_id = world.make("member_id")
    wait_until(lambda: world.admin.get(world.api(f"/members/{member_id}/training-record")).status_code == 200)
    return member_id


def _created(response) -> str:
    assert response.status_code == 201, response.text
    return response.json()["id"]


@maker("nomination_id")
def make_nomination(world: World) -> str:
    member_id = _member_known_to_training(world)
    return _created(world.admin.post(world.api("/craftsmen/nominations"),
                                     json={"member_id": member_id, "level": "seed", "year": 2022}))


@maker("school_id")
def make_school(world: World) -> str:
    return _created(world.admin.post(world.api("/schools"), json={
        "name": f"甲工匠学校{time.monotonic_ns()}", "organisation_id": world.union_a,
        "established_on": "2021-01-01"}))


@maker("course_id")
def make_course(world: World) -> str:
    return _created(world.admin.post(world.api(f"/schools/{world.make('school_id')}/courses"),
                                     json={"title": "安全生产"}))


@maker("course_session_id")
def make_course_session(world: World) -> str:
    return _created(world.admin.post(world.api(f"/courses/{world.make('course_id')}/sessions"),
                                     json={"held_on": "2022-04-01", "hours": 2}))


@maker("safety_session_id")
def make_safety_session(world: World) -> str:
    return _created(world.admin.post(world.api("/safety-sessions"), json={
        "kind": "drill", "held_on": "2022-05-01", "organisation_id": world.union_a, "attendees": 30}))


@maker("competition_id")
def make_competition(world: World) -> str:
    return _created(world.admin.post(world.api("/competitions"), json={
        "name": f"甲技能比武{time.monotonic_ns()}", "kind": "skill", "organisation_id": world.union_a,
        "held_on": "2022-06-01"}))


@maker("hazard_id")
def make_hazard(world: World) -> str:
    member_id = _member_known_to_training(world)
    return _created(world.admin.post(world.api("/hazard-snapshots"), json={
        "member_id": member_id, "found_on": "2022-05-02", "location": "车间", "description": "消防通道堵塞"}))


@maker("proposal_id")
def make_proposal(world: World) -> str:
    member_id = _member_known_to_training(world)
    return _created(world.admin.post(world.api("/proposals"), json={
        "member_id": member_id, "title": "节能改造", "summary": "余热回收"}))


@body("POST", "/api/v1/craftsmen/nominations/{nomination_id}/approve")
def approve_body(world: World) -> dict:
    return {}


@body("POST", "/api/v1/craftsmen/nominations/{nomination_id}/reject")
@body("POST", "/api/v1/craftsmen/nominations/{nomination_id}/objections")
def reason_body(world: World) -> dict:
    return {"reason": "材料不全"}


@body("POST", "/api/v1/schools/{school_id}/courses")
def course_body(world: World) -> dict:
    return {"title": "数控编程"}


@body("POST", "/api/v1/courses/{course_id}/sessions")
def session_body(world: World) -> dict:
    return {"held_on": "2022-04-08", "hours": 3}


@body("POST", "/api/v1/course-sessions/{course_session_id}/attendance")
def attendance_body(world: World) -> dict:
    return {"member_ids": [world.make("member_id")]}


@body("POST", "/api/v1/competitions/{competition_id}/scores")
def scores_body(world: World) -> dict:
    return {"judge": "评委甲", "scores": [{"member_id": world.make("member_id"), "score": 80}]}


@body("POST", "/api/v1/competitions/{competition_id}/results")
def results_body(world: World) -> dict:
    return {"results": [{"member_id": world.make("member_id"), "score": 80}]}


@body("POST", "/api/v1/hazard-snapshots/{hazard_id}/accept")
@body("POST", "/api/v1/hazard-snapshots/{hazard_id}/reject")
def hazard_review_body(world: World) -> dict:
    return {"note": "已核实"}


@body("POST", "/api/v1/proposals/{proposal_id}/scores")
def proposal_score_body(world: World) -> dict:
    return {"score": 70}


@body("POST", "/api/v1/proposals/{proposal_id}/review")
def proposal_review_body(world: World) -> dict:
    return {"decision": "rejected", "score": 40}
