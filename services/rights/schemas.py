"""What rights' RPC methods accept. The gateway has its own copies for HTTP (gateway/rights_schemas.py)."""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, fields, validate

from services.chassis import identity
from services.chassis.schemas import IdField, StrictSchema
from services.rights.domain import cases, contracts, hotline


def money(required: bool = True, **kwargs: Any) -> fields.Integer:
    return fields.Integer(strict=True, required=required,
                          validate=validate.Range(min=0, max=10**13, error="must be between 0 and 10^13 fen"),
                          **kwargs)


def text(max_length: int, required: bool = True, **kwargs: Any) -> fields.String:
    if not required:
        kwargs.setdefault("load_default", None)
        kwargs.setdefault("allow_none", True)
    return fields.String(required=required, validate=validate.Length(min=1 if required else 0, max=max_length),
                         **kwargs)


def count(minimum: int = 0, required: bool = True, **kwargs: Any) -> fields.Integer:
    return fields.Integer(strict=True, required=required,
                          validate=validate.Range(min=minimum, max=10**7), **kwargs)


class HotlinePhone(fields.String):
    """A mobile number, or a landline with its area code (0535-1234567)."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        text_value = super()._deserialize(value, attr, data, **kwargs).strip()
        if hotline.is_phone(text_value):
            return text_value
        try:
            return identity.validate_mobile(text_value)
        except identity.InvalidIdentifier:
            raise ValidationError("not a valid phone number: a mobile (11 digits) or a landline "
                                  "with its area code") from None


# ---------------------------------------------------------------- collective contracts

class CongressSchema(StrictSchema):
    delegates = count(1)
    present = count(0)
    votes_for = count(0)


class ContractCreateSchema(StrictSchema):
    organisation_id = IdField(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(contracts.KINDS))
    signed_on = fields.Date(required=True)
    expires_on = fields.Date(required=True)
    workers_covered = count(1)
    negotiation_rounds = count(1, required=False, load_default=None, allow_none=True)
    congress = fields.Nested(CongressSchema, load_default=None, allow_none=True)


class NegotiationStartSchema(StrictSchema):
    organisation_id = IdField(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(contracts.KINDS))
    started_on = fields.Date(load_default=None, allow_none=True)


class NegotiationRoundSchema(StrictSchema):
    held_on = fields.Date(load_default=None, allow_none=True)
    note = text(1000, required=False)


class CongressVoteSchema(StrictSchema):
    held_on = fields.Date(load_default=None, allow_none=True)
    delegates = count(1)
    present = count(0)
    votes_for = count(0)


class NegotiationSignSchema(StrictSchema):
    signed_on = fields.Date(required=True)
    expires_on = fields.Date(required=True)
    workers_covered = count(1)


class NegotiationQuerySchema(StrictSchema):
    status = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(contracts.NEGOTIATION_STATUSES))
    organisation_id = IdField(load_default=None, allow_none=True)
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))
    cursor = fields.String(load_default=None, allow_none=True)


class ContractRenewSchema(StrictSchema):
    signed_on = fields.Date(required=True)
    expires_on = fields.Date(required=True)
    workers_covered = count(1)
    negotiation_rounds = count(1, required=False, load_default=None, allow_none=True)
    congress = fields.Nested(CongressSchema, load_default=None, allow_none=True)


class FilingSchema(StrictSchema):
    submitted_on = fields.Date(required=True)
    late_reason = text(500, required=False)


class ReviewSchema(StrictSchema):
    reviewed_on = fields.Date(required=True)
    decision = fields.String(required=True, validate=validate.OneOf(contracts.REVIEW_DECISIONS))
    note = text(500, required=False)


class ContractQuerySchema(StrictSchema):
    organisation_id = IdField(load_default=None, allow_none=True)
    kind = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(contracts.KINDS))
    expiring_within_days = fields.Integer(load_default=None, allow_none=True,
                                          validate=validate.Range(min=0, max=3660))
    in_force = fields.Boolean(load_default=None, allow_none=True)
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))
    cursor = fields.String(load_default=None, allow_none=True)


class EnterpriseQuerySchema(StrictSchema):
    full_set = fields.Boolean(load_default=None, allow_none=True)
    on = fields.Date(load_default=None, allow_none=True)
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))
    cursor = fields.String(load_default=None, allow_none=True)


# ---------------------------------------------------------------- dispute cases

class CaseCreateSchema(StrictSchema):
    claimant_name = text(100)
    claimant_phone = HotlinePhone(load_default=None, allow_none=True)
    member_id = IdField(load_default=None, allow_none=True)
    organisation_id = IdField(load_default=None, allow_none=True)
    employer_name = text(200)
    kind = fields.String(required=True, validate=validate.OneOf(cases.KINDS))
    amount_claimed_fen = money()
    description = text(5000, required=False)
    opened_on = fields.Date(load_default=None, allow_none=True)


class AssignSchema(StrictSchema):
    lawyer_name = text(100)
    legal_aid = fields.Boolean(load_default=True)
    on = fields.Date(load_default=None, allow_none=True)
    note = text(1000, required=False)


class StageSchema(StrictSchema):
    on = fields.Date(load_default=None, allow_none=True)
    note = text(1000, required=False)


class CloseCaseSchema(StrictSchema):
    outcome = fields.String(required=True, validate=validate.OneOf(cases.OUTCOMES))
    amount_recovered_fen = money()
    refer_hardship = fields.Boolean(load_default=False)
    hardship_reason = text(500, required=False)
    on = fields.Date(load_default=None, allow_none=True)
    note = text(1000, required=False)


class ReferralSchema(StrictSchema):
    reason = text(500)


class CaseQuerySchema(StrictSchema):
    status = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(cases.STATUSES))
    kind = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(cases.KINDS))
    member_id = IdField(load_default=None, allow_none=True)
    organisation_id = IdField(load_default=None, allow_none=True)
    overdue = fields.Boolean(load_default=None, allow_none=True)
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))
    cursor = fields.String(load_default=None, allow_none=True)


# ---------------------------------------------------------------- hotline orders

class OrderCreateSchema(StrictSchema):
    caller_name = text(100)
    phone = HotlinePhone(required=True)
    category = fields.String(required=True, validate=validate.OneOf(hotline.CATEGORIES))
    wage_amount_fen = money(required=False, load_default=0)
    description = text(5000)
    organisation_id = IdField(load_default=None, allow_none=True)
    member_id = IdField(load_default=None, allow_none=True)
    received_at = fields.AwareDateTime(load_default=None, allow_none=True)


class OrderAssignSchema(StrictSchema):
    handler_name = text(100)


class OrderResolveSchema(StrictSchema):
    resolution = text(5000)
    wage_amount_fen = money(required=False, load_default=None, allow_none=True)


class OrderVisitSchema(StrictSchema):
    satisfaction = fields.Integer(strict=True, required=True, validate=validate.OneOf(hotline.SATISFACTION))
    note = text(1000, required=False)


class OrderCloseSchema(StrictSchema):
    note = text(1000, required=False)


class OrderEscalateSchema(StrictSchema):
    kind = fields.String(required=True, validate=validate.OneOf(cases.KINDS))
    employer_name = text(200)
    amount_claimed_fen = money(required=False, load_default=None, allow_none=True)


class OrderQuerySchema(StrictSchema):
    status = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(hotline.STATUSES))
    category = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(hotline.CATEGORIES))
    organisation_id = IdField(load_default=None, allow_none=True)
    overdue = fields.Boolean(load_default=None, allow_none=True)
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))
    cursor = fields.String(load_default=None, allow_none=True)


# ---------------------------------------------------------------- legal education

class LegalEventCreateSchema(StrictSchema):
    held_on = fields.Date(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(("online", "offline")))
    attendees = count(0)
    brochures = count(0)
    title = text(200, required=False)
    organisation_id = IdField(load_default=None, allow_none=True)


class LegalEventQuerySchema(StrictSchema):
    year = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=1950, max=2200))
    kind = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(("online", "offline")))
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))
    cursor = fields.String(load_default=None, allow_none=True)
