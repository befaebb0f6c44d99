"""Property-based fuzzing of /openapi.json against the running gateway (schemathesis).

For every operation in the document, generated requests (valid by the
document) must never get a 5xx, and every answer must match the document:
its status is documented, its content type too, and its body fits the schema.

It runs as a signed-in user with every staff role but admin, bound to a
union of its own, so generated writes stay inside that union, and it leaves
out signing in and out (they would lock out or revoke the caller). It runs
on one backend (SQLite): the document and the door are the same on both.
Examples per operation shrink as routes are added, to keep it within ~60 s.
"""

from __future__ import annotations

import time

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from gateway.accounts import STAFF_ROLES
from tests.helpers import member_body

LEFT_OUT = {"login", "logout"}
TOTAL_EXAMPLES = 400
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def fuzz_user(platform) -> str:
    admin = platform.session()
    url = platform.url
    stamp = time.monotonic_ns()
    fed = admin.post(f"{url}/api/v1/organisations", json={"name": f"模糊测试总工会{stamp}", "kind": "federation",
                                                          "established_on": "1950-05-01"}).json()["id"]
    union = admin.post(f"{url}/api/v1/organisations", json={
        "name": f"模糊测试工会{stamp}", "kind": "grassroots", "parent_id": fed,
        "established_on": "2020-01-01"}).json()["id"]
    member = admin.post(f"{url}/api/v1/members", json=member_body(union))  # so lists have something to show
    assert member.status_code == 201, member.text
    username, password = f"fuzz{stamp}", "fuzzing-password"
    response = admin.post(f"{url}/api/v1/users", json={
        "username": username, "password": password, "display_name": "模糊测试",
        "roles": [r for r in STAFF_ROLES if r != "admin"], "organisation_id": union})
    assert response.status_code == 201, response.text
    return platform.token(username, password)


def test_every_operation_answers_as_documented(platform, request):
    if request.node.callspec.params.get("platform") != "sqlite":
        pytest.skip("fuzzed once, on SQLite")
    token = fuzz_user(platform)
    schema = schemathesis.openapi.from_url(f"{platform.url}/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    operations = [op for op in operations if op.definition.raw.get("operationId") not in LEFT_OUT]
    assert len(operations) >= 20
    per_operation = max(3, TOTAL_EXAMPLES // len(operations))
    headers = {"Authorization": f"Bearer {token}"}
    http = requests.Session()
    failures: list[str] = []

    for operation in operations:
        @settings(max_examples=per_operation, deadline=None, database=None, derandomize=True,
                  phases=[Phase.explicit, Phase.generate],
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def check(case) -> None:
            # Sign in as the fuzzing user: leave out generated keys and cookies (they would only
            # make 401s), and generated Idempotency-Keys (reused ones would only make 409s).
            for name in ("X-API-Key", "Authorization", "Idempotency-Key"):
                (case.headers or {}).pop(name, None)
            case.cookies = {}
            response = case.call(base_url=platform.url, session=http, headers=headers, timeout=30)
            case.validate_response(response, checks=CHECKS, headers=headers)

        try:
            check()
        except Exception as exc:  # collect every operation's failure, then report them together
            failures.append(f"{operation.method.upper()} {operation.path}: {str(exc)[:1500]}")
    assert not failures, "\n\n".join(failures)
