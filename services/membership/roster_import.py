"""Roster imports: accept an uploaded file now, import its rows in the background.

`start_import` checks the file can be read and records the job; the job
runs in membership's own `roster_import_requested` handler, in chunks: each
chunk's good rows, its one `members_imported` event (the chunk's member
snapshots: a consumer applies a chunk in one transaction, not one per row)
and the job's progress are committed together, so a crash resumes where the
last chunk ended and no row is imported twice. A bad row is reported with its row number and field
and never blocks the good ones.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

import eventlet
from sqlalchemy import insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from services.chassis.database import UnitOfWork
from services.chassis.errors import Conflict, InvalidInput, NotFound
from services.chassis.events import utcnow
from services.chassis.schemas import load
from services.membership import events, schemas
from services.membership.domain import rules
from services.membership.domain.roster import RosterFileError, RosterRow, read_roster
from services.membership.models import Member, Organisation, RosterImport
from services.membership.operations import scope_path, today

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
CHUNK = 500
MAX_REPORTED_ERRORS = 20_000
# Shorter than the handler's retry delays added up (18 s), longer than a chunk takes (~1 s),
# so a delivery that finds the lease taken comes back after a dead worker's lease ran out.
LEASE = timedelta(seconds=10)

job_out = schemas.RosterImportSchema()
MEMBER_FIELDS_IN = frozenset(schemas.MemberCreateSchema().fields)


def decode_upload(content_b64: str) -> bytes:
    try:
        content = base64.b64decode(content_b64, validate=True)
    except (binascii.Error, ValueError, TypeError):
        raise InvalidInput.field("file", "the upload is not valid base64") from None
    if not content:
        raise InvalidInput.field("file", "the file is empty")
    if len(content) > MAX_UPLOAD_BYTES:
        raise InvalidInput.field("file", f"the file is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB")
    return content


def start_import(db: UnitOfWork, filename: str, content_b64: str, requested_by: str | None = None,
                 within: int | None = None) -> dict:
    content = decode_upload(content_b64)
    try:
        total = sum(1 for _ in read_roster(filename, content))
    except RosterFileError as exc:
        raise InvalidInput.field(exc.field or "file", str(exc)) from None
    if total == 0:
        raise InvalidInput.field("file", "the file has a header but no rows")
    job = RosterImport(filename=filename[:255], content=content, status="queued", total=total,
                       processed=0, imported=0, failed=0, errors=[], requested_by=requested_by,
                       scope_organisation_id=within)
    db.session.add(job)
    db.session.flush()
    db.publish(events.ROSTER_IMPORT_REQUESTED, {"import_id": str(job.id)})
    return job_out.dump(job)


def get_import(db: UnitOfWork, import_id: int, within: int | None = None) -> dict:
    job = db.session.get(RosterImport, import_id)
    if job is None or not _import_in_scope(db, job, within):
        raise NotFound(f"import {import_id} not found")
    return job_out.dump(job)


def _import_in_scope(db: UnitOfWork, job: RosterImport, within: int | None) -> bool:
    """A job is seen by callers whose scope holds the organisation it was started in.

    A job started federation-wide is seen only by federation-wide callers.
    """
    if within is None:
        return True
    if job.scope_organisation_id is None:
        return False
    prefix = scope_path(db.session, within)
    path = db.session.scalar(select(Organisation.path).where(Organisation.id == job.scope_organisation_id))
    return path is not None and path.startswith(prefix)


def claim(db: UnitOfWork, import_id: int) -> bool:
    """Take the job's lease; False when another worker holds it."""
    now = utcnow()
    claimed = db.session.execute(
        update(RosterImport)
        .where(RosterImport.id == import_id, RosterImport.status.in_(("queued", "running")),
               or_(RosterImport.lease_until.is_(None), RosterImport.lease_until < now))
        .values(status="running", lease_until=now + LEASE)
    ).rowcount
    db.commit()
    return claimed == 1


def run_import(db: UnitOfWork, import_id: int) -> None:
    """Import every row not yet processed, committing chunk by chunk."""
    session = db.session
    job = session.get(RosterImport, import_id)
    if job is None or job.status in ("done", "failed"):
        return
    if not claim(db, import_id):
        # Another worker runs it now; fail so the request comes back after the
        # retry delay and finishes the job should that worker have died.
        raise Conflict(f"import {import_id} is being run by another worker")
    session.refresh(job)
    prefix = scope_path(session, job.scope_organisation_id) if job.scope_organisation_id else None
    stmt = select(Organisation.id, Organisation.path, Organisation.established_on)
    if prefix:
        stmt = stmt.where(Organisation.path.startswith(prefix))
    organisations = {row.id: row for row in session.execute(stmt)}
    rows = read_roster(job.filename, job.content)
    seen: dict[str, int] = {}
    chunk: list[RosterRow] = []
    for index, row in enumerate(rows):
        if index < job.processed:
            continue
        chunk.append(row)
        if len(chunk) == CHUNK:
            _import_chunk(db, job, chunk, organisations, seen)
            chunk = []
            eventlet.sleep(0)
    if chunk:
        _import_chunk(db, job, chunk, organisations, seen)
    job.status = "done"
    job.finished_at = utcnow()
    job.lease_until = None


def _import_chunk(db: UnitOfWork, job: RosterImport, chunk: list[RosterRow],
                  organisations: dict[int, Any], seen: dict[str, int]) -> None:
    errors: list[dict[str, Any]] = []
    valid: list[tuple[RosterRow, dict[str, Any]]] = []
    for row in chunk:
        data, row_errors = _check_row(row, organisations, seen)
        if row_errors:
            errors.extend(row_errors)
        else:
            valid.append((row, data))
    session = db.session
    existing = set(session.scalars(select(Member.id_number).where(
        Member.status == "active", Member.id_number.in_([data["id_number"] for _, data in valid])
    )))
    fresh = []
    for row, data in valid:
        if data["id_number"] in existing:
            errors.append(_error(row, "id_number", "an active member with this ID number already exists"))
        else:
            fresh.append((row, data))
    try:
        with session.begin_nested():
            joined = _insert(db, fresh, organisations)
    except IntegrityError:  # a member registered meanwhile: fall back to row by row
        joined = []
        for row, data in fresh:
            try:
                with session.begin_nested():
                    joined += _insert(db, [(row, data)], organisations)
            except IntegrityError:
                errors.append(_error(row, "id_number", "an active member with this ID number already exists"))
    if joined:
        db.publish(events.MEMBERS_IMPORTED, {"import_id": str(job.id), "members": joined})
    inserted = len(joined)
    job.processed += len(chunk)
    job.lease_until = utcnow() + LEASE
    job.imported += inserted
    job.failed += len({e["row"] for e in errors})
    if errors and len(job.errors) < MAX_REPORTED_ERRORS:
        job.errors = [*job.errors, *errors][:MAX_REPORTED_ERRORS]
    db.commit()


def _insert(db: UnitOfWork, rows: Iterable[tuple[RosterRow, dict[str, Any]]],
            organisations: dict[int, Any]) -> list[dict[str, Any]]:
    """Insert the rows' members; their snapshots, for the chunk's event."""
    values = [{**data, "status": "active", "revision": 1} for _, data in rows]
    if not values:
        return []
    ids = db.session.scalars(
        insert(Member).returning(Member.id, sort_by_parameter_order=True), values
    ).all()
    return [events.member_snapshot(Member(id=member_id, left_on=None, **data),
                                   organisations[data["organisation_id"]].path)
            for member_id, data in zip(ids, values, strict=True)]


def _error(row: RosterRow, field: str, message: str) -> dict[str, Any]:
    return {"row": row.row, "field": field, "message": message}


def _check_row(row: RosterRow, organisations: dict[int, Any],
               seen: dict[str, int]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    raw = {key: value for key, value in row.fields.items() if key in MEMBER_FIELDS_IN}
    if not raw.get("occupation"):
        raw["occupation"] = None
    try:
        data = load(schemas.MemberCreateSchema, raw)
    except InvalidInput as exc:
        return {}, [_error(row, field, "; ".join(messages)) for field, messages in exc.errors.items()]
    if data["organisation_id"] not in organisations:
        return {}, [_error(row, "organisation_id", "no such organisation")]
    try:
        rules.check_joining(data["joined_on"], today())
    except InvalidInput as exc:
        return {}, [_error(row, field, "; ".join(messages)) for field, messages in exc.errors.items()]
    first = seen.get(data["id_number"])
    if first is not None:
        return {}, [_error(row, "id_number", f"the same ID number is on row {first}")]
    seen[data["id_number"]] = row.row
    return data, []
