"""The HTTP contract's shapes (../shared/API.md): validated at the door, documented in OpenAPI.

Services validate again (they are the authority on their rules); these
schemas make the gateway answer malformed requests itself and describe
every body in `/openapi.json`.
"""

from __future__ import annotations

from marshmallow import fields, validate

from gateway.accounts import KEY_SCOPES, ROLES
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


class UserCreateSchema(StrictSchema):
    username = fields.String(required=True, validate=validate.Regexp(r"^[a-zA-Z0-9_.-]{3,64}$"))
    password = fields.String(required=True, load_only=True, validate=validate.Length(min=10, max=200))
    display_name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    roles = fields.List(fields.String(validate=validate.OneOf(ROLES)), required=True,
                        validate=validate.Length(min=1),
                        metadata={"description": "staff roles; add `pii` to see ID numbers and phones in full"})
    organisation_id = fields.String(load_default=None, allow_none=True,
                                    metadata={"description": "limits the user to this organisation and the "
                                                             "ones below it (required for a union chair)"})


class UserSchema(StrictSchema):
    id = fields.String()
    username = fields.String()
    display_name = fields.String()
    roles = fields.List(fields.String())
    organisation_id = fields.String(allow_none=True)
    disabled = fields.Boolean()
    created_at = fields.DateTime(allow_none=True)


class UserQuerySchema(PageQuerySchema):
    q = fields.String(validate=validate.Length(max=64), metadata={"description": "the start of a username"})


class TokenSchema(StrictSchema):
    token = fields.String()
    expires_at = fields.DateTime()
    user = fields.Nested(UserSchema)


class ApiKeyCreateSchema(StrictSchema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    scopes = fields.List(fields.String(validate=validate.OneOf(KEY_SCOPES)), required=True,
                         validate=validate.Length(min=1),
                         metadata={"description": "what the key may call, e.g. members:read; "
                                                  "`pii` shows ID numbers and phones in full"})
    organisation_id = fields.String(load_default=None, allow_none=True,
                                    metadata={"description": "limits the key to this organisation and the "
                                                             "ones below it"})
    rate_per_minute = fields.Integer(load_default=None, allow_none=True, strict=True,
                                     validate=validate.Range(min=1, max=600_000),
                                     metadata={"description": "requests a minute (default: the gateway's)"})


class ApiKeySchema(StrictSchema):
    id = fields.String()
    name = fields.String()
    prefix = fields.String(metadata={"description": "the key's public part, to tell keys apart"})
    scopes = fields.List(fields.String())
    organisation_id = fields.String(allow_none=True)
    rate_per_minute = fields.Integer(allow_none=True)
    created_by = fields.String()
    created_at = fields.DateTime()
    revoked_at = fields.DateTime(allow_none=True)
    last_used_at = fields.DateTime(allow_none=True)


class ApiKeyCreatedSchema(ApiKeySchema):
    key = fields.String(metadata={"description": "the key itself: shown this once, never again"})


class AuditQuerySchema(PageQuerySchema):
    actor = fields.String(validate=validate.Length(max=120))
    since = fields.DateTime(metadata={"description": "entries at or after this time (RFC 3339)"})
    operation = fields.String(validate=validate.Length(max=100))
    object_id = fields.String(validate=validate.Length(max=64))


class AuditEntrySchema(StrictSchema):
    id = fields.String()
    at = fields.DateTime()
    actor = fields.String()
    roles = fields.List(fields.String())
    organisation_id = fields.String(allow_none=True)
    method = fields.String()
    route = fields.String()
    operation = fields.String()
    object_id = fields.String(allow_none=True)
    request_id = fields.String()
    status = fields.Integer()
    outcome = fields.String(metadata={"description": "done, refused, invalid, not_found, conflict, limited, failed"})
    full_identifiers = fields.Boolean(metadata={"description": "the answer showed whole ID numbers"})


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
    parent_id = IdField()
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
    organisation_id = IdField(metadata={"description": "this union and every union below it"})
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

