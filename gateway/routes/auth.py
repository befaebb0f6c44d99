"""Signing in, who am I, and staff accounts."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Request, Response

from gateway import accounts
from gateway import schemas as s
from gateway.http import Doc, api, json_response
from gateway.models import User
from gateway.problems import Unauthorized
from services.chassis.errors import InvalidInput, NotFound
from services.chassis.schemas import load

T = "auth"


def user_out(user: User) -> dict:
    return {"id": str(user.id), "username": user.username, "display_name": user.display_name,
            "roles": list(user.roles or []), "organisation_id": user.organisation_id}


class AuthRoutes:
    @api("POST", "/api/v1/auth/login", roles=None,
         doc=Doc("Sign in with username and password", T, body=s.LoginSchema, response=s.TokenSchema))
    def login(self, request: Request) -> Response:
        data = load(s.LoginSchema, request.json_body)
        user = self.db.session.scalar(select(User).where(User.username == data["username"]))
        if user is None or user.disabled or not accounts.password_matches(user.password_hash, data["password"]):
            raise Unauthorized("wrong username or password")
        token, expires = accounts.issue_token(user, self.staff.secret)
        return json_response({"token": token, "expires_at": expires.isoformat(), "user": user_out(user)})

    @api("GET", "/api/v1/auth/me", doc=Doc("The signed-in user", T, response=s.UserSchema))
    def me(self, request: Request) -> Response:
        user = self.db.session.get(User, request.principal.user_id)
        return json_response(user_out(user))

    @api("POST", "/api/v1/users", roles=("admin",),
         doc=Doc("Create a staff account", T, body=s.UserSchema, response=s.UserSchema, status=201))
    def create_user(self, request: Request) -> Response:
        data = load(s.UserSchema, request.json_body)
        if "union_chair" in data["roles"] and not data.get("organisation_id"):
            raise InvalidInput.field("organisation_id", "required for a union chair")
        if data.get("organisation_id"):
            try:
                self.membership.get_organisation(data["organisation_id"])
            except NotFound:
                raise InvalidInput.field("organisation_id", "no such organisation") from None
        user = User(username=data["username"], password_hash=accounts.hash_password(data["password"]),
                    display_name=data["display_name"], roles=sorted(set(data["roles"])),
                    organisation_id=data.get("organisation_id"), disabled=False, token_version=1)
        self.db.session.add(user)
        try:
            self.db.session.flush()
        except IntegrityError:
            raise InvalidInput.field("username", "already taken") from None
        return json_response(user_out(user), 201)
