"""Signing in and out, and who am I.

A sign-in answers the token (for `Authorization: Bearer`) and also sets the
web client's session: the HttpOnly cookie `union_session` and the readable
`union_csrf` cookie, whose value a write must send back as `X-CSRF-Token`.
"""

from __future__ import annotations

import os
from typing import Any

from sqlalchemy import select
from werkzeug.wrappers import Request, Response

from gateway import accounts
from gateway import schemas as s
from gateway.http import (
    ANY_STAFF,
    CSRF_COOKIE,
    PUBLIC,
    SESSION_COOKIE,
    STAFF_ONLY,
    Doc,
    api,
    csrf_token_for,
    json_response,
)
from gateway.limits import LoginThrottle
from gateway.models import User
from gateway.problems import Unauthorized

T = "auth"
# Verified when the username is unknown, so an answer takes as long either way.
_DUMMY_HASH = accounts.hash_password("not-a-real-password")


def user_out(user: Any) -> dict:
    return {"id": str(user.id), "username": user.username, "display_name": user.display_name,
            "roles": list(user.roles or []), "organisation_id": user.organisation_id,
            "disabled": bool(user.disabled),
            "created_at": _utc(user.created_at) if user.created_at else None}


def _utc(value: Any) -> str:
    from datetime import UTC

    return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()


def _cookie_secure() -> bool:
    return os.environ.get("COOKIE_SECURE", "").lower() in ("1", "true", "yes")


class AuthRoutes:
    login_throttle = LoginThrottle()

    @api("POST", "/api/v1/auth/login", roles=PUBLIC, key_scope=STAFF_ONLY,
         doc=Doc("Sign in with username and password (also sets the web client's session cookies)", T,
                 body=s.LoginSchema, response=s.TokenSchema))
    def login(self, request: Request) -> Response:
        from services.chassis.schemas import load

        data = load(s.LoginSchema, request.json_body)
        request.audit_actor = data["username"][:64]
        # Plain connections, not the worker's session: on SQLite the session would hold
        # the one connection that recording a failure needs.
        engine = self.db.session.get_bind()
        subjects = self.login_throttle.subjects(data["username"], request.remote_addr)
        self.login_throttle.check(engine, subjects)
        with engine.connect() as conn:
            user = conn.execute(select(User.__table__).where(User.username == data["username"])).first()
        matches = accounts.password_matches(user.password_hash if user else _DUMMY_HASH, data["password"])
        if user is None or user.disabled or not matches:
            self.login_throttle.failed(engine, subjects)
            raise Unauthorized("wrong username or password")
        self.login_throttle.succeeded(engine, data["username"])
        token, expires = accounts.issue_token(user, self.staff.secret)
        response = json_response({"token": token, "expires_at": expires.isoformat(), "user": user_out(user)})
        lifetime = int(accounts.TOKEN_LIFETIME.total_seconds())
        secure = _cookie_secure()
        response.set_cookie(SESSION_COOKIE, token, max_age=lifetime, path="/", httponly=True,
                            samesite="Strict", secure=secure)
        response.set_cookie(CSRF_COOKIE, csrf_token_for(token, self.staff.secret), max_age=lifetime, path="/",
                            httponly=False, samesite="Strict", secure=secure)
        return response

    @api("POST", "/api/v1/auth/logout", roles=ANY_STAFF, key_scope=STAFF_ONLY,
         doc=Doc("Sign out: every token of this user stops working, and the session cookies are cleared", T,
                 status=204))
    def logout(self, request: Request) -> Response:
        user = self.db.session.get(User, request.principal.user_id, with_for_update=True)
        user.token_version += 1
        self.db.commit()
        self.staff.forget(user.id)
        response = Response(status=204)
        response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="Strict")
        response.delete_cookie(CSRF_COOKIE, path="/", samesite="Strict")
        return response

    @api("GET", "/api/v1/auth/me", roles=ANY_STAFF, key_scope=STAFF_ONLY,
         doc=Doc("The signed-in user", T, response=s.UserSchema))
    def me(self, request: Request) -> Response:
        user = self.db.session.get(User, request.principal.user_id)
        return json_response(user_out(user))
