"""Administration: staff accounts, API keys, and the audit trail (read only)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from marshmallow import EXCLUDE
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Request, Response

from gateway import accounts
from gateway import schemas as s
from gateway.http import STAFF_ONLY, Doc, api, json_response
from gateway.models import ApiKey, AuditEntry, User
from gateway.routes.auth import user_out
from services.chassis.errors import InvalidInput, NotFound
from services.chassis.events import utcnow
from services.chassis.schemas import load

T = "administration"
ADMIN = ("admin",)
AUDIT_READERS = ("admin", "auditor")
DEFAULT_PAGE = 50


def _id(value: Any, what: str) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise NotFound(f"no such {what}") from None
    if not 0 < number < 2**63:
        raise NotFound(f"no such {what}")
    return number


def _page(request: Request, schema: Any) -> tuple[dict[str, Any], int, int | None]:
    query = load(schema, {k: v for k, v in request.args.items() if v != ""}, unknown=EXCLUDE)
    cursor = query.get("cursor")
    if cursor is not None and not (cursor.isdigit() and 0 < int(cursor) < 2**63):
        raise InvalidInput.field("cursor", "not a cursor from a previous page")
    return query, query.get("limit") or DEFAULT_PAGE, int(cursor) if cursor else None


def key_out(key: ApiKey) -> dict:
    def when(value: Any) -> str | None:
        return _utc(value) if value else None

    return {"id": str(key.id), "name": key.name, "prefix": key.prefix, "scopes": list(key.scopes or []),
            "organisation_id": key.organisation_id, "rate_per_minute": key.rate_per_minute,
            "created_by": key.created_by, "created_at": when(key.created_at),
            "revoked_at": when(key.revoked_at), "last_used_at": when(key.last_used_at)}


def _utc(value: datetime) -> str:
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()


def audit_out(entry: AuditEntry) -> dict:
    return {"id": str(entry.id), "at": _utc(entry.at), "actor": entry.actor,
            "roles": [r for r in entry.roles.split(",") if r], "organisation_id": entry.organisation_id,
            "method": entry.method, "route": entry.route, "operation": entry.operation,
            "object_id": entry.object_id, "request_id": entry.request_id, "status": entry.status,
            "outcome": entry.outcome, "full_identifiers": bool(entry.full_identifiers)}


class AdminRoutes:
    def _known_organisation(self, organisation_id: str | None) -> None:
        if organisation_id:
            try:
                self.membership.get_organisation(organisation_id)
            except NotFound:
                raise InvalidInput.field("organisation_id", "no such organisation") from None

    # -- staff accounts ---------------------------------------------------------------------------

    @api("POST", "/api/v1/users", roles=ADMIN, key_scope=STAFF_ONLY,
         doc=Doc("Create a staff account", T, body=s.UserCreateSchema, response=s.UserSchema, status=201))
    def create_user(self, request: Request) -> Response:
        data = load(s.UserCreateSchema, request.json_body)
        if "union_chair" in data["roles"] and not data.get("organisation_id"):
            raise InvalidInput.field("organisation_id", "required for a union chair")
        self._known_organisation(data.get("organisation_id"))
        user = User(username=data["username"], password_hash=accounts.hash_password(data["password"]),
                    display_name=data["display_name"], roles=sorted(set(data["roles"])),
                    organisation_id=data.get("organisation_id"), disabled=False, token_version=1)
        self.db.session.add(user)
        try:
            self.db.session.flush()
        except IntegrityError:
            raise InvalidInput.field("username", "already taken") from None
        return json_response(user_out(user), 201)

    @api("GET", "/api/v1/users", roles=ADMIN, key_scope=STAFF_ONLY,
         doc=Doc("List staff accounts", T, query=s.UserQuerySchema, response=s.UserSchema, many=True))
    def list_users(self, request: Request) -> Response:
        query, limit, cursor = _page(request, s.UserQuerySchema)
        statement = select(User).order_by(User.id).limit(limit + 1)
        if cursor:
            statement = statement.where(User.id > cursor)
        if query.get("q"):
            statement = statement.where(User.username.startswith(query["q"], autoescape=True))
        users = list(self.db.session.scalars(statement))
        more = len(users) > limit
        users = users[:limit]
        return json_response({"items": [user_out(u) for u in users],
                              "next_cursor": str(users[-1].id) if more else None})

    @api("GET", "/api/v1/users/<user_id>", roles=ADMIN, key_scope=STAFF_ONLY,
         doc=Doc("One staff account", T, response=s.UserSchema))
    def get_user(self, request: Request, user_id: str) -> Response:
        return json_response(user_out(self._user(user_id)))

    @api("POST", "/api/v1/users/<user_id>/disable", roles=ADMIN, key_scope=STAFF_ONLY,
         doc=Doc("Disable a staff account: it cannot sign in, and its tokens stop working", T,
                 response=s.UserSchema))
    def disable_user(self, request: Request, user_id: str) -> Response:
        user = self._user(user_id, for_update=True)
        if user.id == request.principal.user_id:
            raise InvalidInput.field("user_id", "you cannot disable your own account")
        user.disabled = True
        user.token_version += 1
        self.db.commit()
        self.staff.forget(user.id)
        return json_response(user_out(user))

    @api("POST", "/api/v1/users/<user_id>/enable", roles=ADMIN, key_scope=STAFF_ONLY,
         doc=Doc("Enable a disabled staff account again (it signs in anew)", T, response=s.UserSchema))
    def enable_user(self, request: Request, user_id: str) -> Response:
        user = self._user(user_id, for_update=True)
        user.disabled = False
        self.db.commit()
        self.staff.forget(user.id)
        return json_response(user_out(user))

    def _user(self, user_id: str, for_update: bool = False) -> User:
        user = self.db.session.get(User, _id(user_id, "user"), with_for_update=for_update)
        if user is None:
            raise NotFound("no such user")
        return user

    # -- API keys ---------------------------------------------------------------------------------

    @api("POST", "/api/v1/api-keys", roles=ADMIN, key_scope=STAFF_ONLY,
         doc=Doc("Create an API key for an external system; the key is in this answer only", T,
                 body=s.ApiKeyCreateSchema, response=s.ApiKeyCreatedSchema, status=201))
    def create_api_key(self, request: Request) -> Response:
        data = load(s.ApiKeyCreateSchema, request.json_body)
        self._known_organisation(data.get("organisation_id"))
        key, prefix, key_hash = accounts.new_api_key()
        row = ApiKey(name=data["name"], prefix=prefix, key_hash=key_hash, scopes=sorted(set(data["scopes"])),
                     organisation_id=data.get("organisation_id"), rate_per_minute=data.get("rate_per_minute"),
                     created_by=request.principal.username, created_at=utcnow())
        self.db.session.add(row)
        self.db.session.flush()
        return json_response({**key_out(row), "key": key}, 201)

    @api("GET", "/api/v1/api-keys", roles=ADMIN, key_scope=STAFF_ONLY,
         doc=Doc("List API keys (never the keys themselves)", T, query=s.PageQuerySchema,
                 response=s.ApiKeySchema, many=True))
    def list_api_keys(self, request: Request) -> Response:
        _, limit, cursor = _page(request, s.PageQuerySchema)
        statement = select(ApiKey).order_by(ApiKey.id).limit(limit + 1)
        if cursor:
            statement = statement.where(ApiKey.id > cursor)
        keys = list(self.db.session.scalars(statement))
        more = len(keys) > limit
        keys = keys[:limit]
        return json_response({"items": [key_out(k) for k in keys],
                              "next_cursor": str(keys[-1].id) if more else None})

    @api("POST", "/api/v1/api-keys/<key_id>/revoke", roles=ADMIN, key_scope=STAFF_ONLY,
         doc=Doc("Revoke an API key: it stops working at once", T, response=s.ApiKeySchema))
    def revoke_api_key(self, request: Request, key_id: str) -> Response:
        key = self.db.session.get(ApiKey, _id(key_id, "API key"), with_for_update=True)
        if key is None:
            raise NotFound("no such API key")
        if key.revoked_at is None:
            key.revoked_at = utcnow()
        self.db.commit()
        self.staff.forget_keys()
        return json_response(key_out(key))

    # -- the audit trail --------------------------------------------------------------------------

    @api("GET", "/api/v1/audit", roles=AUDIT_READERS, key_scope=STAFF_ONLY,
         doc=Doc("The audit trail, newest first: every write and every read of whole ID numbers", T,
                 query=s.AuditQuerySchema, response=s.AuditEntrySchema, many=True))
    def list_audit(self, request: Request) -> Response:
        query, limit, cursor = _page(request, s.AuditQuerySchema)
        statement = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit + 1)
        if cursor:
            statement = statement.where(AuditEntry.id < cursor)
        if query.get("actor"):
            statement = statement.where(AuditEntry.actor == query["actor"])
        if query.get("since"):
            since = query["since"]
            since = since.astimezone(UTC) if since.tzinfo else since.replace(tzinfo=UTC)
            statement = statement.where(AuditEntry.at >= since)
        if query.get("operation"):
            statement = statement.where(AuditEntry.operation == query["operation"])
        if query.get("object_id"):
            statement = statement.where(AuditEntry.object_id == query["object_id"])
        entries = list(self.db.session.scalars(statement))
        more = len(entries) > limit
        entries = entries[:limit]
        return json_response({"items": [audit_out(e) for e in entries],
                              "next_cursor": str(entries[-1].id) if more else None})
