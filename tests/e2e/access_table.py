"""The gateway's route table, and how each area makes objects for the access tests.

`tests/e2e/test_access.py` checks every route of `GatewayService` (found by
introspection, so a route added anywhere is covered without a new test):
no credentials -> 401, a wrong role -> 403, an API key without the route's
scope -> 403, and an object of another union -> 404. For the last it needs,
for each path parameter, a way to make an object of that kind in union A
(`World.union_a`); a caller bound to union B must then get 404 for it.

How an area plugs in (a module `tests/e2e/access_<area>.py` is picked up by
itself; nothing else to edit):

    from tests.e2e.access_table import World, body, exempt, maker

    @maker("claim_id")                       # a path parameter <claim_id>
    def make_claim(world: World) -> str:
        member = world.make("member_id")     # objects of other kinds, made once per platform
        response = world.admin.post(world.api("/mutual-aid/claims"), json={...})
        assert response.status_code == 201, response.text
        return response.json()["id"]

    @body("POST", "/api/v1/mutual-aid/claims/{claim_id}/approve")   # writes with a JSON body
    def approve_body(world: World) -> dict:
        return {"amount_approved_fen": 100}                         # a body valid on its own

    exempt("code", "fund codes are the federation's, not a union's")        # a parameter
    exempt("POST /api/v1/funds/{code}/deposits", "the federation's funds")  # or one route

A route whose path parameter has no maker, or a write with a body and a
parameter but no `@body`, fails `test_every_route_can_be_checked_for_scope`
until someone registers one or exempts it with a reason.

Notes for makers: `world.admin` is an admin session (federation-wide, with
`pii`); objects are made once per platform and shared by every route that
names the parameter. A service that learns of organisations and members by
events may not know `world.union_a` or a new member at once: poll with
`tests.helpers.wait_until` before relying on it. For a GET route the test
first checks that the admin gets 200 for the object, then that a caller
bound to union B (a user with the route's roles but admin, and a key with
the route's scope) gets 404; for a write it sends the `@body` (or `{}` when
the route takes none) and expects 404.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

from gateway.accounts import KEY_SCOPES, STAFF_ROLES
from gateway.http import UNSET, WRITES, Api, route_template

API = "/api/v1"
PARAM = re.compile(r"{([a-z_]+)}")
# The only routes anyone may call without credentials (API.md "Conventions").
PUBLIC_ROUTES = {
    "GET /health", "GET /ready", "GET /metrics", "GET /openapi.json", "GET /docs",
    "POST /api/v1/auth/login", "GET /", "GET /static/{name}",
}

MAKERS: dict[str, Callable[[World], str]] = {}
BODIES: dict[str, Callable[[World], dict]] = {}
EXEMPT: dict[str, str] = {}


def maker(param: str) -> Callable:
    """Register how to make an object for path parameter `param` in `world.union_a`; returns its id."""
    def register(fn: Callable[[World], str]) -> Callable[[World], str]:
        MAKERS[param] = fn
        return fn
    return register


def body(method: str, path: str) -> Callable:
    """Register a valid JSON body for a write route, e.g. body("POST", "/api/v1/members/{member_id}/leave")."""
    def register(fn: Callable[[World], dict]) -> Callable[[World], dict]:
        BODIES[f"{method.upper()} {path}"] = fn
        return fn
    return register


def exempt(what: str, reason: str) -> None:
    """Leave a path parameter (`claim_id`) or a route (`POST /api/v1/...`) out of the 404 check, saying why."""
    assert reason.strip(), "say why"
    EXEMPT[what] = reason


@dataclass(frozen=True)
class Route:
    method: str
    path: str           # OpenAPI form: /api/v1/members/{member_id}
    name: str
    roles: Any
    key_scope: Any
    has_body: bool
    upload: bool

    @property
    def key(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def params(self) -> list[str]:
        return PARAM.findall(self.path)

    @property
    def public(self) -> bool:
        return self.roles is None

    @property
    def write(self) -> bool:
        return self.method in WRITES

    def url(self, base: str, values: dict[str, str] | None = None) -> str:
        values = values or {}
        return base + PARAM.sub(lambda m: values.get(m.group(1), "1"), self.path)


def routes() -> list[Route]:
    """Every `api` route of the gateway, as the running service has them."""
    from gateway.service import GatewayService

    found = []
    for name, member in inspect.getmembers(GatewayService):
        for entrypoint in getattr(member, "nameko_entrypoints", ()):
            if isinstance(entrypoint, Api):
                for method in entrypoint.method.split(","):
                    found.append(Route(method.upper(), route_template(entrypoint.url), name, entrypoint.roles,
                                       entrypoint.key_scope, entrypoint.doc.body is not None, entrypoint.upload))
    return sorted(found, key=lambda r: (r.path, r.method))


def load_areas() -> None:
    """Import every `tests/e2e/access_<area>.py`, so their makers register."""
    folder = Path(__file__).parent
    for module in pkgutil.iter_modules([str(folder)]):
        if module.name.startswith("access_") and module.name != "access_table":
            importlib.import_module(f"tests.e2e.{module.name}")


def declared(value: Any) -> bool:
    return value is not UNSET


@dataclass
class World:
    """One platform's fixtures for the access tests: two sibling unions, callers, made objects."""

    url: str
    admin: requests.Session
    union_a: str = ""
    union_b: str = ""
    federation: str = ""
    objects: dict[str, str] = field(default_factory=dict)
    _tokens: dict[tuple, str] = field(default_factory=dict)
    _keys: dict[tuple, str] = field(default_factory=dict)

    def api(self, path: str) -> str:
        return f"{self.url}{API}{path}"

    def setup(self) -> World:
        stamp = time.monotonic_ns()
        self.federation = self._organisation({"name": f"访问测试总工会{stamp}", "kind": "federation",
                                              "established_on": "1950-05-01"})
        self.union_a = self._organisation({"name": f"甲工会{stamp}", "kind": "grassroots",
                                           "parent_id": self.federation, "established_on": "2020-01-01"})
        self.union_b = self._organisation({"name": f"乙工会{stamp}", "kind": "grassroots",
                                           "parent_id": self.federation, "established_on": "2020-01-01"})
        return self

    def _organisation(self, data: dict) -> str:
        response = self.admin.post(self.api("/organisations"), json=data)
        assert response.status_code == 201, response.text
        return response.json()["id"]

    def make(self, param: str) -> str:
        """The id of an object for path parameter `param` in union A, made once."""
        if param not in self.objects:
            self.objects[param] = MAKERS[param](self)
        return self.objects[param]

    def user_token(self, roles: tuple[str, ...], organisation_id: str | None = None) -> str:
        """A signed-in user with exactly these roles (bound to `organisation_id` if given).

        A union chair is always bound to an organisation: union B unless another is given.
        """
        if "union_chair" in roles and organisation_id is None:
            organisation_id = self.union_b
        cache_key = (tuple(sorted(roles)), organisation_id)
        if cache_key not in self._tokens:
            username = f"acc{time.monotonic_ns()}"
            password = "access-test-password"
            response = self.admin.post(self.api("/users"), json={
                "username": username, "password": password, "display_name": "访问测试",
                "roles": list(roles), "organisation_id": organisation_id})
            assert response.status_code == 201, response.text
            login = requests.post(self.api("/auth/login"), json={"username": username, "password": password},
                                  timeout=10)
            assert login.status_code == 200, login.text
            self._tokens[cache_key] = login.json()["token"]
        return self._tokens[cache_key]

    def api_key(self, scopes: tuple[str, ...], organisation_id: str | None = None) -> str:
        cache_key = (tuple(sorted(scopes)), organisation_id)
        if cache_key not in self._keys:
            response = self.admin.post(self.api("/api-keys"), json={
                "name": f"access test {len(self._keys)}", "scopes": list(scopes),
                "organisation_id": organisation_id})
            assert response.status_code == 201, response.text
            self._keys[cache_key] = response.json()["key"]
        return self._keys[cache_key]


def wrong_role(route: Route) -> tuple[str, ...]:
    """Roles that may not call `route`: a staff role it does not list, else `pii` alone (no role at all)."""
    for role in STAFF_ROLES:
        if role not in route.roles:
            return (role,)
    return ("pii",)


def scopes_without(scope: Any) -> tuple[str, ...]:
    return tuple(s for s in KEY_SCOPES if s != scope)


def scoped_roles(route: Route) -> tuple[str, ...] | None:
    """Roles of a caller bound to an organisation who may call `route` (None: only admins may)."""
    if not route.roles:
        return None
    roles = tuple(r for r in route.roles if r != "admin")
    return roles or None


# -- the gateway's and membership's own objects ---------------------------------------------------

exempt("user_id", "staff accounts are the federation's: only admins, who see everything, reach them")
exempt("key_id", "API keys are the federation's: only admins, who see everything, reach them")


@maker("organisation_id")
def make_organisation(world: World) -> str:
    return world.union_a


@maker("member_id")
def make_member(world: World) -> str:
    from tests.helpers import member_body

    response = world.admin.post(world.api("/members"), json=member_body(world.union_a, name="甲会员"))
    assert response.status_code == 201, response.text
    return response.json()["id"]


@maker("import_id")
def make_import(world: World) -> str:
    """An import started federation-wide: a caller bound to a union does not see it."""
    from tests.helpers import resident_id

    csv = ("姓名,身份证号,手机号,组织ID,用工形式,职业,入会日期\n"
           f"导入甲,{resident_id()},13912345678,{world.union_a},standard,快递员,2022-03-15\n").encode("utf-8-sig")
    response = world.admin.post(world.api("/members/imports"), files={"file": ("roster.csv", csv, "text/csv")})
    assert response.status_code == 202, response.text
    return response.json()["id"]


@body("PATCH", "/api/v1/members/{member_id}")
def update_member_body(world: World) -> dict:
    return {"occupation": "骑手"}


@body("POST", "/api/v1/members/{member_id}/transfer")
def transfer_body(world: World) -> dict:
    return {"to_organisation_id": world.union_b, "on": "2023-01-01"}


@body("POST", "/api/v1/members/{member_id}/leave")
def leave_body(world: World) -> dict:
    return {"on": "2023-01-01", "reason": "调离"}


@body("POST", "/api/v1/members/{member_id}/honours")
def honour_body(world: World) -> dict:
    return {"title": "劳动模范", "level": "市级", "year": 2022}
