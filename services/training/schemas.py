"""What training's RPC methods accept (the service checks again what the gateway checked)."""

from __future__ import annotations

from marshmallow import fields, validate, validates_schema
from marshmallow.exceptions import ValidationError

from services.chassis.schemas import IdField, StrictSchema
from services.training.domain import DEFAULT_PRIZES, LEVELS

Year = fields.Integer(required=True, strict=True, validate=validate.Range(min=1950, max=2200))
Text200 = validate.Length(min=1, max=200)
Reason = fields.String(required=True, validate=validate.Length(min=1, max=500))
Score = fields.Float(required=True, allow_nan=False, validate=validate.Range(min=0))


class NominationCreateSchema(StrictSchema):
    member_id = IdField(required=True)
    level = fields.String(required=True, validate=validate.OneOf(LEVELS))
    year = fields.Integer(required=True, strict=True, validate=validate.Range(min=1950, max=2200))
    on = fields.Date(load_default=None, allow_none=True)


class ReasonSchema(StrictSchema):
    reason = Reason


class ApproveSchema(StrictSchema):
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=500))
    on = fields.Date(load_default=None, allow_none=True)


class NominationQuerySchema(StrictSchema):
    year = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=1950, max=2200))
    status = fields.String(load_default=None, allow_none=True)
    level = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(LEVELS))
    member_id = IdField(load_default=None, allow_none=True)
    organisation_id = IdField(load_default=None, allow_none=True)
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))
    cursor = fields.String(load_default=None, allow_none=True)


class CraftsmanQuerySchema(StrictSchema):
    level = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(LEVELS))
    organisation_id = IdField(load_default=None, allow_none=True)
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))
    cursor = fields.String(load_default=None, allow_none=True)


class PageSchema(StrictSchema):
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))
    cursor = fields.String(load_default=None, allow_none=True)
    organisation_id = IdField(load_default=None, allow_none=True)
    year = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=1950, max=2200))
    status = fields.String(load_default=None, allow_none=True)
    kind = fields.String(load_default=None, allow_none=True)
    member_id = IdField(load_default=None, allow_none=True)


class SchoolCreateSchema(StrictSchema):
    name = fields.String(required=True, validate=Text200)
    kind = fields.String(load_default="school", validate=validate.OneOf(("school", "college")))
    organisation_id = IdField(required=True)
    established_on = fields.Date(required=True)


class CourseCreateSchema(StrictSchema):
    title = fields.String(required=True, validate=Text200)


class CourseSessionCreateSchema(StrictSchema):
    held_on = fields.Date(required=True)
    hours = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=24))
    topic = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))


class MemberRefSchema(StrictSchema):
    member_id = IdField(required=True)


class MemberRefsSchema(StrictSchema):
    member_ids = fields.List(IdField(), required=True, validate=validate.Length(min=1, max=500))


class AttendanceSchema(StrictSchema):
    member_ids = fields.List(IdField(), required=True, validate=validate.Length(min=1, max=2000))


class PrizesSchema(StrictSchema):
    first = fields.Integer(load_default=1, strict=True, validate=validate.Range(min=0, max=1000))
    second = fields.Integer(load_default=2, strict=True, validate=validate.Range(min=0, max=1000))
    third = fields.Integer(load_default=3, strict=True, validate=validate.Range(min=0, max=1000))
    excellence = fields.Integer(load_default=0, strict=True, validate=validate.Range(min=0, max=10000))


class CompetitionCreateSchema(StrictSchema):
    name = fields.String(required=True, validate=Text200)
    kind = fields.String(required=True, validate=validate.OneOf(("labour", "skill")))
    organisation_id = IdField(required=True)
    held_on = fields.Date(required=True)
    max_score = fields.Integer(load_default=100, strict=True, validate=validate.Range(min=1, max=10000))
    prizes = fields.Nested(PrizesSchema, load_default=lambda: dict(DEFAULT_PRIZES))


class MarkSchema(StrictSchema):
    member_id = IdField(required=True)
    score = Score


class JudgeScoresSchema(StrictSchema):
    judge = fields.String(required=True, validate=validate.Length(min=1, max=100))
    scores = fields.List(fields.Nested(MarkSchema), required=True, validate=validate.Length(min=1))


class ResultSchema(StrictSchema):
    """One entrant's result: a final `score`, or the judges' `scores` to combine."""

    member_id = IdField(required=True)
    score = fields.Float(allow_nan=False, validate=validate.Range(min=0))
    scores = fields.List(fields.Float(allow_nan=False, validate=validate.Range(min=0)),
                         validate=validate.Length(min=1, max=50))

    @validates_schema
    def one_of(self, data: dict, **_: object) -> None:
        if ("score" in data) == ("scores" in data):
            raise ValidationError("give either score or scores", "score")


class ResultsSchema(StrictSchema):
    results = fields.List(fields.Nested(ResultSchema), load_default=None, validate=validate.Length(min=1))


class SafetySessionCreateSchema(StrictSchema):
    kind = fields.String(required=True, validate=validate.OneOf(("training", "drill")))
    title = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))
    held_on = fields.Date(required=True)
    organisation_id = IdField(required=True)
    attendees = fields.Integer(required=True, strict=True, validate=validate.Range(min=0, max=1_000_000))


class HazardSnapshotCreateSchema(StrictSchema):
    member_id = IdField(required=True)
    found_on = fields.Date(required=True)
    location = fields.String(required=True, validate=Text200)
    description = fields.String(required=True, validate=validate.Length(min=1, max=2000))


class HazardReviewSchema(StrictSchema):
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=500))


class ProposalCreateSchema(StrictSchema):
    member_id = IdField(required=True)
    title = fields.String(required=True, validate=Text200)
    summary = fields.String(required=True, validate=validate.Length(min=1, max=5000))


class ProposalScoreSchema(StrictSchema):
    score = fields.Integer(required=True, strict=True, validate=validate.Range(min=0, max=100))


class ProposalReviewSchema(StrictSchema):
    score = fields.Integer(load_default=None, allow_none=True, strict=True, validate=validate.Range(min=0, max=100))
    decision = fields.String(required=True, validate=validate.OneOf(("adopted", "rejected")))
    reward_fen = fields.Integer(load_default=0, strict=True, validate=validate.Range(min=0, max=100_000_000))
    on = fields.Date(load_default=None, allow_none=True)
