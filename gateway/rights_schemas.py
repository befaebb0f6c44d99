"""The HTTP shapes of the rights area (../shared/API.md "Rights"): validated at the door,
documented in OpenAPI. The rights service validates again and owns the rules
(terms, deadlines, the case state machine)."""

from __future__ import annotations

import re
from typing import Any

from marshmallow import ValidationError, fields, validate

from gateway.schemas import PageQuerySchema
from services.chassis import identity
from services.chassis.schemas import IdField, StrictSchema

CONTRACT_KINDS = ("comprehensive", "wages", "female_workers", "safety")
CASE_KINDS = ("wage_arrears", "dismissal", "work_injury", "social_insurance", "contract", "other")
CASE_STATUSES = ("filed", "assigned", "mediation", "arbitration", "litigation", "closed")
OUTCOMES = ("won", "partly_won", "settled", "lost", "withdrawn")
CATEGORIES = ("wage_arrears", "labour_contract", "social_insurance", "work_injury", "dismissal",
              "working_hours", "consultation", "other")
ORDER_STATUSES = ("received", "assigned", "resolved", "visited", "closed", "escalated")
MAX_FEN = 10**13
LANDLINE = re.compile(r"0\d{2,3}-?\d{7,8}")


class HotlinePhone(fields.String):
    """A mobile number, or a landline with its area code (0535-1234567)."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        number = super()._deserialize(value, attr, data, **kwargs).strip()
        if LANDLINE.fullmatch(number):
            return number
        try:
            return identity.validate_mobile(number)
        except identity.InvalidIdentifier:
            raise ValidationError("not a valid phone number: a mobile (11 digits) or a landline "
                                  "with its area code") from None


def fen(required: bool = True, **kwargs) -> fields.Integer:
    return fields.Integer(strict=True, required=required, validate=validate.Range(min=0, max=MAX_FEN),
                          metadata={"description": "fen (1 yuan = 100 fen), not negative"}, **kwargs)


def count(minimum: int = 0, required: bool = True, **kwargs) -> fields.Integer:
    return fields.Integer(strict=True, required=required, validate=validate.Range(min=minimum, max=10**7), **kwargs)


def text(max_length: int, required: bool = True, **kwargs) -> fields.String:
    if not required:
        kwargs.setdefault("allow_none", True)
    return fields.String(required=required, validate=validate.Length(min=1 if required else 0, max=max_length),
                         **kwargs)


def on_day() -> fields.Date:
    return fields.Date(allow_none=True, metadata={"description": "the day it happened; today if left out"})


# ---------------------------------------------------------------- collective contracts

class CongressVoteSchema(StrictSchema):
    delegates = count(1)
    present = count(0, metadata={"description": "two thirds of the delegates make a quorum"})
    votes_for = count(0, metadata={"description": "more than half of all delegates must approve"})


class NegotiationStartSchema(StrictSchema):
    organisation_id = IdField(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(CONTRACT_KINDS))
    started_on = on_day()


class NegotiationRoundSchema(StrictSchema):
    held_on = on_day()
    note = text(1000, required=False)


class CongressVoteCastSchema(StrictSchema):
    held_on = on_day()
    delegates = count(1)
    present = count(0, metadata={"description": "two thirds of the delegates, or the vote does not count"})
    votes_for = count(0, metadata={"description": "more than half of all delegates approve the draft"})


class NegotiationSignSchema(StrictSchema):
    signed_on = fields.Date(required=True)
    expires_on = fields.Date(required=True, metadata={"description": "after signed_on, at most 3 years on"})
    workers_covered = count(1)


class LastVoteSchema(StrictSchema):
    held_on = fields.Date()
    delegates = fields.Integer()
    present = fields.Integer()
    votes_for = fields.Integer()
    approved = fields.Boolean()


class NegotiationSchema(StrictSchema):
    id = fields.String()
    organisation_id = fields.String()
    kind = fields.String()
    status = fields.String(metadata={"description": "negotiating, approved (by the congress), signed"})
    started_on = fields.Date()
    rounds = fields.Integer()
    last_round_on = fields.Date(allow_none=True)
    last_vote = fields.Nested(LastVoteSchema, allow_none=True)
    votes_taken = fields.Integer()
    contract_id = fields.String(allow_none=True)
    contract = fields.Nested("ContractSchema", metadata={"description": "the signed contract (on signing)"})


class NegotiationQuerySchema(PageQuerySchema):
    status = fields.String(validate=validate.OneOf(("negotiating", "approved", "signed")))
    organisation_id = fields.String(metadata={"description": "this union and every union below it"})


class ContractCreateSchema(StrictSchema):
    organisation_id = IdField(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(CONTRACT_KINDS))
    signed_on = fields.Date(required=True)
    expires_on = fields.Date(required=True, metadata={"description": "after signed_on, at most 3 years on"})
    workers_covered = count(1)
    negotiation_rounds = count(1, required=False, allow_none=True)
    congress = fields.Nested(CongressVoteSchema, allow_none=True)


class ContractRenewSchema(StrictSchema):
    signed_on = fields.Date(required=True)
    expires_on = fields.Date(required=True)
    workers_covered = count(1)
    negotiation_rounds = count(1, required=False, allow_none=True)
    congress = fields.Nested(CongressVoteSchema, allow_none=True)


class ContractFilingSchema(StrictSchema):
    submitted_on = fields.Date(required=True, metadata={"description": "within 10 days of signing"})
    late_reason = text(500, required=False, metadata={"description": "required when submitted later"})


class ContractReviewSchema(StrictSchema):
    reviewed_on = fields.Date(required=True)
    decision = fields.String(required=True, validate=validate.OneOf(("accepted", "objected")),
                             metadata={"description": "an objection only within 15 days of submission"})
    note = text(500, required=False)


class ContractFilingStateSchema(StrictSchema):
    status = fields.String(metadata={"description": "not_submitted, submitted, accepted, objected"})
    due_on = fields.Date()
    overdue = fields.Boolean()
    submitted_on = fields.Date(allow_none=True)
    late_reason = fields.String(allow_none=True)
    review_due_on = fields.Date(allow_none=True)
    reviewed_on = fields.Date(allow_none=True)
    review_note = fields.String(allow_none=True)
    deemed_accepted = fields.Boolean(metadata={"description": "no objection within 15 days: the contract stands"})


class ContractSchema(StrictSchema):
    id = fields.String()
    organisation_id = fields.String()
    organisation_name = fields.String(allow_none=True)
    kind = fields.String()
    signed_on = fields.Date()
    expires_on = fields.Date()
    workers_covered = fields.Integer()
    negotiation_rounds = fields.Integer(allow_none=True)
    congress = fields.Nested(CongressVoteSchema, allow_none=True)
    state = fields.String(metadata={"description": "in_force, signed, expired, renewed, objected"})
    days_to_expiry = fields.Integer()
    filing = fields.Nested(ContractFilingStateSchema)
    renews_contract_id = fields.String(allow_none=True)
    renewed_by_contract_id = fields.String(allow_none=True)


class ContractQuerySchema(PageQuerySchema):
    organisation_id = fields.String(metadata={"description": "this union and every union below it"})
    kind = fields.String(validate=validate.OneOf(CONTRACT_KINDS))
    expiring_within_days = fields.Integer(validate=validate.Range(min=0, max=3660),
                                          metadata={"description": "in force and expiring within N days"})
    in_force = fields.Boolean()


class EnterpriseQuerySchema(PageQuerySchema):
    full_set = fields.Boolean(metadata={"description": "true: only enterprises with all four kinds in force"})
    on = fields.Date(metadata={"description": "in force on this day (today if left out)"})


class EnterpriseSchema(StrictSchema):
    organisation_id = fields.String()
    organisation_name = fields.String(allow_none=True)
    kinds = fields.List(fields.String())
    full_set = fields.Boolean(metadata={"description": 'the whole "1+3" set is in force'})


# ---------------------------------------------------------------- dispute cases

class DisputeCaseCreateSchema(StrictSchema):
    claimant_name = text(100)
    claimant_phone = HotlinePhone(allow_none=True)
    member_id = IdField(allow_none=True)
    organisation_id = IdField(allow_none=True, metadata={
        "description": "the claimant's union when not a member; left out, only federation staff see the case"})
    employer_name = text(200)
    kind = fields.String(required=True, validate=validate.OneOf(CASE_KINDS))
    amount_claimed_fen = fen()
    description = text(5000, required=False)
    opened_on = on_day()


class CaseAssignSchema(StrictSchema):
    lawyer_name = text(100, metadata={"description": "the legal-aid lawyer"})
    legal_aid = fields.Boolean()
    on = on_day()
    note = text(1000, required=False)


class CaseStageSchema(StrictSchema):
    on = on_day()
    note = text(1000, required=False)


class CaseCloseSchema(StrictSchema):
    outcome = fields.String(required=True, validate=validate.OneOf(OUTCOMES))
    amount_recovered_fen = fen()
    refer_hardship = fields.Boolean(metadata={
        "description": "wage-arrears cases of a member: refer the worker to welfare for hardship relief"})
    hardship_reason = text(500, required=False)
    on = on_day()
    note = text(1000, required=False)


class HardshipReferralSchema(StrictSchema):
    reason = text(500)


class ReferralStateSchema(StrictSchema):
    referral_id = fields.String()
    reason = fields.String()
    referred_at = fields.DateTime()


class CaseStepSchema(StrictSchema):
    action = fields.String()
    from_status = fields.String(allow_none=True)
    to_status = fields.String()
    on = fields.Date()
    note = fields.String(allow_none=True)


class DisputeCaseSchema(StrictSchema):
    id = fields.String()
    kind = fields.String()
    status = fields.String()
    organisation_id = fields.String(allow_none=True)
    member_id = fields.String(allow_none=True)
    claimant_name = fields.String(metadata={"description": "rights officers and admins only"})
    claimant_phone = fields.String(allow_none=True, metadata={
        "description": "rights officers and admins only; masked unless pii"})
    employer_name = fields.String(metadata={"description": "rights officers and admins only"})
    description = fields.String(allow_none=True, metadata={"description": "rights officers and admins only"})
    lawyer_name = fields.String(allow_none=True, metadata={"description": "rights officers and admins only"})
    amount_claimed_fen = fields.Integer()
    amount_recovered_fen = fields.Integer(allow_none=True)
    legal_aid = fields.Boolean()
    opened_on = fields.Date()
    stage_started_on = fields.Date()
    stage_due_on = fields.Date(allow_none=True)
    overdue = fields.Boolean()
    allowed_actions = fields.List(fields.String())
    closed_on = fields.Date(allow_none=True)
    outcome = fields.String(allow_none=True)
    hotline_order_id = fields.String(allow_none=True)
    hardship_referral = fields.Nested(ReferralStateSchema, allow_none=True)
    history = fields.List(fields.Nested(CaseStepSchema), metadata={"description": "single reads only"})
    details = fields.Boolean(metadata={"description": "false: the case file's sensitive fields are withheld"})


class DisputeCaseQuerySchema(PageQuerySchema):
    status = fields.String(validate=validate.OneOf(CASE_STATUSES))
    kind = fields.String(validate=validate.OneOf(CASE_KINDS))
    member_id = fields.String()
    organisation_id = fields.String(metadata={"description": "this union and every union below it"})
    overdue = fields.Boolean(metadata={"description": "open cases past their stage's deadline"})


# ---------------------------------------------------------------- hotline orders

class HotlineOrderCreateSchema(StrictSchema):
    caller_name = text(100)
    phone = HotlinePhone(required=True, metadata={"description": "a mobile, or a landline with its area code"})
    category = fields.String(required=True, validate=validate.OneOf(CATEGORIES))
    wage_amount_fen = fen(required=False)
    description = text(5000)
    organisation_id = IdField(allow_none=True, metadata={
        "description": "the caller's union; left out, only federation staff see the order"})
    member_id = IdField(allow_none=True)
    received_at = fields.AwareDateTime(allow_none=True, metadata={"description": "now if left out"})


class HotlineAssignSchema(StrictSchema):
    handler_name = text(100)


class HotlineResolveSchema(StrictSchema):
    resolution = text(5000)
    wage_amount_fen = fen(required=False, allow_none=True)


class HotlineVisitSchema(StrictSchema):
    satisfaction = fields.Integer(strict=True, required=True, validate=validate.Range(min=1, max=5),
                                  metadata={"description": "1 very dissatisfied ... 5 very satisfied"})
    note = text(1000, required=False)


class HotlineCloseSchema(StrictSchema):
    note = text(1000, required=False)


class HotlineEscalateSchema(StrictSchema):
    kind = fields.String(required=True, validate=validate.OneOf(CASE_KINDS))
    employer_name = text(200)
    amount_claimed_fen = fen(required=False, allow_none=True)


class HotlineOrderSchema(StrictSchema):
    id = fields.String()
    caller_name = fields.String()
    phone = fields.String(metadata={"description": "masked unless the caller has the pii role"})
    category = fields.String()
    wage_amount_fen = fields.Integer()
    description = fields.String()
    status = fields.String()
    organisation_id = fields.String(allow_none=True)
    member_id = fields.String(allow_none=True)
    received_at = fields.DateTime()
    due_at = fields.DateTime(metadata={"description": "working days after receipt, by category"})
    overdue = fields.Boolean()
    handler_name = fields.String(allow_none=True)
    assigned_at = fields.DateTime(allow_none=True)
    resolution = fields.String(allow_none=True)
    resolved_at = fields.DateTime(allow_none=True)
    satisfaction = fields.Integer(allow_none=True)
    visit_note = fields.String(allow_none=True)
    visited_at = fields.DateTime(allow_none=True)
    finished_at = fields.DateTime(allow_none=True)
    on_time = fields.Boolean(allow_none=True)
    case_id = fields.String(allow_none=True)


class HotlineOrderQuerySchema(PageQuerySchema):
    status = fields.String(validate=validate.OneOf(ORDER_STATUSES))
    category = fields.String(validate=validate.OneOf(CATEGORIES))
    organisation_id = fields.String(metadata={"description": "this union and every union below it"})
    overdue = fields.Boolean(metadata={"description": "open orders past their due time"})


class ServiceLevelSchema(StrictSchema):
    working_days = fields.Dict(keys=fields.String(), values=fields.Integer())
    holidays = fields.List(fields.Date())


# ---------------------------------------------------------------- legal education and figures

class LegalEventCreateSchema(StrictSchema):
    held_on = fields.Date(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(("online", "offline")))
    attendees = count(0)
    brochures = count(0)
    title = text(200, required=False)
    organisation_id = IdField(allow_none=True)


class LegalEventSchema(StrictSchema):
    id = fields.String()
    title = fields.String(allow_none=True)
    held_on = fields.Date()
    kind = fields.String()
    attendees = fields.Integer()
    brochures = fields.Integer()
    organisation_id = fields.String(allow_none=True)


class LegalEventQuerySchema(PageQuerySchema):
    year = fields.Integer(validate=validate.Range(min=1950, max=2200))
    kind = fields.String(validate=validate.OneOf(("online", "offline")))


class RightsYearQuerySchema(StrictSchema):
    year = fields.Integer(required=True, validate=validate.Range(min=1950, max=2200))


class RightsFiguresSchema(StrictSchema):
    year = fields.Integer()
    cases_closed = fields.Integer()
    enterprises_with_contracts = fields.Integer(metadata={"description": 'with the full "1+3" set in force'})
    hotline_orders = fields.Integer()
    hotline_wage_fen = fields.Integer()
    legal_events = fields.Integer()
    brochures = fields.Integer()
    enterprises_with_any_contract = fields.Integer()
    cases_closed_by_outcome = fields.Dict(keys=fields.String(), values=fields.Integer())
    amount_recovered_fen = fields.Integer()
    hotline_orders_finished = fields.Integer()
    hotline_on_time_rate = fields.Float(allow_none=True)
    hotline_visits = fields.Integer()
    hotline_satisfied_rate = fields.Float(allow_none=True, metadata={"description": "share of visits scored 4 or 5"})
    hotline_mean_satisfaction = fields.Float(allow_none=True)
