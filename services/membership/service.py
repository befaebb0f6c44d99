"""The membership service: organisations, members, transfers, leaving, honours.

Entrypoints only translate: ids from strings, the call into `operations`,
the result out. `within` is the caller's scope (an organisation id): the
call sees that organisation and the ones below it only.
"""

from __future__ import annotations

import base64
from typing import Any

import eventlet

from services.chassis.database import Database
from services.chassis.entrypoints import event_handler, rpc
from services.chassis.errors import NotFound
from services.chassis.identity import mask_mobile, mask_resident_id
from services.chassis.telemetry import ServiceBase
from services.membership import craftsman_honours, events, operations, roster_import
from services.membership.domain.roster import write_members_xlsx
from services.membership.models import Base


def as_id(value: Any, what: str = "object") -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise NotFound(f"{what} {value!r} not found") from None
    if not 0 < number < 2**63:
        raise NotFound(f"{what} {value!r} not found")
    return number


def scope(within: Any) -> int | None:
    return None if within in (None, "") else as_id(within, "organisation")


class MembershipService(ServiceBase):
    name = "membership"

    db = Database(Base.metadata)

    @rpc
    def ping(self) -> str:
        return "pong"

    # organisations
    @rpc
    def create_organisation(self, data: dict, within: Any = None) -> dict:
        return operations.create_organisation(self.db, data, scope(within))

    @rpc
    def get_organisation(self, organisation_id: Any, within: Any = None) -> dict:
        return operations.get_organisation(self.db, as_id(organisation_id, "organisation"), scope(within))

    @rpc
    def list_organisations(self, query: dict, within: Any = None) -> dict:
        return operations.list_organisations(self.db, query, scope(within))

    # members
    @rpc
    def register_member(self, data: dict, within: Any = None) -> dict:
        return operations.register_member(self.db, data, scope(within))

    @rpc
    def get_member(self, member_id: Any, within: Any = None) -> dict:
        return operations.get_member(self.db, as_id(member_id, "member"), scope(within))

    @rpc
    def update_member(self, member_id: Any, data: dict, within: Any = None) -> dict:
        return operations.update_member(self.db, as_id(member_id, "member"), data, scope(within))

    @rpc
    def transfer_member(self, member_id: Any, data: dict, within: Any = None) -> dict:
        return operations.transfer_member(self.db, as_id(member_id, "member"), data, scope(within))

    @rpc
    def leave_member(self, member_id: Any, data: dict, within: Any = None) -> dict:
        return operations.member_leaves(self.db, as_id(member_id, "member"), data, scope(within))

    @rpc
    def award_honour(self, member_id: Any, data: dict, within: Any = None) -> dict:
        return operations.award_honour(self.db, as_id(member_id, "member"), data, scope(within))

    @rpc
    def search_members(self, query: dict, within: Any = None) -> dict:
        return operations.search_members(self.db, query, scope(within))

    @event_handler("training", "craftsman_named")
    def handle_craftsman_named(self, event: dict) -> None:
        craftsman_honours.record_craftsman_honour(self.db, event["data"])

    # roster import and export
    @rpc
    def start_import(self, filename: str, content_b64: str, requested_by: str | None = None,
                     within: Any = None) -> dict:
        return roster_import.start_import(self.db, filename, content_b64, requested_by, scope(within))

    @rpc
    def get_import(self, import_id: Any, within: Any = None) -> dict:
        return roster_import.get_import(self.db, as_id(import_id, "import"), scope(within))

    @event_handler("membership", events.ROSTER_IMPORT_REQUESTED)
    def handle_roster_import_requested(self, event: dict) -> None:
        roster_import.run_import(self.db, as_id(event["data"]["import_id"], "import"))

    @rpc
    def export_members(self, query: dict, within: Any = None, full_identifiers: bool = False) -> str:
        """The matching members as an XLSX workbook, base64-encoded."""

        def rows() -> Any:
            for count, row in enumerate(operations.iter_members_for_export(self.db, query, scope(within))):
                if not full_identifiers:
                    row["id_number"] = mask_resident_id(row["id_number"])
                    row["phone"] = mask_mobile(row["phone"])
                if count % 1000 == 0:
                    eventlet.sleep(0)  # let heartbeats and other workers through
                yield row

        return base64.b64encode(write_members_xlsx(rows())).decode()

    # figures
    @rpc
    def annual_stats(self, year: int, within: Any = None) -> dict:
        return operations.annual_stats(self.db, int(year), scope(within))
