"""The annual report's shapes (API.md "Reports"), for validation and for `/openapi.json`.

Each service's block has at least the keys API.md lists; a service may add
figures of its own, which the report passes through.
"""

from __future__ import annotations

from marshmallow import INCLUDE, Schema, fields, validate

from services.chassis.schemas import StrictSchema


class AnnualQuerySchema(StrictSchema):
    year = fields.Integer(required=True, validate=validate.Range(min=1950, max=2200))


class Figures(Schema):
    """A service's figures: ints (money in fen); extra figures pass through."""

    class Meta:
        unknown = INCLUDE


class AnnualMembership(Figures):
    new_organisations = fields.Integer(required=True)
    new_members = fields.Integer(required=True)
    new_form_members = fields.Integer(required=True)
    members_total = fields.Integer(required=True, metadata={"description": "members on the year's last day"})


class AnnualWelfare(Figures):
    dues_refunded_fen = fields.Integer(required=True)
    mutual_aid_units = fields.Integer(required=True)
    mutual_aid_members = fields.Integer(required=True)
    mutual_aid_raised_fen = fields.Integer(required=True)
    claims_paid = fields.Integer(required=True)
    claims_paid_fen = fields.Integer(required=True)
    second_relief_members = fields.Integer(required=True)
    second_relief_fen = fields.Integer(required=True)


class AnnualTraining(Figures):
    seed_craftsmen = fields.Integer(required=True)
    craftsmen = fields.Integer(required=True)
    chief_craftsmen = fields.Integer(required=True)
    gold_craftsmen = fields.Integer(required=True)
    schools = fields.Integer(required=True)
    competitions = fields.Integer(required=True)
    competition_entrants = fields.Integer(required=True)
    safety_trainings = fields.Integer(required=True)
    safety_drills = fields.Integer(required=True)
    proposals_rewarded = fields.Integer(required=True)
    proposal_rewards_fen = fields.Integer(required=True)


class AnnualRights(Figures):
    cases_closed = fields.Integer(required=True)
    enterprises_with_contracts = fields.Integer(required=True)
    hotline_orders = fields.Integer(required=True)
    hotline_wage_fen = fields.Integer(required=True)
    legal_events = fields.Integer(required=True)
    brochures = fields.Integer(required=True)


BLOCKS: dict[str, type[Figures]] = {
    "membership": AnnualMembership,
    "welfare": AnnualWelfare,
    "training": AnnualTraining,
    "rights": AnnualRights,
}


class AnnualReportSchema(Schema):
    year = fields.Integer(required=True)
    organisation_id = fields.String(allow_none=True, metadata={
        "description": "the organisation the figures are limited to (it and the unions below it); "
                       "null: the whole federation"})
    membership = fields.Nested(AnnualMembership)
    welfare = fields.Nested(AnnualWelfare)
    training = fields.Nested(AnnualTraining)
    rights = fields.Nested(AnnualRights)
