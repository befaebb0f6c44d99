"""The HTTP contract's shapes (../shared/API.md): validated at the door, documented in OpenAPI.

Services validate again (they are the authority on their rules); these
schemas make the gateway answer malformed requests itself and describe
every body in `/openapi.json`.
"""

from __future__ import annotations

from marshmallow import fields, validate

from gateway.accounts import ROLES
from services.chassis.schemas import (
    CreditCode,
    IdField,
    Mobile,
    ResidentId,
    StrictSchema,
)

KINDS = ("federation", "industry_federation", "grassroots")
SIZES = ("micro", "small", "medium", "large")
FORMS = ("standard", "new_form")
STATUSES = ("active", "left")


class PageQuerySchema(StrictSchema):
    """`?limit=` (1-500, default 50) and `?cursor=` from the previous page's `next_cursor`."""

    limit = fields.Integer(validate=validate.Range(min=1, max=500))
    cursor = fields.String()


# ---- auth
class LoginSchema(StrictSchema):
    username = fields.String(required=True, validate=validate.Length(min=1, max=64))
    password = fields.String(required=True, validate=validate.Length(min=1, max=200), load_only=True)


class UserSchema(StrictSchema):
    id = IdField(dump_only=True)
    username = fields.String(required=True, validate=validate.Regexp(r"^[a-zA-Z0-9_.-]{3,64}$"))
    password = fields.String(required=True, load_only=True, validate=validate.Length(min=10, max=200))
    display_name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    roles = fields.List(fields.String(validate=validate.OneOf(ROLES)), required=True,
                        validate=validate.Length(min=1))
    organisation_id = fields.String(load_default=None, allow_none=True)


class TokenSchema(StrictSchema):
    token = fields.String()
    expires_at = fields.DateTime()
    user = fields.Nested(UserSchema)


# ---- membership
class EmployerSchema(StrictSchema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    credit_code = CreditCode(required=True)
    size = fields.String(required=True, validate=validate.OneOf(SIZES))


class OrganisationCreateSchema(StrictSchema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    parent_id = IdField(load_default=None, allow_none=True)
    employer = fields.Nested(EmployerSchema, load_default=None, allow_none=True)
    established_on = fields.Date(required=True)


class OrganisationSchema(StrictSchema):
    id = fields.String()
    name = fields.String()
    kind = fields.String()
    parent_id = fields.String(allow_none=True)
    path = fields.String()
    employer = fields.Nested(EmployerSchema, allow_none=True)
    established_on = fields.Date()
    members = fields.Integer(metadata={"description": "active members directly in this organisation"})
    members_total = fields.Integer(metadata={"description": "active members here and in every union below"})


class OrganisationQuerySchema(PageQuerySchema):
    parent_id = fields.String()
    kind = fields.String(validate=validate.OneOf(KINDS))
    q = fields.String(validate=validate.Length(max=100))


class MemberCreateSchema(StrictSchema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    id_number = ResidentId(required=True)
    phone = Mobile(required=True)
    organisation_id = IdField(required=True)
    employment_form = fields.String(required=True, validate=validate.OneOf(FORMS))
    occupation = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=100))
    joined_on = fields.Date(required=True)


class MemberUpdateSchema(StrictSchema):
    name = fields.String(validate=validate.Length(min=1, max=100))
    phone = Mobile()
    employment_form = fields.String(validate=validate.OneOf(FORMS))
    occupation = fields.String(allow_none=True, validate=validate.Length(max=100))


class MemberQuerySchema(PageQuerySchema):
    organisation_id = fields.String(metadata={"description": "this union and every union below it"})
    q = fields.String(validate=validate.Length(max=100),
                      metadata={"description": "the start of a name (a surname or a whole name), "
                                                   "of an ID number or of a phone number"})
    employment_form = fields.String(validate=validate.OneOf(FORMS))
    status = fields.String(validate=validate.OneOf(STATUSES))


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


class HonourSchema(HonourCreateSchema):
    id = fields.String()
    member_id = fields.String()


class TransferRecordSchema(StrictSchema):
    from_organisation_id = fields.String()
    to_organisation_id = fields.String()
    on = fields.Date()


class MemberSchema(StrictSchema):
    id = fields.String()
    name = fields.String()
    id_number = fields.String(metadata={"description": "masked unless the caller has the pii role"})
    phone = fields.String(metadata={"description": "masked unless the caller has the pii role"})
    organisation_id = fields.String()
    organisation_name = fields.String()
    employment_form = fields.String()
    occupation = fields.String(allow_none=True)
    joined_on = fields.Date()
    status = fields.String()
    left_on = fields.Date(allow_none=True)
    left_reason = fields.String(allow_none=True)
    revision = fields.Integer()
    transfers = fields.List(fields.Nested(TransferRecordSchema))
    honours = fields.List(fields.Nested(HonourSchema))


class ImportErrorSchema(StrictSchema):
    row = fields.Integer()
    field = fields.String()
    message = fields.String()


class RosterImportSchema(StrictSchema):
    id = fields.String()
    filename = fields.String()
    status = fields.String(metadata={"description": "queued, running, done"})
    total = fields.Integer()
    processed = fields.Integer()
    imported = fields.Integer()
    failed = fields.Integer()
    errors = fields.List(fields.Nested(ImportErrorSchema))
    created_at = fields.DateTime()
    finished_at = fields.DateTime(allow_none=True)


class AnnualQuerySchema(StrictSchema):
    year = fields.Integer(required=True, validate=validate.Range(min=1950, max=2200))
