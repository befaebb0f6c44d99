"""The gateway as a door: accounts, keys, sessions, idempotency, limits, audit and personal data."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from nameko.standalone.rpc import ClusterRpcProxy

from services.chassis.errors import Forbidden, NotFound
from tests.helpers import member_body, wait_until

API = "/api/v1"
PASSWORD = "security-test-password"


def once(request) -> None:
    """Tests of the door itself, not of a database: run them on one backend (suite time is shared)."""
    if request.node.callspec.params.get("platform") != "sqlite":
        pytest.skip("the same on both backends; run on SQLite")


def unique(prefix: str) -> str:
    return f"{prefix}{time.monotonic_ns()}"


def organisation(http: requests.Session, url: str, parent: str | None = None) -> str:
    body = {"name": unique("安全测试工会"), "kind": "grassroots" if parent else "federation",
            "established_on": "2020-01-01"}
    if parent:
        body["parent_id"] = parent
    response = http.post(f"{url}{API}/organisations", json=body)
    assert response.status_code == 201, response.text
    return response.json()["id"]


def user(http: requests.Session, url: str, roles: list[str], organisation_id: str | None = None) -> str:
    username = unique("sec")
    response = http.post(f"{url}{API}/users", json={"username": username, "password": PASSWORD,
                                                   "display_name": "测试", "roles": roles,
                                                   "organisation_id": organisation_id})
    assert response.status_code == 201, response.text
    return username


def login(url: str, username: str, password: str = PASSWORD) -> requests.Response:
    return requests.post(f"{url}{API}/auth/login", json={"username": username, "password": password}, timeout=10)


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def test_api_key_shown_once_scoped_recorded_and_revocable(platform):
    http, url = platform.session(), platform.url
    fed = organisation(http, url)
    union_a, union_b = organisation(http, url, fed), organisation(http, url, fed)
    member_a = http.post(f"{url}{API}/members", json=member_body(union_a)).json()["id"]
    created = http.post(f"{url}{API}/api-keys", json={"name": "省总平台", "scopes": ["members:read"],
                                                     "organisation_id": union_b})
    assert created.status_code == 201, created.text
    key, key_id = created.json()["key"], created.json()["id"]
    listed = http.get(f"{url}{API}/api-keys", params={"limit": 500}).json()["items"]
    mine = next(k for k in listed if k["id"] == key_id)
    assert "key" not in mine and mine["last_used_at"] is None and mine["prefix"] in key
    assert key not in http.get(f"{url}{API}/api-keys", params={"limit": 500}).text

    as_key = {"X-API-Key": key}
    assert requests.get(f"{url}{API}/members/{member_a}", headers=as_key).status_code == 404  # union A
    found = requests.get(f"{url}{API}/members", params={"organisation_id": union_a}, headers=as_key)
    assert found.status_code == 200 and found.json()["items"] == []
    assert requests.post(f"{url}{API}/members", json=member_body(union_b), headers=as_key).status_code == 403
    assert requests.get(f"{url}{API}/auth/me", headers=as_key).status_code == 403
    mine = next(k for k in http.get(f"{url}{API}/api-keys", params={"limit": 500}).json()["items"]
                if k["id"] == key_id)
    assert mine["last_used_at"] is not None

    assert http.post(f"{url}{API}/api-keys/{key_id}/revoke").json()["revoked_at"]
    assert requests.get(f"{url}{API}/members", headers=as_key).status_code == 401


def test_a_key_bound_to_a_union_sees_its_own_members_masked_without_pii(platform, request):
    once(request)
    http, url = platform.session(), platform.url
    union = organisation(http, url, organisation(http, url))
    body = member_body(union)
    member = http.post(f"{url}{API}/members", json=body).json()["id"]
    plain = http.post(f"{url}{API}/api-keys", json={"name": "企业HR", "scopes": ["members:read"],
                                                   "organisation_id": union}).json()["key"]
    full = http.post(f"{url}{API}/api-keys", json={"name": "银行", "scopes": ["members:read", "pii"],
                                                  "organisation_id": union}).json()["key"]
    masked = requests.get(f"{url}{API}/members/{member}", headers={"X-API-Key": plain})
    assert masked.status_code == 200 and body["id_number"] not in masked.text and body["phone"] not in masked.text
    whole = requests.get(f"{url}{API}/members/{member}", headers={"X-API-Key": full})
    assert whole.json()["id_number"] == body["id_number"]


def test_disabling_a_user_and_logging_out_revoke_tokens(platform):
    http, url = platform.session(), platform.url
    name = user(http, url, ["membership_clerk"])
    first = login(url, name).json()["token"]
    assert requests.get(f"{url}{API}/auth/me", headers=bearer(first)).status_code == 200
    assert requests.post(f"{url}{API}/auth/logout", headers=bearer(first)).status_code == 204
    assert requests.get(f"{url}{API}/auth/me", headers=bearer(first)).status_code == 401

    second = login(url, name).json()["token"]
    user_id = next(u["id"] for u in http.get(f"{url}{API}/users", params={"q": name}).json()["items"]
                   if u["username"] == name)
    disabled = http.post(f"{url}{API}/users/{user_id}/disable")
    assert disabled.status_code == 200 and disabled.json()["disabled"] is True
    assert requests.get(f"{url}{API}/auth/me", headers=bearer(second)).status_code == 401
    assert login(url, name).status_code == 401
    assert http.post(f"{url}{API}/users/{user_id}/enable").json()["disabled"] is False
    assert login(url, name).status_code == 200


def test_failed_sign_ins_are_throttled_per_user(platform):
    http, url = platform.session(), platform.url
    name = user(http, url, ["auditor"])
    for _ in range(5):
        assert login(url, name, "wrong-password!").status_code == 401
    locked = login(url, name)  # even the right password, while locked
    assert locked.status_code == 429 and int(locked.headers["Retry-After"]) > 0
    assert login(url, "admin", platform_password()).status_code == 200  # others are not locked out


def platform_password() -> str:
    from tests.e2e.conftest import ADMIN_PASSWORD

    return ADMIN_PASSWORD


def test_cookie_session_needs_the_csrf_header_for_writes(platform, request):
    once(request)
    http, url = platform.session(), platform.url
    fed = organisation(http, url)
    name = user(http, url, ["membership_clerk"])
    browser = requests.Session()
    signed_in = browser.post(f"{url}{API}/auth/login", json={"username": name, "password": PASSWORD})
    cookie_header = signed_in.headers["Set-Cookie"]
    assert "union_session=" in cookie_header and "HttpOnly" in cookie_header and "SameSite=Strict" in cookie_header
    assert browser.get(f"{url}{API}/auth/me").json()["username"] == name
    body = {"name": unique("会话工会"), "kind": "grassroots", "parent_id": fed, "established_on": "2020-01-01"}
    assert browser.post(f"{url}{API}/organisations", json=body).status_code == 403
    wrong = browser.post(f"{url}{API}/organisations", json=body, headers={"X-CSRF-Token": "forged"})
    assert wrong.status_code == 403
    csrf = browser.cookies["union_csrf"]
    made = browser.post(f"{url}{API}/organisations", json=body, headers={"X-CSRF-Token": csrf})
    assert made.status_code == 201, made.text
    assert browser.post(f"{url}{API}/auth/logout", headers={"X-CSRF-Token": csrf}).status_code == 204
    assert browser.get(f"{url}{API}/auth/me").status_code == 401


def test_idempotency_key_replays_refuses_other_bodies_and_survives_a_race(platform):
    http, url = platform.session(), platform.url
    fed = organisation(http, url)
    body = {"name": unique("幂等工会"), "kind": "grassroots", "parent_id": fed, "established_on": "2020-01-01"}
    key = {"Idempotency-Key": unique("idem-")}
    first = http.post(f"{url}{API}/organisations", json=body, headers=key)
    again = http.post(f"{url}{API}/organisations", json=body, headers=key)
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json() and again.headers.get("Idempotent-Replayed") == "true"
    other = http.post(f"{url}{API}/organisations", json={**body, "name": unique("别的")}, headers=key)
    assert other.status_code == 409

    raced = {"name": unique("并发工会"), "kind": "grassroots", "parent_id": fed, "established_on": "2020-01-01"}
    race_key = {"Idempotency-Key": unique("race-")}
    with ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(lambda _: http.post(f"{url}{API}/organisations", json=raced, headers=race_key),
                                range(2)))
    assert [a.status_code for a in answers] == [201, 201]
    assert answers[0].json()["id"] == answers[1].json()["id"]
    listed = http.get(f"{url}{API}/organisations", params={"parent_id": fed, "limit": 500}).json()["items"]
    assert [o["name"] for o in listed].count(raced["name"]) == 1

    from tests.helpers import resident_id

    union = organisation(http, url, fed)
    roster = ("姓名,身份证号,手机号,组织ID,用工形式,职业,入会日期\n"
              f"导入幂等,{resident_id()},13912345678,{union},standard,快递员,2022-03-15\n").encode("utf-8-sig")
    upload_key = {"Idempotency-Key": unique("upload-")}
    jobs = [http.post(f"{url}{API}/members/imports", files={"file": ("roster.csv", roster, "text/csv")},
                      headers=upload_key) for _ in range(2)]
    assert [j.status_code for j in jobs] == [202, 202] and jobs[0].json()["id"] == jobs[1].json()["id"]


def test_limits_mass_assignment_and_rate(platform):
    http, url = platform.session(), platform.url
    fed = organisation(http, url)
    assert http.get(f"{url}{API}/members", params={"limit": 501}).status_code == 422
    assert http.get(f"{url}{API}/organisations", params={"limit": "many"}).status_code == 422
    big = http.post(f"{url}{API}/organisations", data=b"{" + b" " * (1024 * 1024 + 10) + b"}",
                    headers={"Content-Type": "application/json"})
    assert big.status_code == 413

    def chunks():  # no Content-Length: sent chunked
        yield b"{"
        for _ in range(20):
            yield b" " * 65536
        yield b"}"

    chunked = http.post(f"{url}{API}/organisations", data=chunks(), headers={"Content-Type": "application/json"})
    assert chunked.status_code == 411
    owned = http.post(f"{url}{API}/organisations", json={
        "name": unique("越权工会"), "kind": "grassroots", "parent_id": fed, "established_on": "2020-01-01",
        "id": "1", "created_at": "2020-01-01T00:00:00Z"})
    assert owned.status_code == 422 and {"id", "created_at"} <= set(owned.json()["errors"])
    member = http.post(f"{url}{API}/members", json=member_body(organisation(http, url, fed))).json()["id"]
    patched = http.patch(f"{url}{API}/members/{member}", json={"status": "left"})
    assert patched.status_code == 422 and "status" in patched.json()["errors"]

    key = http.post(f"{url}{API}/api-keys", json={"name": "限速", "scopes": ["members:read"],
                                                 "rate_per_minute": 2}).json()["key"]
    statuses = [requests.get(f"{url}{API}/organisations/{fed}", headers={"X-API-Key": key}) for _ in range(3)]
    assert [s.status_code for s in statuses[:2]] == [200, 200]
    assert statuses[2].status_code == 429 and int(statuses[2].headers["Retry-After"]) >= 1


def test_audit_trail_records_writes_and_whole_id_reads_and_cannot_be_changed(platform):
    http, url = platform.session(), platform.url
    union = organisation(http, url, organisation(http, url))
    body = member_body(union)
    member = http.post(f"{url}{API}/members", json=body, headers={"X-Request-Id": unique("audit-")})
    member_id = member.json()["id"]
    clerk = login(url, user(http, url, ["membership_clerk"])).json()["token"]
    refused = requests.post(f"{url}{API}/users", json={}, headers=bearer(clerk))
    assert refused.status_code == 403
    http.get(f"{url}{API}/members/{member_id}")  # admin has pii: a whole-ID read

    auditor = login(url, user(http, url, ["auditor"])).json()["token"]
    entries = wait_until(lambda: requests.get(f"{url}{API}/audit", params={"object_id": member_id, "limit": 500},
                                              headers=bearer(auditor)).json()["items"])
    kinds = {(e["operation"], e["outcome"], e["full_identifiers"]) for e in entries}
    assert ("register_member", "done", False) in kinds and ("get_member", "done", True) in kinds
    made = next(e for e in entries if e["operation"] == "register_member")
    assert made["actor"] == "admin" and made["request_id"] == member.headers["X-Request-Id"]
    assert made["route"] == "/api/v1/members" and made["method"] == "POST" and "admin" in made["roles"]
    everything = requests.get(f"{url}{API}/audit", params={"limit": 500}, headers=bearer(auditor)).text
    assert body["id_number"] not in everything and body["phone"] not in everything
    assert any(e["outcome"] == "refused" and e["operation"] == "create_user"
               for e in requests.get(f"{url}{API}/audit", params={"operation": "create_user", "limit": 500},
                                     headers=bearer(auditor)).json()["items"])
    later = requests.get(f"{url}{API}/audit", params={"since": "2999-01-01T00:00:00Z"}, headers=bearer(auditor))
    assert later.status_code == 200 and later.json()["items"] == []
    by_admin = requests.get(f"{url}{API}/audit", params={"actor": "admin", "limit": 5}, headers=bearer(auditor))
    assert by_admin.json()["items"] and {e["actor"] for e in by_admin.json()["items"]} == {"admin"}
    assert requests.get(f"{url}{API}/audit", headers=bearer(clerk)).status_code == 403
    for method in ("POST", "PUT", "PATCH", "DELETE"):
        assert requests.request(method, f"{url}{API}/audit", headers=bearer(auditor)).status_code == 405


def test_errors_never_show_whole_identifiers(platform, request):
    once(request)
    http, url = platform.session(), platform.url
    union = organisation(http, url, organisation(http, url))
    body = member_body(union)
    assert http.post(f"{url}{API}/members", json=body).status_code == 201
    again = http.post(f"{url}{API}/members", json={**body, "name": "重复"})
    assert again.status_code == 422 and body["id_number"] not in again.text
    bad = http.post(f"{url}{API}/members", json={**body, "phone": body["id_number"]})
    assert bad.status_code == 422 and body["id_number"] not in bad.text


def test_a_service_call_carries_the_callers_scope(platform, request):
    """The chassis applies the gateway's scope header: a call cannot leave `within` out or widen it."""
    once(request)
    http, url = platform.session(), platform.url
    fed = organisation(http, url)
    union_a, union_b = organisation(http, url, fed), organisation(http, url, fed)
    member = http.post(f"{url}{API}/members", json=member_body(union_a)).json()["id"]
    config = {"AMQP_URI": platform.amqp_uri}
    with ClusterRpcProxy(config, timeout=15, context_data={"union_scope": union_b}) as rpc:
        for call in (lambda: rpc.membership.get_member(member), lambda: rpc.membership.get_member(member, within=None)):
            try:
                call()
                raise AssertionError("a member of union A was visible to a caller scoped to union B")
            except NotFound:
                pass
    with ClusterRpcProxy(config, timeout=15, context_data={"union_scope": union_a}) as rpc:
        assert rpc.membership.get_member(member)["id"] == member
    with ClusterRpcProxy(config, timeout=15, context_data={"union_scope": "-"}) as rpc:
        assert rpc.membership.ping() == "pong"
        try:
            rpc.membership.get_member(member)
            raise AssertionError("a public route's call was answered")
        except Forbidden:
            pass


def test_docs_render_the_document_with_vendored_swagger_ui(platform, request):
    once(request)
    url = platform.url
    page = requests.get(f"{url}/docs")
    assert page.status_code == 200 and "/static/swagger-ui/swagger-ui-bundle.js" in page.text
    assert "https://" not in page.text and "cdn" not in page.text.lower()  # nothing from elsewhere
    bundle = requests.get(f"{url}/static/swagger-ui/swagger-ui-bundle.js")
    assert bundle.status_code == 200 and len(bundle.content) > 100_000
    spec = requests.get(f"{url}/openapi.json").json()
    assert {"bearer", "session", "apiKey"} <= set(spec["components"]["securitySchemes"])
    search = spec["paths"]["/api/v1/members"]["get"]
    assert {"bearer": []} in search["security"] and {"apiKey": []} in search["security"]
    assert {"401", "403", "422", "429"} <= set(search["responses"])
    create = spec["paths"]["/api/v1/members"]["post"]
    assert any(p["name"] == "Idempotency-Key" for p in create["parameters"])
    assert spec["paths"]["/health"]["get"]["security"] == []


def test_a_union_chair_exports_and_reports_only_their_own_unions(platform, request):
    once(request)
    import io

    import openpyxl

    http, url = platform.session(), platform.url
    fed = organisation(http, url)
    union_a, union_b = organisation(http, url, fed), organisation(http, url, fed)
    mine = member_body(union_b, name="乙会员")
    http.post(f"{url}{API}/members", json=mine)
    http.post(f"{url}{API}/members", json=member_body(union_a, name="甲会员"))
    chair = login(url, user(http, url, ["union_chair"], union_b)).json()["token"]
    export = requests.get(f"{url}{API}/members/export", headers=bearer(chair))
    assert export.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
    names = {cell.value for row in sheet.iter_rows(min_row=2) for cell in row[:2]}
    assert "乙会员" in names and "甲会员" not in names
    report = requests.get(f"{url}{API}/reports/annual", params={"year": 2022}, headers=bearer(chair)).json()
    assert report["membership"]["new_members"] == 1
    everyone = http.get(f"{url}{API}/reports/annual", params={"year": 2022}).json()
    assert everyone["membership"]["new_members"] >= 2


def test_an_import_is_seen_by_its_union_and_the_unions_above(platform, request):
    once(request)
    from tests.helpers import resident_id

    http, url = platform.session(), platform.url
    fed = organisation(http, url)
    union_a, union_b = organisation(http, url, fed), organisation(http, url, fed)
    chair_a, chair_b, chair_fed = (login(url, user(http, url, ["union_chair"], org)).json()["token"]
                                   for org in (union_a, union_b, fed))
    roster = ("姓名,身份证号,手机号,组织ID,用工形式,职业,入会日期\n"
              f"甲导入,{resident_id()},13912345678,{union_a},standard,快递员,2022-03-15\n").encode("utf-8-sig")
    job = requests.post(f"{url}{API}/members/imports", files={"file": ("roster.csv", roster, "text/csv")},
                        headers=bearer(chair_a))
    assert job.status_code == 202, job.text
    path = f"{url}{API}/members/imports/{job.json()['id']}"
    assert requests.get(path, headers=bearer(chair_a)).status_code == 200
    assert requests.get(path, headers=bearer(chair_fed)).status_code == 200
    assert requests.get(path, headers=bearer(chair_b)).status_code == 404
    assert http.get(path).status_code == 200
