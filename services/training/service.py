"""The training service: the craftsman ladder, schools, competitions, safety work, golden ideas.

Entrypoints only translate: the call goes to the area's module, with the
caller's scope (`within`, an organisation id or None) and, for writes that
record who acted, the gateway's `actor` (a username).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from nameko.dependency_providers import Config
from nameko.timer import timer

from services.chassis.database import Database
from services.chassis.directory import MembershipDirectory
from services.chassis.entrypoints import event_handler, rpc
from services.chassis.errors import NotFound
from services.chassis.telemetry import ServiceBase
from services.training import competitions, events, ladder, proposals, safety, schools, stats
from services.training.common import LadderSettings
from services.training.models import Base, directory

NOTICE_CHECK_SECONDS = 600


def _day(value: Any) -> date | None:
    return date.fromisoformat(value) if value else None


class TrainingService(ServiceBase, MembershipDirectory):
    name = "training"

    db = Database(Base.metadata)
    config = Config()
    directory = directory

    @property
    def settings(self) -> LadderSettings:
        return LadderSettings.from_config(self.config)

    @rpc
    def ping(self) -> str:
        return "pong"

    # ------------------------------------------------------------ the craftsman ladder
    @rpc
    def nominate(self, data: dict, within: Any = None, actor: str | None = None) -> dict:
        return ladder.nominate(self.db, data, self.settings, within, actor)

    @rpc
    def get_nomination(self, nomination_id: Any, within: Any = None) -> dict:
        return ladder.get_nomination(self.db, nomination_id, within)

    @rpc
    def list_nominations(self, query: dict, within: Any = None) -> dict:
        return ladder.list_nominations(self.db, query, within)

    @rpc
    def approve_nomination(self, nomination_id: Any, data: dict | None = None, within: Any = None,
                           actor: str | None = None) -> dict:
        return ladder.approve(self.db, nomination_id, data or {}, self.settings, within, actor)

    @rpc
    def reject_nomination(self, nomination_id: Any, data: dict, within: Any = None, actor: str | None = None) -> dict:
        return ladder.reject(self.db, nomination_id, data, within, actor)

    @rpc
    def object_to_nomination(self, nomination_id: Any, data: dict, within: Any = None,
                             actor: str | None = None) -> dict:
        return ladder.object_to(self.db, nomination_id, data, within, actor)

    @rpc
    def conclude_notices(self, on: str | None = None) -> int:
        """Name the members whose public notice has ended (`on`: the day to judge by, default today)."""
        return ladder.conclude_notices(self.db, _day(on))

    @timer(interval=NOTICE_CHECK_SECONDS)
    def conclude_notices_now(self) -> None:
        ladder.conclude_notices(self.db)

    @rpc
    def list_craftsmen(self, query: dict, within: Any = None) -> dict:
        return ladder.list_craftsmen(self.db, query, within)

    @rpc
    def member_record(self, member_id: Any, within: Any = None) -> dict:
        try:
            key = int(member_id)
        except (TypeError, ValueError):
            raise NotFound(f"member {member_id!r} not found") from None
        return ladder.get_member_record(self.db, key, within)

    # ------------------------------------------------------------ schools and the college
    @rpc
    def create_school(self, data: dict, within: Any = None) -> dict:
        return schools.create_school(self.db, data, within)

    @rpc
    def list_schools(self, query: dict, within: Any = None) -> dict:
        return schools.list_schools(self.db, query)

    @rpc
    def get_school(self, school_id: Any, within: Any = None) -> dict:
        return schools.get_school(self.db, school_id)

    @rpc
    def create_course(self, school_id: Any, data: dict, within: Any = None) -> dict:
        return schools.create_course(self.db, school_id, data, within)

    @rpc
    def get_course(self, course_id: Any, within: Any = None) -> dict:
        return schools.get_course(self.db, course_id)

    @rpc
    def add_course_session(self, course_id: Any, data: dict, within: Any = None) -> dict:
        return schools.add_session(self.db, course_id, data, within)

    @rpc
    def enrol(self, course_id: Any, data: dict, within: Any = None) -> dict:
        return schools.enrol(self.db, course_id, data, within)

    @rpc
    def list_enrolments(self, course_id: Any, within: Any = None) -> dict:
        return schools.list_enrolments(self.db, course_id, within)

    @rpc
    def record_attendance(self, session_id: Any, data: dict, within: Any = None) -> dict:
        return schools.record_attendance(self.db, session_id, data, within)

    # ------------------------------------------------------------ competitions
    @rpc
    def create_competition(self, data: dict, within: Any = None) -> dict:
        return competitions.create_competition(self.db, data, within)

    @rpc
    def list_competitions(self, query: dict, within: Any = None) -> dict:
        return competitions.list_competitions(self.db, query)

    @rpc
    def get_competition(self, competition_id: Any, within: Any = None) -> dict:
        return competitions.get_competition(self.db, competition_id)

    @rpc
    def list_entries(self, competition_id: Any, query: dict, within: Any = None) -> dict:
        return competitions.list_entries(self.db, competition_id, query)

    @rpc
    def enter_competition(self, competition_id: Any, data: dict, within: Any = None) -> dict:
        return competitions.enter(self.db, competition_id, data, within)

    @rpc
    def enter_competition_many(self, competition_id: Any, data: dict, within: Any = None) -> dict:
        return competitions.enter_many(self.db, competition_id, data, within)

    @rpc
    def record_scores(self, competition_id: Any, data: dict, within: Any = None) -> dict:
        return competitions.record_scores(self.db, competition_id, data, within)

    @rpc
    def publish_results(self, competition_id: Any, data: dict | None = None, within: Any = None) -> dict:
        return competitions.publish_results(self.db, competition_id, data, within)

    # ------------------------------------------------------------ safety work
    @rpc
    def create_safety_session(self, data: dict, within: Any = None) -> dict:
        return safety.create_safety_session(self.db, data, within)

    @rpc
    def get_safety_session(self, session_id: Any, within: Any = None) -> dict:
        return safety.get_safety_session(self.db, session_id, within)

    @rpc
    def list_safety_sessions(self, query: dict, within: Any = None) -> dict:
        return safety.list_safety_sessions(self.db, query, within)

    @rpc
    def submit_hazard(self, data: dict, within: Any = None) -> dict:
        return safety.submit_hazard(self.db, data, within)

    @rpc
    def accept_hazard(self, hazard_id: Any, data: dict | None = None, within: Any = None) -> dict:
        return safety.review_hazard(self.db, hazard_id, "accepted", data or {}, within)

    @rpc
    def reject_hazard(self, hazard_id: Any, data: dict | None = None, within: Any = None) -> dict:
        return safety.review_hazard(self.db, hazard_id, "rejected", data or {}, within)

    @rpc
    def list_hazards(self, query: dict, within: Any = None) -> dict:
        return safety.list_hazards(self.db, query, within)

    # ------------------------------------------------------------ golden ideas
    @rpc
    def submit_proposal(self, data: dict, within: Any = None) -> dict:
        return proposals.submit(self.db, data, within)

    @rpc
    def get_proposal(self, proposal_id: Any, within: Any = None) -> dict:
        return proposals.get(self.db, proposal_id, within)

    @rpc
    def list_proposals(self, query: dict, within: Any = None) -> dict:
        return proposals.list_proposals(self.db, query, within)

    @rpc
    def score_proposal(self, proposal_id: Any, data: dict, within: Any = None, actor: str | None = None) -> dict:
        return proposals.score(self.db, proposal_id, data, actor or "reviewer", within)

    @rpc
    def review_proposal(self, proposal_id: Any, data: dict, within: Any = None, actor: str | None = None) -> dict:
        return proposals.review(self.db, proposal_id, data, actor, within)

    @event_handler(events.WELFARE, events.PAYOUT_MADE)
    def handle_reward_paid(self, event: dict) -> None:
        proposals.apply_reward_paid(self.db, event["data"])

    @event_handler(events.WELFARE, events.PAYOUT_REFUSED)
    def handle_reward_refused(self, event: dict) -> None:
        proposals.apply_reward_refused(self.db, event["data"])

    # ------------------------------------------------------------ figures
    @rpc
    def annual_stats(self, year: int, within: Any = None) -> dict:
        return stats.annual_stats(self.db, int(year), within)
