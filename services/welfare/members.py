"""Welfare's local copy of members, kept from membership's events.

Every member event carries the member's whole snapshot and its revision, so
applying one is an upsert that keeps the highest revision: the same event
twice, or two events out of order, leave the copy right.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.chassis.errors import NotFound
from services.welfare.models import MemberCopy


def apply_member_snapshot(session: Session, snapshot: dict[str, Any]) -> bool:
    """Bring the copy up to `snapshot`; False when the copy already knows newer."""
    member_id = int(snapshot["member_id"])
    copy = session.get(MemberCopy, member_id, with_for_update=True)
    if copy is not None and copy.revision >= int(snapshot["revision"]):
        return False
    if copy is None:
        copy = MemberCopy(member_id=member_id)
        session.add(copy)
    copy.name = snapshot["name"]
    copy.organisation_id = int(snapshot["organisation_id"])
    copy.organisation_path = snapshot["organisation_path"]
    copy.employment_form = snapshot["employment_form"]
    copy.status = snapshot["status"]
    copy.joined_on = date.fromisoformat(snapshot["joined_on"])
    copy.left_on = date.fromisoformat(snapshot["left_on"]) if snapshot.get("left_on") else None
    copy.revision = int(snapshot["revision"])
    return True


def member_copy(session: Session, member_id: int) -> dict[str, Any]:
    copy = session.get(MemberCopy, member_id)
    if copy is None:
        raise NotFound(f"welfare knows no member {member_id}")
    return {
        "member_id": str(copy.member_id), "name": copy.name,
        "organisation_id": str(copy.organisation_id), "organisation_path": copy.organisation_path,
        "employment_form": copy.employment_form, "status": copy.status,
        "joined_on": copy.joined_on.isoformat(),
        "left_on": copy.left_on.isoformat() if copy.left_on else None,
        "revision": copy.revision,
    }


def member_copy_counts(session: Session) -> dict[str, int]:
    rows = session.execute(select(MemberCopy.status, func.count()).group_by(MemberCopy.status))
    counts = {status: count for status, count in rows}
    return {"active": counts.get("active", 0), "left": counts.get("left", 0)}
