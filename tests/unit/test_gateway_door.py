"""The gateway door's rules, without a broker: scope, limits, throttling, idempotency, keys, the document."""

from __future__ import annotations

import inspect
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import create_engine
from sqlalchemy.pool import StaticPool

from gateway import accounts
from gateway.http import UNSET, Api, csrf_token_for
from gateway.idempotency import IdempotencyStore, fingerprint, valid_key
from gateway.limits import LoginThrottle, RateLimiter, TooManyRequests
from gateway.models import Base
from gateway.openapi import build_spec
from gateway.problems import BadRequest
from services.chassis.errors import Conflict, Forbidden, InvalidInput
from services.chassis.scope import FEDERATION, NOBODY, apply_scope


class Service:
    def ping(self) -> str: ...
    def get_member(self, member_id, within=None): ...
    def list_funds(self, query): ...
    def positional(self, query, within=None, full=False): ...


def test_scope_replaces_within_whatever_the_caller_passed():
    assert apply_scope(Service.get_member, "get_member", ["7"], {}, "12") == (["7"], {"within": "12"})
    assert apply_scope(Service.get_member, "get_member", ["7"], {"within": None}, "12") == (["7"], {"within": "12"})
    assert apply_scope(Service.positional, "positional", [{}, None], {}, "12") == ([{}, "12"], {})
    assert apply_scope(Service.get_member, "get_member", ["7"], {"within": "3"}, FEDERATION) == (
        ["7"], {"within": None})


def test_a_call_that_cannot_be_scoped_is_refused():
    with pytest.raises(Forbidden):
        apply_scope(Service.list_funds, "list_funds", [{}], {}, "12")
    assert apply_scope(Service.list_funds, "list_funds", [{}], {}, FEDERATION) == ([{}], {})
    with pytest.raises(Forbidden):
        apply_scope(Service.get_member, "get_member", ["7"], {}, NOBODY)
    assert apply_scope(Service.ping, "ping", [], {}, NOBODY) == ([], {})


def test_rate_limiter_refuses_past_the_rate_and_says_when_to_retry():
    now = [100.0]
    limiter = RateLimiter(clock=lambda: now[0])
    limiter.take("key:1", 2)
    limiter.take("key:1", 2)
    with pytest.raises(TooManyRequests) as refused:
        limiter.take("key:1", 2)
    assert refused.value.retry_after == 30
    limiter.take("key:2", 2)  # another caller has its own allowance
    now[0] += 30
    limiter.take("key:1", 2)


@pytest.fixture
def engine():
    engine = create_engine("sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False})
    Base.metadata.create_all(engine)
    return engine


def test_login_throttle_locks_a_user_after_failures_and_unlocks_after_the_window(engine):
    now = [datetime(2026, 1, 1, tzinfo=UTC)]
    throttle = LoginThrottle(per_user=3, per_address=5, window=timedelta(minutes=15), now=lambda: now[0])
    subjects = throttle.subjects("Clerk", "10.0.0.1")
    for _ in range(3):
        throttle.check(engine, subjects)
        throttle.failed(engine, subjects)
    with pytest.raises(TooManyRequests) as locked:
        throttle.check(engine, subjects)
    assert locked.value.retry_after == 15 * 60
    throttle.check(engine, throttle.subjects("other", "10.0.0.2"))
    now[0] += timedelta(minutes=15)
    throttle.check(engine, subjects)
    throttle.failed(engine, subjects)  # a new window
    throttle.succeeded(engine, "clerk")
    throttle.check(engine, subjects)


def test_login_throttle_per_address_across_usernames(engine):
    throttle = LoginThrottle(per_user=100, per_address=2, window=timedelta(minutes=15))
    throttle.failed(engine, throttle.subjects("a", "10.0.0.9"))
    throttle.failed(engine, throttle.subjects("b", "10.0.0.9"))
    with pytest.raises(TooManyRequests):
        throttle.check(engine, throttle.subjects("c", "10.0.0.9"))


def test_idempotency_store_replays_refuses_other_requests_and_forgets_failures(engine):
    store = IdempotencyStore(engine)
    first = fingerprint("POST", "/api/v1/members", b"", b'{"a":1}')
    assert store.begin("user:1", "k1", first, wait=0) is None
    with pytest.raises(Conflict):  # still running
        store.begin("user:1", "k1", first, wait=0)
    store.finish("user:1", "k1", 201, "application/json", {"Location": "/x"}, b'{"id":"5"}')
    replay = store.begin("user:1", "k1", first, wait=0)
    assert (replay.status, replay.body, replay.headers) == (201, b'{"id":"5"}', {"Location": "/x"})
    with pytest.raises(Conflict):
        store.begin("user:1", "k1", fingerprint("POST", "/api/v1/members", b"", b'{"a":2}'), wait=0)
    assert store.begin("user:2", "k1", first, wait=0) is None  # keys are per caller
    store.finish("user:2", "k1", 503, "application/problem+json", {}, b"{}")
    assert store.begin("user:2", "k1", first, wait=0) is None  # a 5xx is not kept: retry runs again
    with pytest.raises(BadRequest):
        valid_key("has space")


def test_api_keys_are_kept_hashed_and_recognised_by_prefix():
    key, prefix, key_hash = accounts.new_api_key()
    assert accounts.api_key_prefix(key) == prefix and key not in key_hash
    assert accounts.api_key_matches(key_hash, key) and not accounts.api_key_matches(key_hash, key + "x")
    assert accounts.api_key_prefix("uk_short_x") is None and accounts.api_key_prefix("Bearer x") is None


def test_principal_scope_and_pii():
    chair = accounts.Principal(1, "chair", frozenset({"union_chair"}), "12")
    admin = accounts.Principal(2, "admin", frozenset({"admin", "pii"}), "12")
    key = accounts.Principal(3, "bank", organisation_id="12", kind="key", key_scopes=frozenset({"pii"}))
    assert (chair.scope, admin.scope, key.scope) == ("12", None, "12")
    assert (chair.may_see_pii, admin.may_see_pii, key.may_see_pii) == (False, True, True)
    assert key.caller == "key:3" and key.actor == "key:3:bank"


def test_csrf_token_is_bound_to_the_session():
    assert csrf_token_for("a", "s") == csrf_token_for("a", "s") != csrf_token_for("b", "s")


def gateway_routes() -> list[Api]:
    from gateway.service import GatewayService

    return [e for _, m in inspect.getmembers(GatewayService) for e in getattr(m, "nameko_entrypoints", ())
            if isinstance(e, Api)]


def test_a_route_without_roles_refuses_everyone():
    route = Api("GET", "/x")
    assert route.roles is UNSET and route.key_scope is UNSET
    route.method_name = "undeclared"
    assert "nobody" in build_spec([route])["paths"]["/x"]["get"]["description"]
    with pytest.raises(Forbidden):
        route.authorise_user(accounts.Principal(1, "admin", frozenset({"admin"})))
    with pytest.raises(Forbidden):
        route.authorise_key(accounts.Principal(1, "k", kind="key", key_scopes=frozenset({"members:read"})))


def test_mass_assignment_is_refused_unless_the_body_schema_takes_the_field():
    from gateway import schemas as s
    from gateway.http import Doc

    route = Api("POST", "/x", roles=("admin",), key_scope=None, doc=Doc(body=s.OrganisationCreateSchema))
    for body in ({"id": 1}, {"status": "x"}, {"created_at": "now"}, {"balance_fen": 1}, {"opening_balance_fen": 1}):
        with pytest.raises(InvalidInput) as refused:
            route.check_server_owned(body)
        assert set(refused.value.errors) == set(body)
    route.check_server_owned({"name": "x", "established_on": "2020-01-01"})


def test_the_document_names_security_idempotency_and_errors_for_every_route():
    spec = build_spec(gateway_routes())
    assert {"bearer", "session", "apiKey"} <= set(spec["components"]["securitySchemes"])
    for path, operations in spec["paths"].items():
        for method, op in operations.items():
            assert "security" in op and "default" in op["responses"], (method, path)
            if op["security"]:
                assert {"401", "403", "429"} <= set(op["responses"]), (method, path)
            if method in ("post", "patch", "put", "delete") and op["security"]:
                assert any(p["name"] == "Idempotency-Key" for p in op["parameters"]), (method, path)


def test_log_check_finds_used_id_numbers_only():
    from tests.conftest import USED_ID_NUMBERS, leaked_id_numbers
    from tests.helpers import resident_id

    number = resident_id()
    assert number in USED_ID_NUMBERS
    assert leaked_id_numbers(f'{{"message": "saw {number}"}}', USED_ID_NUMBERS) == {number}
    assert leaked_id_numbers(f"saw {number[:6]}********{number[-4:]}", USED_ID_NUMBERS) == set()


def test_answers_are_masked_but_request_ids_are_left_alone():
    from gateway.http import mask_answer

    text = '{"id_number": "370781199001011234", "phone": "13912345678", "note": "电话13912345678。",' \
           ' "request_id": "ab13912345678cd", "detail": "request 4a139123456789012345678f"}'
    masked = mask_answer(text)
    assert "370781********1234" in masked and "139****5678" in masked and "电话139****5678。" in masked
    assert "ab13912345678cd" in masked and "4a139123456789012345678f" in masked
