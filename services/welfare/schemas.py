"""What welfare's RPC methods accept. Amounts are whole fen (strict integers)."""

from __future__ import annotations

from marshmallow import fields, validate

from services.chassis.schemas import IdField, StrictSchema
from services.welfare.domain.rules import CLAIM_KINDS, GRANT_KINDS

MAX_CLAIMS_PAID_AT_ONCE = 200


def Fen(**kwargs: object) -> fields.Integer:
    """Whole fen, more than zero."""
    return fields.Integer(strict=True, validate=validate.Range(min=1, max=10**15 - 1), **kwargs)


Text = fields.String(required=True, validate=validate.Length(min=1, max=500))
Year = fields.Integer(strict=True, required=True, validate=validate.Range(min=1950, max=2200))


class DepositSchema(StrictSchema):
    amount_fen = Fen(required=True)
    source = fields.String(required=True, validate=validate.Length(min=1, max=200))
    memo = fields.String(load_default="", validate=validate.Length(max=300))
    on = fields.Date(load_default=None, allow_none=True)


class ReverseSchema(StrictSchema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=500))


class CloseSchema(StrictSchema):
    year = Year


class DuesRefundSchema(StrictSchema):
    organisation_id = IdField(required=True)
    year = Year
    amount_fen = Fen(required=True)


class PlanSchema(StrictSchema):
    year = Year
    premium_fen = Fen(required=True)
    caps = fields.Dict(keys=fields.String(validate=validate.OneOf(CLAIM_KINDS)), values=Fen(), required=True)
    annual_cap_fen = Fen(required=True)


class EnrolmentSchema(StrictSchema):
    plan_id = IdField(required=True)
    organisation_id = IdField(required=True)
    member_ids = fields.List(IdField(), required=True, validate=validate.Length(min=1, max=50_000))
    enrolled_on = fields.Date(load_default=None, allow_none=True)


class ClaimPaymentSchema(StrictSchema):
    claim_ids = fields.List(IdField(), required=True, validate=validate.Length(min=1, max=MAX_CLAIMS_PAID_AT_ONCE))


class ClaimSchema(StrictSchema):
    plan_id = IdField(required=True)
    member_id = IdField(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(CLAIM_KINDS))
    incurred_on = fields.Date(required=True)
    amount_claimed_fen = Fen(required=True)


class ApproveClaimSchema(StrictSchema):
    amount_approved_fen = Fen(required=True)


class RejectSchema(StrictSchema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=500))


class CaseSchema(StrictSchema):
    member_id = IdField(required=True)
    reason = fields.String(required=True, validate=validate.Length(min=1, max=500))


class ReviewSchema(StrictSchema):
    decision = fields.String(required=True, validate=validate.OneOf(("approved", "rejected")))
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=500))
    recheck_on = fields.Date(load_default=None, allow_none=True)


class GrantSchema(StrictSchema):
    kind = fields.String(required=True, validate=validate.OneOf(GRANT_KINDS))
    amount_fen = Fen(load_default=None, allow_none=True)
    episode_cost_fen = Fen(load_default=None, allow_none=True)
    claim_id = IdField(load_default=None, allow_none=True)
    year = fields.Integer(strict=True, load_default=None, allow_none=True,
                          validate=validate.Range(min=1950, max=2200))
    notice_days = fields.Integer(strict=True, load_default=None, allow_none=True,
                                 validate=validate.Range(min=0, max=30))


class ObjectionSchema(StrictSchema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=500))


class VisitSchema(StrictSchema):
    member_id = IdField(required=True)
    visited_on = fields.Date(required=True)
    visited_by = fields.String(required=True, validate=validate.Length(min=1, max=200))
    occasion = fields.String(required=True, validate=validate.Length(min=1, max=200))
    amount_fen = fields.Integer(strict=True, required=True, validate=validate.Range(min=0, max=10**15 - 1))


class SubsidySchema(StrictSchema):
    member_id = IdField(required=True)
    programme = fields.String(required=True, validate=validate.Length(min=1, max=200))
    institution = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))
    amount_requested_fen = Fen(required=True)


class ApproveSubsidySchema(StrictSchema):
    amount_approved_fen = Fen(load_default=None, allow_none=True)
