"""The welfare part of the HTTP contract (../shared/API.md "Welfare").

Bodies reject unknown fields; server-owned fields (ids, statuses, balances,
transaction ids) are never accepted. Amounts are whole fen.
"""

from __future__ import annotations

from marshmallow import fields, validate

from gateway.schemas import PageQuerySchema
from services.chassis.schemas import IdField, StrictSchema

CLAIM_KINDS = ("hospitalisation", "accident", "critical_illness", "maternity", "death", "other")
GRANT_KINDS = ("regular", "second_relief")
CLAIM_STATUSES = ("filed", "approved", "rejected", "paid")
CASE_STATUSES = ("open", "approved", "rejected")
GRANT_STATUSES = ("notice", "objected", "paid")
SUBSIDY_STATUSES = ("applied", "approved", "rejected", "paid")


def fen(required: bool = False, allow_zero: bool = False, **kwargs: object) -> fields.Integer:
    """Whole fen: fractional or string amounts are refused, not rounded."""
    options: dict = {"required": True} if required else {"load_default": None, "allow_none": True}
    return fields.Integer(strict=True, validate=validate.Range(min=0 if allow_zero else 1, max=10**15 - 1),
                          **options, **kwargs)


def year(required: bool = True) -> fields.Integer:
    options: dict = {"required": True} if required else {"load_default": None, "allow_none": True}
    return fields.Integer(strict=True, validate=validate.Range(min=1950, max=2200), **options)


def text(max_length: int = 500, required: bool = True) -> fields.String:
    options: dict = {"required": True} if required else {"load_default": None, "allow_none": True}
    return fields.String(validate=validate.Length(min=1, max=max_length), **options)


class NoBodySchema(StrictSchema):
    """An action that takes no fields."""


# ---- ledger
class FundSchema(StrictSchema):
    code = fields.String()
    name = fields.String()
    kind = fields.String(metadata={"description": "fund (never below zero) or external (payers and payees)"})
    balance_fen = fields.Integer()


class LedgerEntrySchema(StrictSchema):
    id = fields.String()
    transaction_id = fields.String()
    account_code = fields.String()
    amount_fen = fields.Integer(metadata={"description": "positive into the account, negative out of it"})
    posted_on = fields.Date()
    kind = fields.String()
    reason = fields.String()
    ref_type = fields.String(allow_none=True)
    ref_id = fields.String(allow_none=True)


class TransactionEntrySchema(StrictSchema):
    account_code = fields.String()
    amount_fen = fields.Integer()


class TransactionSchema(StrictSchema):
    id = fields.String()
    posted_on = fields.Date()
    year = fields.Integer()
    kind = fields.String()
    reason = fields.String()
    ref_type = fields.String(allow_none=True)
    ref_id = fields.String(allow_none=True)
    reverses_id = fields.String(allow_none=True)
    reversed_by_id = fields.String(allow_none=True)
    entries = fields.List(fields.Nested(TransactionEntrySchema), metadata={"description": "they sum to zero"})
    created_at = fields.DateTime()


class DepositSchema(StrictSchema):
    amount_fen = fen(required=True)
    source = text(200)
    memo = fields.String(load_default="", validate=validate.Length(max=300))
    on = fields.Date(load_default=None, allow_none=True,
                     metadata={"description": "the booking day (default today); its year must be open"})


class ReverseSchema(StrictSchema):
    reason = text()


class PeriodCloseCreateSchema(StrictSchema):
    year = year()


class PeriodCloseSchema(StrictSchema):
    year = fields.Integer()
    closed_at = fields.DateTime()
    closed_by = fields.String(allow_none=True)


class TrialBalanceSchema(StrictSchema):
    total_fen = fields.Integer(metadata={"description": "the sum of every entry: always 0"})
    unbalanced_transactions = fields.Integer()
    funds_below_zero = fields.List(fields.String())
    running_balance_mismatches = fields.List(fields.String(), metadata={
        "description": "funds whose running balance differs from the sum of their entries: always empty"})
    balances = fields.Dict(keys=fields.String(), values=fields.Integer())


# ---- dues refund
class DuesRefundCreateSchema(StrictSchema):
    organisation_id = IdField(required=True)
    year = year()
    amount_fen = fen(required=True)


class DuesRefundSchema(StrictSchema):
    id = fields.String()
    organisation_id = fields.String()
    year = fields.Integer()
    amount_fen = fields.Integer()
    transaction_id = fields.String()
    created_at = fields.DateTime()


class DuesRefundQuerySchema(PageQuerySchema):
    year = fields.Integer()
    organisation_id = fields.String()


# ---- mutual aid
class PlanCreateSchema(StrictSchema):
    year = year()
    premium_fen = fen(required=True, metadata={"description": "per member for the plan year"})
    caps = fields.Dict(keys=fields.String(validate=validate.OneOf(CLAIM_KINDS)), values=fen(required=True),
                       required=True, metadata={"description": "per member and year, by claim kind"})
    annual_cap_fen = fen(required=True, metadata={"description": "per member and year, all kinds together"})


class PlanSchema(PlanCreateSchema):
    id = fields.String()
    cover_ends_on = fields.Date()


class PlanQuerySchema(PageQuerySchema):
    year = fields.Integer()


class EnrolmentCreateSchema(StrictSchema):
    plan_id = IdField(required=True)
    organisation_id = IdField(required=True)
    member_ids = fields.List(IdField(), required=True, validate=validate.Length(min=1, max=50_000))
    enrolled_on = fields.Date(load_default=None, allow_none=True,
                              metadata={"description": "default today; within the plan year"})


class EnrolmentResultSchema(StrictSchema):
    plan_id = fields.String()
    organisation_id = fields.String()
    enrolled = fields.Integer()
    premiums_fen = fields.Integer()
    enrolled_on = fields.Date()
    cover_ends_on = fields.Date()
    transaction_id = fields.String()


class CoverItemSchema(StrictSchema):
    plan_id = fields.String()
    year = fields.Integer()
    organisation_id = fields.String()
    enrolled_on = fields.Date()
    cover_ends_on = fields.Date(metadata={"description": "the end of the paid period, also after leaving"})
    covered_today = fields.Boolean()
    caps = fields.Dict(keys=fields.String(), values=fields.Integer())
    annual_cap_fen = fields.Integer()
    remaining = fields.Dict(keys=fields.String(), values=fields.Integer())
    remaining_annual_fen = fields.Integer()


class CoverSchema(StrictSchema):
    member_id = fields.String()
    name = fields.String()
    status = fields.String()
    left_on = fields.Date(allow_none=True)
    organisation_id = fields.String()
    covered_today = fields.Boolean()
    covers = fields.List(fields.Nested(CoverItemSchema))


class ClaimCreateSchema(StrictSchema):
    plan_id = IdField(required=True)
    member_id = IdField(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(CLAIM_KINDS))
    incurred_on = fields.Date(required=True)
    amount_claimed_fen = fen(required=True)


class ClaimApproveSchema(StrictSchema):
    amount_approved_fen = fen(required=True)


class RejectSchema(StrictSchema):
    reason = text()


class ClaimSchema(ClaimCreateSchema):
    id = fields.String()
    amount_approved_fen = fields.Integer(allow_none=True)
    status = fields.String(metadata={"description": "filed, approved, rejected, paid"})
    reason = fields.String(allow_none=True)
    transaction_id = fields.String(allow_none=True)
    created_at = fields.DateTime()
    paid_at = fields.DateTime(allow_none=True)


class ClaimPaymentCreateSchema(StrictSchema):
    claim_ids = fields.List(IdField(), required=True, validate=validate.Length(min=1, max=200), metadata={
        "description": "approved claims to pay, up to 200; all are paid or, if any cannot be, none"})


class ClaimPaymentResultSchema(StrictSchema):
    paid = fields.Integer()
    amount_fen = fields.Integer()
    claims = fields.List(fields.Nested(ClaimSchema))


class ClaimQuerySchema(PageQuerySchema):
    plan_id = fields.String()
    member_id = fields.String()
    status = fields.String(validate=validate.OneOf(CLAIM_STATUSES))


# ---- hardship relief
class CaseCreateSchema(StrictSchema):
    member_id = IdField(required=True)
    reason = text()


class CaseReviewSchema(StrictSchema):
    decision = fields.String(required=True, validate=validate.OneOf(("approved", "rejected")))
    note = text(required=False)
    recheck_on = fields.Date(load_default=None, allow_none=True, metadata={"description": "default a year on"})


class GrantCreateSchema(StrictSchema):
    kind = fields.String(required=True, validate=validate.OneOf(GRANT_KINDS))
    amount_fen = fen(metadata={"description": "required for regular; for second_relief the default is "
                                              "everything left within the caps"})
    episode_cost_fen = fen(metadata={"description": "second_relief: the episode's whole cost"})
    claim_id = IdField(load_default=None, allow_none=True,
                       metadata={"description": "second_relief: the paid mutual-aid claim of the same episode"})
    year = year(required=False)
    notice_days = fields.Integer(strict=True, load_default=None, allow_none=True,
                                 validate=validate.Range(min=0, max=30),
                                 metadata={"description": "public-notice period, default 5 days"})


class GrantSchema(StrictSchema):
    id = fields.String()
    case_id = fields.String()
    member_id = fields.String()
    kind = fields.String()
    year = fields.Integer()
    amount_fen = fields.Integer()
    episode_cost_fen = fields.Integer(allow_none=True)
    claim_id = fields.String(allow_none=True)
    status = fields.String(metadata={"description": "notice, objected, paid"})
    notice_ends_on = fields.Date()
    objection = fields.String(allow_none=True)
    transaction_id = fields.String(allow_none=True)


class CaseSchema(StrictSchema):
    id = fields.String()
    member_id = fields.String()
    reason = fields.String()
    status = fields.String(metadata={"description": "open, approved, rejected"})
    source = fields.String(metadata={"description": "staff or rights_referral"})
    referral_id = fields.String(allow_none=True)
    review_note = fields.String(allow_none=True)
    recheck_on = fields.Date(allow_none=True)
    created_at = fields.DateTime()
    grants = fields.List(fields.Nested(GrantSchema))


class CaseQuerySchema(PageQuerySchema):
    member_id = fields.String()
    status = fields.String(validate=validate.OneOf(CASE_STATUSES))
    recheck_due = fields.Boolean(metadata={"description": "approved cases whose re-check date has come"})


class GrantQuerySchema(PageQuerySchema):
    case_id = fields.String()
    member_id = fields.String()
    kind = fields.String(validate=validate.OneOf(GRANT_KINDS))
    status = fields.String(validate=validate.OneOf(GRANT_STATUSES))


class GrantObjectionSchema(StrictSchema):
    reason = text()


# ---- condolence visits and subsidies
class VisitCreateSchema(StrictSchema):
    member_id = IdField(required=True)
    visited_on = fields.Date(required=True)
    visited_by = text(200)
    occasion = text(200)
    amount_fen = fen(required=True, allow_zero=True)


class VisitSchema(VisitCreateSchema):
    id = fields.String()
    transaction_id = fields.String(allow_none=True)


class MemberQuerySchema(PageQuerySchema):
    member_id = fields.String()


class SubsidyCreateSchema(StrictSchema):
    member_id = IdField(required=True)
    programme = text(200)
    institution = text(200, required=False)
    amount_requested_fen = fen(required=True)


class SubsidyApproveSchema(StrictSchema):
    amount_approved_fen = fen(metadata={"description": "default: the amount applied for"})


class SubsidySchema(SubsidyCreateSchema):
    id = fields.String()
    amount_approved_fen = fields.Integer(allow_none=True)
    status = fields.String(metadata={"description": "applied, approved, rejected, paid"})
    reason = fields.String(allow_none=True)
    transaction_id = fields.String(allow_none=True)


class SubsidyQuerySchema(PageQuerySchema):
    member_id = fields.String()
    status = fields.String(validate=validate.OneOf(SUBSIDY_STATUSES))


class RewardSchema(StrictSchema):
    request_id = fields.String()
    proposal_id = fields.String(allow_none=True)
    member_id = fields.String(allow_none=True)
    amount_fen = fields.Integer()
    status = fields.String(metadata={"description": "paid or refused"})
    refusal = fields.String(allow_none=True)
    transaction_id = fields.String(allow_none=True)


class RewardQuerySchema(PageQuerySchema):
    proposal_id = fields.String()
