"""Who may call what, for every route of the gateway (generated from its route table).

See `tests/e2e/access_table.py` for how an area registers makers of its objects.
"""

from __future__ import annotations

import pytest
import requests

from tests.e2e.access_table import (
    BODIES,
    EXEMPT,
    MAKERS,
    PUBLIC_ROUTES,
    Route,
    World,
    declared,
    load_areas,
    routes,
    scoped_roles,
    scopes_without,
    wrong_role,
)

load_areas()
ROUTES = routes()
GUARDED = [r for r in ROUTES if not r.public]


def ids(route: Route) -> str:
    return route.key


@pytest.fixture(scope="session")
def world(platform) -> World:
    return World(platform.url, platform.session()).setup()


def call(route: Route, url: str, headers: dict | None = None, values: dict | None = None,
         json: dict | None = None) -> requests.Response:
    kwargs: dict = {"headers": headers or {}, "timeout": 30}
    if route.write and not route.upload:
        kwargs["json"] = {} if json is None else json
    return requests.request(route.method, route.url(url, values), **kwargs)


# -- the table itself (no platform needed) --------------------------------------------------------

def test_every_route_says_who_may_call_it():
    """roles= and key_scope= on every route; only the routes API.md lists are public."""
    undeclared = [r.key for r in ROUTES if not declared(r.roles) or not declared(r.key_scope)]
    assert not undeclared, f"routes without roles= or key_scope= on @api: {undeclared}"
    public = {r.key for r in ROUTES if r.public}
    assert public <= PUBLIC_ROUTES, f"public routes API.md does not allow: {public - PUBLIC_ROUTES}"
    assert len(GUARDED) >= 20


def test_every_route_can_be_checked_for_scope():
    """Each path parameter has a maker (or an exemption with a reason); writes with a body have one."""
    missing = []
    for route in GUARDED:
        if route.key in EXEMPT:
            continue
        for param in route.params:
            if param not in MAKERS and param not in EXEMPT:
                missing.append(f"{route.key}: no maker for {{{param}}}")
        if route.params and route.write and route.has_body and route.key not in BODIES and not any(
                p in EXEMPT for p in route.params):
            missing.append(f"{route.key}: no @body")
    assert not missing, "register in tests/e2e/access_<area>.py (see access_table.py):\n" + "\n".join(missing)


# -- every guarded route on the running platform ---------------------------------------------------

@pytest.mark.parametrize("route", GUARDED, ids=ids)
def test_no_credentials_is_401(platform, route):
    for headers in ({}, {"Authorization": "Bearer not.a.token"}, {"X-API-Key": "uk_000000000000_nope"},
                    {"Cookie": "union_session=not.a.token"}):
        response = call(route, platform.url, headers)
        assert response.status_code == 401, (headers, response.text)
        assert response.headers["Content-Type"].startswith("application/problem+json")


@pytest.mark.parametrize("route", GUARDED, ids=ids)
def test_a_wrong_role_is_403(world, route):
    if route.roles == ():
        pytest.skip("any signed-in staff user may call it")
    token = world.user_token(wrong_role(route))
    response = call(route, world.url, {"Authorization": f"Bearer {token}"})
    assert response.status_code == 403, response.text


@pytest.mark.parametrize("route", GUARDED, ids=ids)
def test_a_key_without_the_scope_is_403(world, route):
    key = world.api_key(scopes_without(route.key_scope))
    response = call(route, world.url, {"X-API-Key": key})
    assert response.status_code == 403, response.text


@pytest.mark.parametrize("route", [r for r in GUARDED if r.method == "GET"], ids=ids)
def test_a_right_caller_gets_past_the_door(world, route):
    """The control for the two above: the right role, or a key with the scope, is not refused."""
    values = {p: "999999999" for p in route.params}
    if route.roles:
        token = world.user_token(tuple(route.roles[:1]))
        response = call(route, world.url, {"Authorization": f"Bearer {token}"}, values)
        assert response.status_code not in (401, 403), response.text
    if isinstance(route.key_scope, str):
        response = call(route, world.url, {"X-API-Key": world.api_key((route.key_scope,))}, values)
        assert response.status_code not in (401, 403), response.text


@pytest.mark.parametrize("route", [r for r in GUARDED if r.params], ids=ids)
def test_an_object_of_another_union_is_404(world, route):
    if route.key in EXEMPT or any(p in EXEMPT for p in route.params):
        pytest.skip(EXEMPT.get(route.key) or next(EXEMPT[p] for p in route.params if p in EXEMPT))
    roles = scoped_roles(route)
    key_scope = route.key_scope if isinstance(route.key_scope, str) else None
    if roles is None and key_scope is None:
        pytest.skip("only federation-wide callers may call it")
    values = {p: world.make(p) for p in route.params}
    json = BODIES[route.key](world) if route.key in BODIES else None
    if route.method == "GET":
        seen = requests.get(route.url(world.url, values), headers=world.admin.headers, timeout=30)
        assert seen.status_code == 200, seen.text  # it exists: a 404 below is the scope's doing
    callers = []
    if roles is not None:
        callers.append({"Authorization": f"Bearer {world.user_token(roles, world.union_b)}"})
    if key_scope is not None:
        callers.append({"X-API-Key": world.api_key((key_scope,), world.union_b)})
    for headers in callers:
        response = call(route, world.url, headers, values, json)
        assert response.status_code == 404, (list(headers), response.text)
