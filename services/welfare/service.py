"""The welfare service. So far: the local copy of members fed by membership's events."""

from __future__ import annotations

from typing import Any

from services.chassis.database import Database
from services.chassis.entrypoints import event_handler, rpc
from services.chassis.telemetry import ServiceBase
from services.welfare import members
from services.welfare.models import Base


class WelfareService(ServiceBase):
    name = "welfare"

    db = Database(Base.metadata)

    @rpc
    def ping(self) -> str:
        return "pong"

    @rpc
    def get_member_copy(self, member_id: Any) -> dict:
        return members.member_copy(self.db.session, int(member_id))

    @rpc
    def member_copy_counts(self) -> dict:
        return members.member_copy_counts(self.db.session)

    @event_handler("membership", "member_joined")
    def handle_member_joined(self, event: dict) -> None:
        members.apply_member_snapshot(self.db.session, event["data"])

    @event_handler("membership", "member_updated")
    def handle_member_updated(self, event: dict) -> None:
        members.apply_member_snapshot(self.db.session, event["data"])

    @event_handler("membership", "member_transferred")
    def handle_member_transferred(self, event: dict) -> None:
        members.apply_member_snapshot(self.db.session, event["data"])

    @event_handler("membership", "member_left")
    def handle_member_left(self, event: dict) -> None:
        members.apply_member_snapshot(self.db.session, event["data"])
