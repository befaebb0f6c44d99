"""The training area's HTTP shapes (API.md "Training"): validated at the door, documented in OpenAPI.

The training service validates again; these make the gateway answer a
malformed request itself. Server-owned fields (ids, status, ranks, payouts)
are never accepted in a body.
"""

from __future__ import annotations

from marshmallow import fields, validate, validates_schema
from marshmallow.exceptions import ValidationError

from gateway.schemas import PageQuerySchema
from services.chassis.schemas import IdField, StrictSchema

LEVELS = ("seed", "craftsman", "chief", "gold")
Title = validate.Length(min=1, max=200)
Year = validate.Range(min=1950, max=2200)


# ---- the craftsman ladder
class NominationCreateSchema(StrictSchema):
    member_id = IdField(required=True)
    level = fields.String(required=True, validate=validate.OneOf(LEVELS),
                          metadata={"description": "the level above the one the member holds"})
    year = fields.Integer(required=True, strict=True, validate=Year)
    on = fields.Date(allow_none=True, metadata={"description": "the day the decision was taken (default today; "
                                                     "not in the future): for recording past decisions"})


class ApproveSchema(StrictSchema):
    note = fields.String(allow_none=True, validate=validate.Length(max=500))
    on = fields.Date(allow_none=True, metadata={"description": "the day the decision was taken (default today; "
                                                     "not in the future): for recording past decisions"})


class ReasonSchema(StrictSchema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=500))


class CompetitionRankSchema(StrictSchema):
    competition_id = fields.String()
    name = fields.String()
    held_on = fields.Date()
    rank = fields.Integer()
    award = fields.String(allow_none=True)
    final_score = fields.Float(allow_none=True)


class AdoptedProposalSchema(StrictSchema):
    proposal_id = fields.String()
    title = fields.String()
    status = fields.String()
    score = fields.Integer(allow_none=True)


class MemberRecordSchema(StrictSchema):
    member_id = fields.String()
    name = fields.String()
    status = fields.String()
    organisation_id = fields.String()
    level = fields.String(allow_none=True)
    level_since = fields.Date(allow_none=True)
    competition_ranks = fields.List(fields.Nested(CompetitionRankSchema))
    training_hours = fields.Integer()
    adopted_proposals = fields.List(fields.Nested(AdoptedProposalSchema))
    hazard_snapshots_accepted = fields.Integer()


class ObjectionSchema(StrictSchema):
    reason = fields.String()
    by = fields.String(allow_none=True)
    on = fields.Date()


class NominationSchema(StrictSchema):
    id = fields.String()
    member_id = fields.String()
    member_name = fields.String(allow_none=True)
    organisation_id = fields.String()
    level = fields.String()
    from_level = fields.String(allow_none=True)
    year = fields.Integer()
    status = fields.String(metadata={"description": "pending, public_notice, objected, named, rejected"})
    nominated_by = fields.String(allow_none=True)
    reviewed_by = fields.String(allow_none=True)
    reason = fields.String(allow_none=True)
    objections = fields.List(fields.Nested(ObjectionSchema))
    notice_ends_on = fields.Date(allow_none=True, metadata={"description": "last day for objections"})
    named_on = fields.Date(allow_none=True)
    created_at = fields.DateTime()
    reviewed_at = fields.DateTime(allow_none=True)
    evidence = fields.Nested(MemberRecordSchema, metadata={"description": "the member's record, beside the nomination"})


class NominationQuerySchema(PageQuerySchema):
    year = fields.Integer(validate=Year)
    status = fields.String(validate=validate.OneOf(("pending", "public_notice", "objected", "named", "rejected")))
    level = fields.String(validate=validate.OneOf(LEVELS))
    member_id = fields.String()
    organisation_id = fields.String()


class CraftsmanSchema(StrictSchema):
    member_id = fields.String()
    name = fields.String(allow_none=True)
    organisation_id = fields.String(allow_none=True)
    level = fields.String()
    title = fields.String()
    named_on = fields.Date()
    nomination_id = fields.String(allow_none=True)


class CraftsmanQuerySchema(PageQuerySchema):
    level = fields.String(validate=validate.OneOf(LEVELS))
    organisation_id = fields.String()


# ---- schools and the college
class SchoolCreateSchema(StrictSchema):
    name = fields.String(required=True, validate=Title)
    kind = fields.String(validate=validate.OneOf(("school", "college")))
    organisation_id = IdField(required=True, metadata={"description": "the host organisation"})
    established_on = fields.Date(required=True)


class CourseSessionSchema(StrictSchema):
    id = fields.String()
    course_id = fields.String()
    held_on = fields.Date()
    hours = fields.Integer()
    topic = fields.String(allow_none=True)


class CourseSchema(StrictSchema):
    id = fields.String()
    school_id = fields.String()
    title = fields.String()
    enrolled = fields.Integer()
    sessions = fields.List(fields.Nested(CourseSessionSchema))


class SchoolSchema(StrictSchema):
    id = fields.String()
    name = fields.String()
    kind = fields.String()
    organisation_id = fields.String()
    established_on = fields.Date()
    courses = fields.List(fields.Nested(CourseSchema))


class SchoolQuerySchema(PageQuerySchema):
    kind = fields.String(validate=validate.OneOf(("school", "college")))


class CourseCreateSchema(StrictSchema):
    title = fields.String(required=True, validate=Title)


class CourseSessionCreateSchema(StrictSchema):
    held_on = fields.Date(required=True)
    hours = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=24))
    topic = fields.String(allow_none=True, validate=validate.Length(max=200))


class MemberRefSchema(StrictSchema):
    member_id = IdField(required=True)


class MemberRefsSchema(StrictSchema):
    member_ids = fields.List(IdField(), required=True, validate=validate.Length(min=1, max=500),
                             metadata={"description": "up to 500 members, entered all together or none"})


class EntriesSchema(StrictSchema):
    items = fields.List(fields.Nested(lambda: EntrySchema()))


class EnrolmentSchema(StrictSchema):
    id = fields.String()
    course_id = fields.String()
    member_id = fields.String()
    enrolled_on = fields.Date()


class CourseEnrolmentSchema(StrictSchema):
    member_id = fields.String()
    member_name = fields.String(allow_none=True)
    enrolled_on = fields.Date()
    attended_session_ids = fields.List(fields.String())
    hours = fields.Integer(metadata={"description": "hours of the sittings attended"})


class CourseEnrolmentsSchema(StrictSchema):
    course_id = fields.String()
    items = fields.List(fields.Nested(CourseEnrolmentSchema))


class AttendanceSchema(StrictSchema):
    member_ids = fields.List(IdField(), required=True, validate=validate.Length(min=1, max=2000))


# ---- competitions
class PrizesSchema(StrictSchema):
    first = fields.Integer(strict=True, validate=validate.Range(min=0, max=1000))
    second = fields.Integer(strict=True, validate=validate.Range(min=0, max=1000))
    third = fields.Integer(strict=True, validate=validate.Range(min=0, max=1000))
    excellence = fields.Integer(strict=True, validate=validate.Range(min=0, max=10000))


class CompetitionCreateSchema(StrictSchema):
    name = fields.String(required=True, validate=Title)
    kind = fields.String(required=True, validate=validate.OneOf(("labour", "skill")))
    organisation_id = IdField(required=True, metadata={"description": "the host organisation"})
    held_on = fields.Date(required=True)
    max_score = fields.Integer(strict=True, validate=validate.Range(min=1, max=10000),
                               metadata={"description": "top of the marking range (default 100)"})
    prizes = fields.Nested(PrizesSchema, metadata={"description": "how many ranks win each prize "
                                                                   "(default 1 first, 2 second, 3 third)"})


class CompetitionSchema(StrictSchema):
    id = fields.String()
    name = fields.String()
    kind = fields.String()
    organisation_id = fields.String()
    held_on = fields.Date()
    max_score = fields.Integer()
    prizes = fields.Nested(PrizesSchema)
    status = fields.String(metadata={"description": "open, or published (frozen)"})
    published_at = fields.DateTime(allow_none=True)
    entrants = fields.Integer()


class CompetitionQuerySchema(PageQuerySchema):
    year = fields.Integer(validate=Year)
    kind = fields.String(validate=validate.OneOf(("labour", "skill")))
    status = fields.String(validate=validate.OneOf(("open", "published")))
    organisation_id = fields.String()


class JudgeMarkSchema(StrictSchema):
    judge = fields.String()
    score = fields.Float()


class EntrySchema(StrictSchema):
    id = fields.String()
    competition_id = fields.String()
    member_id = fields.String()
    member_name = fields.String(allow_none=True)
    final_score = fields.Float(allow_none=True)
    rank = fields.Integer(allow_none=True)
    award = fields.String(allow_none=True, metadata={"description": "first, second, third, excellence"})
    scores = fields.List(fields.Nested(JudgeMarkSchema), metadata={
        "description": "each judge's mark, in the listing of a competition's entries"})


class MarkSchema(StrictSchema):
    member_id = IdField(required=True)
    score = fields.Float(required=True, allow_nan=False, validate=validate.Range(min=0))


class JudgeScoresSchema(StrictSchema):
    judge = fields.String(required=True, validate=validate.Length(min=1, max=100))
    scores = fields.List(fields.Nested(MarkSchema), required=True, validate=validate.Length(min=1))


class ResultSchema(StrictSchema):
    member_id = IdField(required=True)
    score = fields.Float(allow_nan=False, validate=validate.Range(min=0), metadata={"description": "a final score"})
    scores = fields.List(fields.Float(allow_nan=False, validate=validate.Range(min=0)),
                         validate=validate.Length(min=1, max=50),
                         metadata={"description": "the judges' marks; with five or more the highest and "
                                                  "lowest are dropped"})

    @validates_schema
    def one_of(self, data: dict, **_: object) -> None:
        if ("score" in data) == ("scores" in data):
            raise ValidationError("give either score or scores", "score")


class ResultsSchema(StrictSchema):
    results = fields.List(fields.Nested(ResultSchema), validate=validate.Length(min=1),
                          metadata={"description": "omit to rank from the judges' recorded marks"})


class RankedSchema(StrictSchema):
    member_id = fields.String()
    final_score = fields.Float()
    rank = fields.Integer()
    award = fields.String(allow_none=True)


class PublishedResultsSchema(CompetitionSchema):
    results = fields.List(fields.Nested(RankedSchema))


# ---- safety work
class SafetySessionCreateSchema(StrictSchema):
    kind = fields.String(required=True, validate=validate.OneOf(("training", "drill")))
    title = fields.String(allow_none=True, validate=validate.Length(max=200))
    held_on = fields.Date(required=True)
    organisation_id = IdField(required=True)
    attendees = fields.Integer(required=True, strict=True, validate=validate.Range(min=0, max=1_000_000))


class SafetySessionSchema(StrictSchema):
    id = fields.String()
    kind = fields.String()
    title = fields.String(allow_none=True)
    held_on = fields.Date()
    organisation_id = fields.String()
    attendees = fields.Integer()


class SafetySessionQuerySchema(PageQuerySchema):
    kind = fields.String(validate=validate.OneOf(("training", "drill")))
    year = fields.Integer(validate=Year)
    organisation_id = fields.String()


class HazardSnapshotCreateSchema(StrictSchema):
    member_id = IdField(required=True)
    found_on = fields.Date(required=True)
    location = fields.String(required=True, validate=Title)
    description = fields.String(required=True, validate=validate.Length(min=1, max=2000))


class HazardReviewSchema(StrictSchema):
    note = fields.String(allow_none=True, validate=validate.Length(max=500))


class HazardSnapshotSchema(StrictSchema):
    id = fields.String()
    member_id = fields.String()
    member_name = fields.String(allow_none=True)
    found_on = fields.Date()
    location = fields.String()
    description = fields.String()
    status = fields.String(metadata={"description": "submitted, accepted, rejected"})
    review_note = fields.String(allow_none=True)
    created_at = fields.DateTime()


class HazardQuerySchema(PageQuerySchema):
    status = fields.String(validate=validate.OneOf(("submitted", "accepted", "rejected")))
    member_id = fields.String()
    organisation_id = fields.String()


# ---- golden ideas
class ProposalCreateSchema(StrictSchema):
    member_id = IdField(required=True)
    title = fields.String(required=True, validate=Title)
    summary = fields.String(required=True, validate=validate.Length(min=1, max=5000))


class ProposalScoreSchema(StrictSchema):
    score = fields.Integer(required=True, strict=True, validate=validate.Range(min=0, max=100))


class ProposalReviewSchema(StrictSchema):
    score = fields.Integer(allow_none=True, strict=True, validate=validate.Range(min=0, max=100),
                           metadata={"description": "default: the mean of the reviewers' scores"})
    decision = fields.String(required=True, validate=validate.OneOf(("adopted", "rejected")))
    reward_fen = fields.Integer(strict=True, validate=validate.Range(min=0, max=100_000_000))
    on = fields.Date(allow_none=True, metadata={"description": "the day the decision was taken (default today; "
                                                     "not in the future): for recording past decisions"})


class PayoutSchema(StrictSchema):
    request_id = fields.String()
    status = fields.String(metadata={"description": "requested, paid, refused"})
    transaction_id = fields.String(allow_none=True)
    refusal_reason = fields.String(allow_none=True)
    paid_at = fields.DateTime(allow_none=True)


class ReviewerScoreSchema(StrictSchema):
    reviewer = fields.String()
    score = fields.Integer()


class ProposalSchema(StrictSchema):
    id = fields.String()
    member_id = fields.String()
    member_name = fields.String(allow_none=True)
    title = fields.String()
    summary = fields.String()
    status = fields.String(metadata={"description": "submitted, adopted, rejected, paid"})
    score = fields.Integer(allow_none=True)
    reviewer_scores = fields.List(fields.Nested(ReviewerScoreSchema))
    reviewed_by = fields.String(allow_none=True)
    reviewed_at = fields.DateTime(allow_none=True)
    reward_fen = fields.Integer()
    payout = fields.Nested(PayoutSchema, allow_none=True, metadata={"description": "welfare's payout"})
    created_at = fields.DateTime()


class ProposalQuerySchema(PageQuerySchema):
    status = fields.String(validate=validate.OneOf(("submitted", "adopted", "rejected", "paid")))
    member_id = fields.String()
    organisation_id = fields.String()
