"""The events membership publishes: the catalogue other services read.

Every event travels in the envelope `{event_id, event_type, occurred_at,
version, data}` on the `membership.events` exchange, routing key = name.
Member events carry the member's snapshot with a `revision` that grows with
every change: keep the highest revision seen and ignore older ones.
Member snapshots hold no ID number or phone: services that need them ask.

organisation_registered v1: organisation_id, name, kind, parent_id, path, employer_size, established_on
member_joined v1:          member snapshot (below)
members_imported v1:       import_id, members: [member snapshot, ...] — one per chunk of an
                           imported roster, in place of a member_joined per row
member_updated v1:         member snapshot
member_transferred v1:     member snapshot + from_organisation_id, to_organisation_id, on
member_left v1:            member snapshot + on, reason
honour_awarded v1:         honour_id, member_id, title, level, year
roster_import_requested v1: import_id (membership's own background job)

member snapshot: member_id, name, organisation_id, organisation_path,
employment_form, occupation, status, joined_on, left_on, revision
"""

from __future__ import annotations

from typing import Any

ORGANISATION_REGISTERED = "organisation_registered"
MEMBER_JOINED = "member_joined"
MEMBERS_IMPORTED = "members_imported"
MEMBER_UPDATED = "member_updated"
MEMBER_TRANSFERRED = "member_transferred"
MEMBER_LEFT = "member_left"
HONOUR_AWARDED = "honour_awarded"
ROSTER_IMPORT_REQUESTED = "roster_import_requested"


def member_snapshot(member: Any, organisation_path: str) -> dict[str, Any]:
    return {
        "member_id": str(member.id),
        "name": member.name,
        "organisation_id": str(member.organisation_id),
        "organisation_path": organisation_path,
        "employment_form": member.employment_form,
        "occupation": member.occupation,
        "status": member.status,
        "joined_on": member.joined_on.isoformat(),
        "left_on": member.left_on.isoformat() if member.left_on else None,
        "revision": member.revision,
    }


def organisation_registered(org: Any) -> dict[str, Any]:
    return {
        "organisation_id": str(org.id),
        "name": org.name,
        "kind": org.kind,
        "parent_id": str(org.parent_id) if org.parent_id else None,
        "path": org.path,
        "employer_size": org.employer_size,
        "established_on": org.established_on.isoformat(),
    }
