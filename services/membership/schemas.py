"""What membership's RPC methods accept and return."""

from __future__ import annotations

from marshmallow import fields, validate

from services.chassis.schemas import (
    CreditCode,
    IdField,
    Mobile,
    ResidentId,
    StrictSchema,
)
from services.membership.domain.rules import (
    EMPLOYER_SIZES,
    EMPLOYMENT_FORMS,
    MEMBER_STATUSES,
    ORGANISATION_KINDS,
)

Name = fields.String(required=True, validate=validate.Length(min=1, max=100))


class EmployerSchema(StrictSchema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    credit_code = CreditCode(required=True)
    size = fields.String(required=True, validate=validate.OneOf(EMPLOYER_SIZES))


class OrganisationCreateSchema(StrictSchema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    kind = fields.String(required=True, validate=validate.OneOf(ORGANISATION_KINDS))
    parent_id = IdField(load_default=None, allow_none=True)
    employer = fields.Nested(EmployerSchema, load_default=None, allow_none=True)
    established_on = fields.Date(required=True)


class OrganisationSchema(StrictSchema):
    id = IdField()
    name = fields.String()
    kind = fields.String()
    parent_id = IdField(allow_none=True)
    path = fields.String()
    employer = fields.Method("dump_employer")
    established_on = fields.Date()

    def dump_employer(self, obj: object) -> dict | None:
        if not getattr(obj, "employer_name", None):
            return None
        return {"name": obj.employer_name, "credit_code": obj.employer_credit_code, "size": obj.employer_size}


class MemberCreateSchema(StrictSchema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    id_number = ResidentId(required=True)
    phone = Mobile(required=True)
    organisation_id = IdField(required=True)
    employment_form = fields.String(required=True, validate=validate.OneOf(EMPLOYMENT_FORMS))
    occupation = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=100))
    joined_on = fields.Date(required=True)


class MemberUpdateSchema(StrictSchema):
    """PATCH: name, phone, employment form and occupation; moves go through transfer."""

    name = fields.String(validate=validate.Length(min=1, max=100))
    phone = Mobile()
    employment_form = fields.String(validate=validate.OneOf(EMPLOYMENT_FORMS))
    occupation = fields.String(allow_none=True, validate=validate.Length(max=100))


class TransferSchema(StrictSchema):
    to_organisation_id = IdField(required=True)
    on = fields.Date(required=True)


class LeaveSchema(StrictSchema):
    on = fields.Date(required=True)
    reason = fields.String(required=True, validate=validate.Length(min=1, max=500))


class HonourCreateSchema(StrictSchema):
    title = fields.String(required=True, validate=validate.Length(min=1, max=100))
    level = fields.String(required=True, validate=validate.Length(min=1, max=30))
    year = fields.Integer(required=True, strict=True, validate=validate.Range(min=1950, max=2200))


class MemberQuerySchema(StrictSchema):
    organisation_id = IdField(load_default=None, allow_none=True)
    q = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=100))
    employment_form = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(EMPLOYMENT_FORMS))
    status = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(MEMBER_STATUSES))
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))
    cursor = fields.String(load_default=None, allow_none=True)



class HonourSchema(StrictSchema):
    id = IdField()
    member_id = IdField()
    title = fields.String()
    level = fields.String()
    year = fields.Integer()


class RosterImportSchema(StrictSchema):
    id = IdField()
    filename = fields.String()
    status = fields.String()
    total = fields.Integer()
    processed = fields.Integer()
    imported = fields.Integer()
    failed = fields.Integer()
    errors = fields.List(fields.Dict())
    message = fields.String(allow_none=True)
    created_at = fields.DateTime()
    finished_at = fields.DateTime(allow_none=True)
