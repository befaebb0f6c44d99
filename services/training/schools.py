"""Craftsman schools and the college: courses, sessions, enrolments, attendance, training hours.

Schools are the federation's own facilities: every reader may see them (a
union chair enrols their members in the city's college), while creating and
running them is the training officers' work, for a host in their scope.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from services.chassis.database import UnitOfWork
from services.chassis.errors import Conflict, InvalidInput
from services.chassis.schemas import load
from services.training import schemas
from services.training.common import active_member, find, in_unions, iso, organisation_path, paged, scope_of, today
from services.training.models import Attendance, Course, CourseSession, Enrolment, School, directory


def school_view(db: UnitOfWork, school: School, detail: bool = False) -> dict[str, Any]:
    session = db.session
    data = {"id": str(school.id), "name": school.name, "kind": school.kind,
            "organisation_id": str(school.organisation_id), "established_on": iso(school.established_on)}
    if detail:
        courses = list(session.scalars(select(Course).where(Course.school_id == school.id).order_by(Course.id)))
        data["courses"] = [course_view(db, c) for c in courses]
    return data


def course_view(db: UnitOfWork, course: Course) -> dict[str, Any]:
    session = db.session
    sessions = list(session.scalars(select(CourseSession).where(CourseSession.course_id == course.id)
                                    .order_by(CourseSession.held_on, CourseSession.id)))
    enrolled = session.scalar(select(func.count()).select_from(Enrolment).where(Enrolment.course_id == course.id))
    return {"id": str(course.id), "school_id": str(course.school_id), "title": course.title,
            "enrolled": int(enrolled or 0), "sessions": [session_view(s) for s in sessions]}


def session_view(sitting: CourseSession) -> dict[str, Any]:
    return {"id": str(sitting.id), "course_id": str(sitting.course_id), "held_on": iso(sitting.held_on),
            "hours": sitting.hours, "topic": sitting.topic}


def create_school(db: UnitOfWork, data: dict[str, Any], within: Any = None) -> dict[str, Any]:
    data = load(schemas.SchoolCreateSchema, data)
    session = db.session
    path = organisation_path(session, data["organisation_id"], scope_of(session, within))
    if session.scalar(select(School.id).where(School.name == data["name"])):
        raise InvalidInput.field("name", "a school with this name already exists")
    school = School(**data, organisation_path=path)
    session.add(school)
    session.flush()
    return school_view(db, school)


def list_schools(db: UnitOfWork, query: dict[str, Any]) -> dict[str, Any]:
    query = load(schemas.PageSchema, {k: v for k, v in query.items() if v not in (None, "")})
    stmt = select(School)
    if query["kind"]:
        stmt = stmt.where(School.kind == query["kind"])
    return paged(db.session, stmt, School, query, lambda s: school_view(db, s))


def get_school(db: UnitOfWork, school_id: Any) -> dict[str, Any]:
    return school_view(db, find(db.session, School, school_id, None, "school"), detail=True)


def _school_for_writing(db: UnitOfWork, school_id: Any, within: Any) -> School:
    session = db.session
    return find(session, School, school_id, scope_of(session, within), "school")


def create_course(db: UnitOfWork, school_id: Any, data: dict[str, Any], within: Any = None) -> dict[str, Any]:
    data = load(schemas.CourseCreateSchema, data)
    school = _school_for_writing(db, school_id, within)
    course = Course(school_id=school.id, title=data["title"])
    db.session.add(course)
    db.session.flush()
    return course_view(db, course)


def _course(db: UnitOfWork, course_id: Any, within: Any = None, writing: bool = False) -> Course:
    session = db.session
    course = find(session, Course, course_id, None, "course")
    if writing:
        _school_for_writing(db, course.school_id, within)
    return course


def get_course(db: UnitOfWork, course_id: Any) -> dict[str, Any]:
    return course_view(db, _course(db, course_id))


def add_session(db: UnitOfWork, course_id: Any, data: dict[str, Any], within: Any = None) -> dict[str, Any]:
    data = load(schemas.CourseSessionCreateSchema, data)
    course = _course(db, course_id, within, writing=True)
    sitting = CourseSession(course_id=course.id, **data)
    db.session.add(sitting)
    db.session.flush()
    return session_view(sitting)


def enrol(db: UnitOfWork, course_id: Any, data: dict[str, Any], within: Any = None) -> dict[str, Any]:
    """Enrol a member (in the caller's scope, still a member) in a course, once."""
    data = load(schemas.MemberRefSchema, data)
    session = db.session
    course = _course(db, course_id)
    member = active_member(session, data["member_id"], scope_of(session, within))
    if session.scalar(select(Enrolment.id).where(Enrolment.course_id == course.id,
                                                 Enrolment.member_id == member["member_id"])):
        raise Conflict("the member is already enrolled in this course")
    enrolment = Enrolment(course_id=course.id, member_id=member["member_id"], enrolled_on=today())
    session.add(enrolment)
    try:
        session.flush()
    except IntegrityError:
        raise Conflict("the member is already enrolled in this course") from None
    return {"id": str(enrolment.id), "course_id": str(course.id), "member_id": str(member["member_id"]),
            "enrolled_on": iso(enrolment.enrolled_on)}


def list_enrolments(db: UnitOfWork, course_id: Any, within: Any = None) -> dict[str, Any]:
    """A course's enrolled members (the caller's own only: a course is the city's, its members are not),
    each with the sittings attended and the hours they make."""
    session = db.session
    course = _course(db, course_id)
    members = directory.members
    stmt = in_unions(session, select(Enrolment.member_id, Enrolment.enrolled_on, members.c.name)
                     .join(members, members.c.member_id == Enrolment.member_id)
                     .where(Enrolment.course_id == course.id).order_by(Enrolment.id),
                     members.c.organisation_path, within)
    rows = session.execute(stmt).all()
    attended: dict[int, list[tuple[int, int]]] = defaultdict(list)
    if rows:
        for member_id, sitting_id, hours in session.execute(
                select(Attendance.member_id, CourseSession.id, CourseSession.hours)
                .join(CourseSession, CourseSession.id == Attendance.session_id)
                .where(CourseSession.course_id == course.id, Attendance.member_id.in_([r[0] for r in rows]))):
            attended[member_id].append((sitting_id, hours))
    return {"course_id": str(course.id), "items": [
        {"member_id": str(member_id), "member_name": name, "enrolled_on": iso(enrolled_on),
         "attended_session_ids": [str(sitting) for sitting, _ in sorted(attended[member_id])],
         "hours": sum(hours for _, hours in attended[member_id])}
        for member_id, enrolled_on, name in rows]}


def record_attendance(db: UnitOfWork, session_id: Any, data: dict[str, Any], within: Any = None) -> dict[str, Any]:
    """Mark enrolled members present at a sitting; marking someone twice changes nothing."""
    data = load(schemas.AttendanceSchema, data)
    session = db.session
    sitting = find(session, CourseSession, session_id, None, "course session")
    _course(db, sitting.course_id, within, writing=True)
    wanted = sorted(set(data["member_ids"]))
    enrolled = set(session.scalars(select(Enrolment.member_id).where(
        Enrolment.course_id == sitting.course_id, Enrolment.member_id.in_(wanted))))
    missing = [m for m in wanted if m not in enrolled]
    if missing:
        raise InvalidInput.field("member_ids", f"not enrolled in this course: {', '.join(map(str, missing[:20]))}")
    present = set(session.scalars(select(Attendance.member_id).where(
        Attendance.session_id == sitting.id, Attendance.member_id.in_(wanted))))
    for member_id in wanted:
        if member_id not in present:
            session.add(Attendance(session_id=sitting.id, member_id=member_id))
    session.flush()
    total = session.scalar(select(func.count()).select_from(Attendance).where(Attendance.session_id == sitting.id))
    return {**session_view(sitting), "attendees": int(total or 0), "added": len(wanted) - len(present)}
