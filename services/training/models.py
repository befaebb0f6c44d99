"""Training's tables: the craftsman ladder, schools, competitions, safety work, golden ideas.

Members and organisations are the local copy kept from membership's events
(`member_copy`, `organisation_copy`, see services/chassis/directory.py);
rows here refer to them by id and keep the organisation's path where scoping
needs it ("this union and every union below it" is one prefix match).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from services.chassis.directory import Directory, add_directory_tables
from services.chassis.events import utcnow
from services.chassis.tables import Id, add_chassis_tables


class Base(DeclarativeBase):
    pass


add_chassis_tables(Base.metadata)
add_directory_tables(Base.metadata)
directory = Directory(Base.metadata)


# ---------------------------------------------------------------- the craftsman ladder

class Craftsman(Base):
    """The level a member holds on the ladder now, and since when."""

    __tablename__ = "craftsman"

    member_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    level: Mapped[str] = mapped_column(String(20), index=True)
    named_on: Mapped[date] = mapped_column(Date)
    nomination_id: Mapped[int] = mapped_column(BigInteger)


class Nomination(Base):
    """A union's nomination of a member to the next level, reviewed, then publicly noticed.

    pending -> (approve) public_notice -> (notice ends) named
            -> (reject) rejected;  public_notice -> (objection) objected -> approve | reject
    """

    __tablename__ = "nomination"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    member_id: Mapped[int] = mapped_column(BigInteger, index=True)
    organisation_id: Mapped[int] = mapped_column(BigInteger)
    organisation_path: Mapped[str] = mapped_column(String(400))
    level: Mapped[str] = mapped_column(String(20))
    from_level: Mapped[str | None] = mapped_column(String(20))
    year: Mapped[int] = mapped_column(Integer, index=True)
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    nominated_by: Mapped[str | None] = mapped_column(String(100))
    reviewed_by: Mapped[str | None] = mapped_column(String(100))
    reason: Mapped[str | None] = mapped_column(String(500))
    objections: Mapped[list] = mapped_column(JSON, default=list)
    notice_ends_on: Mapped[date | None] = mapped_column(Date)
    named_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        Index("ix_nomination_notice", "status", "notice_ends_on"),
        # One open nomination per member, even when two unions nominate at the same moment.
        Index("uq_nomination_open", "member_id", unique=True,
              postgresql_where=text("status IN ('pending', 'public_notice', 'objected')"),
              sqlite_where=text("status IN ('pending', 'public_notice', 'objected')")),
    )


# ---------------------------------------------------------------- schools and the college

class School(Base):
    """A craftsman school, or the model-worker and craftsman college, with its host organisation."""

    __tablename__ = "school"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    organisation_id: Mapped[int] = mapped_column(BigInteger)
    organisation_path: Mapped[str] = mapped_column(String(400))
    established_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Course(Base):
    __tablename__ = "course"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CourseSession(Base):
    """One sitting of a course: a day and its hours."""

    __tablename__ = "course_session"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"), index=True)
    held_on: Mapped[date] = mapped_column(Date)
    hours: Mapped[int] = mapped_column(Integer)
    topic: Mapped[str | None] = mapped_column(String(200))


class Enrolment(Base):
    __tablename__ = "enrolment"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"))
    member_id: Mapped[int] = mapped_column(BigInteger, index=True)
    enrolled_on: Mapped[date] = mapped_column(Date)

    __table_args__ = (UniqueConstraint("course_id", "member_id", name="uq_enrolment"),)


class Attendance(Base):
    __tablename__ = "attendance"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("course_session.id"))
    member_id: Mapped[int] = mapped_column(BigInteger, index=True)

    __table_args__ = (UniqueConstraint("session_id", "member_id", name="uq_attendance"),)


# ---------------------------------------------------------------- competitions

class Competition(Base):
    """A labour or skill competition; `published` results are frozen."""

    __tablename__ = "competition"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(10))
    organisation_id: Mapped[int] = mapped_column(BigInteger)
    organisation_path: Mapped[str] = mapped_column(String(400))
    held_on: Mapped[date] = mapped_column(Date, index=True)
    max_score: Mapped[int] = mapped_column(Integer, default=100)
    prizes: Mapped[dict] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(10), default="open")
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Entry(Base):
    """A member's entry; once results are published it holds the final score, rank and award."""

    __tablename__ = "competition_entry"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    competition_id: Mapped[int] = mapped_column(ForeignKey("competition.id"))
    member_id: Mapped[int] = mapped_column(BigInteger, index=True)
    # hundredths of a point: exact, and equal scores compare equal
    final_score_centi: Mapped[int | None] = mapped_column(Integer)
    rank: Mapped[int | None] = mapped_column(Integer)
    award: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (UniqueConstraint("competition_id", "member_id", name="uq_competition_entry"),)


class JudgeScore(Base):
    __tablename__ = "judge_score"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("competition_entry.id"))
    judge: Mapped[str] = mapped_column(String(100))
    score_centi: Mapped[int] = mapped_column(Integer)

    __table_args__ = (UniqueConstraint("entry_id", "judge", name="uq_judge_score"),)


# ---------------------------------------------------------------- safety work

class SafetySession(Base):
    """A safety training or an emergency drill."""

    __tablename__ = "safety_session"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(10))
    title: Mapped[str | None] = mapped_column(String(200))
    held_on: Mapped[date] = mapped_column(Date, index=True)
    organisation_id: Mapped[int] = mapped_column(BigInteger)
    organisation_path: Mapped[str] = mapped_column(String(400))
    attendees: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class HazardSnapshot(Base):
    """A hazard a member spotted and reported ("随手拍"); reviewed: accepted or rejected."""

    __tablename__ = "hazard_snapshot"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    member_id: Mapped[int] = mapped_column(BigInteger, index=True)
    organisation_path: Mapped[str] = mapped_column(String(400))
    found_on: Mapped[date] = mapped_column(Date)
    location: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="submitted")
    review_note: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


# ---------------------------------------------------------------- golden ideas

class Proposal(Base):
    """A golden-idea proposal: submitted -> adopted | rejected; adopted -> paid by welfare."""

    __tablename__ = "proposal"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    member_id: Mapped[int] = mapped_column(BigInteger, index=True)
    organisation_path: Mapped[str] = mapped_column(String(400))
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="submitted", index=True)
    score: Mapped[int | None] = mapped_column(Integer)
    reviewed_by: Mapped[str | None] = mapped_column(String(100))
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reward_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    # the one request to welfare (never a second): requested -> paid | refused
    reward_request_id: Mapped[str | None] = mapped_column(String(36), unique=True)
    payout_status: Mapped[str | None] = mapped_column(String(10))
    payout_transaction_id: Mapped[str | None] = mapped_column(String(64))
    refusal_reason: Mapped[str | None] = mapped_column(String(500))
    paid_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ProposalScore(Base):
    """One reviewer's mark of a proposal (0-100); the review's score defaults to their mean."""

    __tablename__ = "proposal_score"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id"))
    reviewer: Mapped[str] = mapped_column(String(100))
    score: Mapped[int] = mapped_column(Integer)

    __table_args__ = (UniqueConstraint("proposal_id", "reviewer", name="uq_proposal_score"),)


# "This union and every union below it" is a prefix match on the path: on PostgreSQL
# text_pattern_ops lets LIKE 'prefix%' use the index whatever the database's collation.
for _model in (Nomination, School, Competition, SafetySession, HazardSnapshot, Proposal):
    Index(f"ix_{_model.__tablename__}_organisation_path", _model.organisation_path,
          postgresql_ops={"organisation_path": "text_pattern_ops"})
