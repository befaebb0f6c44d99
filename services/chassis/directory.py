"""A service's local copy of membership's organisations and members.

Welfare, training and rights never read membership's tables and never ask it
on a hot path: they keep who is a member, of which union, and each union's
place in the tree (its `path`, e.g. `/1/7/`) from membership's events.

    class Base(DeclarativeBase): ...
    add_chassis_tables(Base.metadata)
    add_directory_tables(Base.metadata)

    class WelfareService(ServiceBase, MembershipDirectory):   # the event handlers
        db = Database(Base.metadata)

Member events carry the whole snapshot and a `revision`; applying one keeps
the highest revision, so a duplicate or an out-of-order event leaves the copy
right. Scoping: `within` (an organisation id, None for the whole federation)
becomes a path prefix with `scope_path`; an object is in scope when its
organisation's path starts with it, and out of scope answers NotFound, the
same as a missing one.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    Integer,
    MetaData,
    String,
    Table,
    bindparam,
    select,
)
from sqlalchemy.orm import Session

from services.chassis.entrypoints import event_handler
from services.chassis.errors import InvalidInput, NotFound

ORGANISATION_COPY = "organisation_copy"
MEMBER_COPY = "member_copy"


def add_directory_tables(metadata: MetaData) -> None:
    """Declare `organisation_copy` and `member_copy` on a service's metadata."""
    Table(
        ORGANISATION_COPY, metadata,
        Column("organisation_id", BigInteger, primary_key=True, autoincrement=False),
        Column("name", String(200), nullable=False),
        Column("kind", String(30), nullable=False),
        Column("parent_id", BigInteger),
        Column("path", String(400), nullable=False, index=True),
        Column("employer_size", String(10)),
        Column("established_on", Date),
    )
    Table(
        MEMBER_COPY, metadata,
        Column("member_id", BigInteger, primary_key=True, autoincrement=False),
        Column("name", String(100), nullable=False),
        Column("organisation_id", BigInteger, nullable=False, index=True),
        Column("organisation_path", String(400), nullable=False, index=True),
        Column("employment_form", String(20), nullable=False),
        Column("occupation", String(100)),
        Column("status", String(10), nullable=False),
        Column("joined_on", Date, nullable=False),
        Column("left_on", Date),
        Column("revision", Integer, nullable=False),
    )


def tables_of(metadata: MetaData) -> tuple[Table, Table]:
    return metadata.tables[ORGANISATION_COPY], metadata.tables[MEMBER_COPY]


def _day(value: Any) -> date | None:
    return date.fromisoformat(value) if value else None


def _member_values(snapshot: dict[str, Any]) -> dict[str, Any]:
    """A member snapshot (membership's event) as the copy's columns, bar the member id."""
    return {
        "name": snapshot["name"], "organisation_id": int(snapshot["organisation_id"]),
        "organisation_path": snapshot["organisation_path"],
        "employment_form": snapshot["employment_form"], "occupation": snapshot.get("occupation"),
        "status": snapshot["status"], "joined_on": _day(snapshot["joined_on"]),
        "left_on": _day(snapshot.get("left_on")), "revision": int(snapshot["revision"]),
    }


class Directory:
    """Reads and writes of the copy, bound to one service's metadata."""

    def __init__(self, metadata: MetaData):
        self.organisations, self.members = tables_of(metadata)

    # -- applying membership's events ---------------------------------------------------------

    def apply_organisation(self, session: Session, data: dict[str, Any]) -> None:
        org_id = int(data["organisation_id"])
        values = {
            "name": data["name"], "kind": data["kind"],
            "parent_id": int(data["parent_id"]) if data.get("parent_id") else None,
            "path": data["path"], "employer_size": data.get("employer_size"),
            "established_on": _day(data.get("established_on")),
        }
        table = self.organisations
        exists = session.execute(select(table.c.organisation_id).where(table.c.organisation_id == org_id)
                                 .with_for_update()).first()
        if exists:
            session.execute(table.update().where(table.c.organisation_id == org_id).values(**values))
        else:
            session.execute(table.insert().values(organisation_id=org_id, **values))

    def apply_member(self, session: Session, snapshot: dict[str, Any]) -> bool:
        """Bring the copy up to `snapshot`; False when the copy already knows newer."""
        return self.apply_members(session, [snapshot]) == 1

    def apply_members(self, session: Session, snapshots: list[dict[str, Any]]) -> int:
        """Bring the copy up to many snapshots at once; how many members changed.

        One read, one insert and one update for the lot, so an imported roster's
        chunk costs the copy one transaction instead of one per member.
        """
        newest: dict[int, dict[str, Any]] = {}
        for snapshot in snapshots:
            member_id = int(snapshot["member_id"])
            if member_id not in newest or int(snapshot["revision"]) > int(newest[member_id]["revision"]):
                newest[member_id] = snapshot
        if not newest:
            return 0
        table = self.members
        known = dict(session.execute(select(table.c.member_id, table.c.revision)
                                     .where(table.c.member_id.in_(list(newest))).with_for_update()).all())
        fresh: list[dict[str, Any]] = []
        changed: list[dict[str, Any]] = []
        for member_id, snapshot in newest.items():
            values = _member_values(snapshot)
            if member_id not in known:
                fresh.append({"member_id": member_id, **values})
            elif known[member_id] < values["revision"]:
                changed.append({"copy_member_id": member_id, **values})
        if fresh:
            session.execute(table.insert(), fresh)
        if changed:  # SET takes the keys that name columns; the WHERE takes the one that does not
            session.execute(table.update().where(table.c.member_id == bindparam("copy_member_id")), changed)
        return len(fresh) + len(changed)

    # -- reads ----------------------------------------------------------------------------------

    def member(self, session: Session, member_id: int, scope: str | None = None,
               field: str = "member_id") -> dict[str, Any]:
        """The member's copy, or NotFound (also when outside `scope`, a path prefix)."""
        row = session.execute(select(self.members).where(self.members.c.member_id == member_id)).mappings().first()
        if row is None or (scope and not row["organisation_path"].startswith(scope)):
            raise NotFound(f"no member {member_id}", {field: ["no such member"]})
        return dict(row)

    def active_member(self, session: Session, member_id: int, scope: str | None = None,
                      field: str = "member_id") -> dict[str, Any]:
        """The member's copy; a member who has left is a field error."""
        member = self.member(session, member_id, scope, field)
        if member["status"] != "active":
            raise InvalidInput(f"member {member_id} has left the union", {field: ["the member has left"]})
        return member

    def organisation(self, session: Session, organisation_id: int, scope: str | None = None,
                     field: str = "organisation_id") -> dict[str, Any]:
        table = self.organisations
        row = session.execute(select(table).where(table.c.organisation_id == organisation_id)).mappings().first()
        if row is None or (scope and not row["path"].startswith(scope)):
            raise NotFound(f"no organisation {organisation_id}", {field: ["no such organisation"]})
        return dict(row)

    def scope_path(self, session: Session, within: Any) -> str | None:
        """The path prefix of the caller's organisation; None for the whole federation.

        An organisation this service has not heard of yet scopes to nothing at all
        (a path no object has), never to everything.
        """
        if within in (None, ""):
            return None
        try:
            org_id = int(within)
        except (TypeError, ValueError):
            return "/nothing/"
        table = self.organisations
        path = session.execute(select(table.c.path).where(table.c.organisation_id == org_id)).scalar()
        return path or "/nothing/"

    def member_names(self, session: Session, member_ids: list[int]) -> dict[int, str]:
        if not member_ids:
            return {}
        table = self.members
        rows = session.execute(select(table.c.member_id, table.c.name).where(table.c.member_id.in_(member_ids)))
        return {member_id: name for member_id, name in rows}


class MembershipDirectory:
    """Mixin: the event handlers that keep the copy. The service sets `directory = Directory(Base.metadata)`."""

    directory: Directory

    @event_handler("membership", "organisation_registered")
    def handle_organisation_registered(self, event: dict) -> None:
        self.directory.apply_organisation(self.db.session, event["data"])

    @event_handler("membership", "member_joined")
    def handle_member_joined(self, event: dict) -> None:
        self.directory.apply_member(self.db.session, event["data"])

    @event_handler("membership", "members_imported")
    def handle_members_imported(self, event: dict) -> None:
        self.directory.apply_members(self.db.session, event["data"]["members"])

    @event_handler("membership", "member_updated")
    def handle_member_updated(self, event: dict) -> None:
        self.directory.apply_member(self.db.session, event["data"])

    @event_handler("membership", "member_transferred")
    def handle_member_transferred(self, event: dict) -> None:
        self.directory.apply_member(self.db.session, event["data"])

    @event_handler("membership", "member_left")
    def handle_member_left(self, event: dict) -> None:
        self.directory.apply_member(self.db.session, event["data"])
