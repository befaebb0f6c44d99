"""The platform as a user runs it (`make run`), driven over HTTP."""

from __future__ import annotations

import csv
import io
import time

import openpyxl
import requests
from nameko.standalone.rpc import ClusterRpcProxy

from services.chassis.errors import NotFound
from tests.helpers import credit_code, member_body, resident_id, wait_until

API = "/api/v1"


def create_unions(http: requests.Session, url: str) -> tuple[str, str, str]:
    fed = http.post(f"{url}{API}/organisations", json={
        "name": f"市总工会{time.monotonic_ns()}", "kind": "federation", "established_on": "1950-05-01"})
    assert fed.status_code == 201, fed.text
    fed_id = fed.json()["id"]
    ids = []
    for name in ("快递行业工会", "网约车司机工会"):
        union = http.post(f"{url}{API}/organisations", json={
            "name": name, "kind": "grassroots", "parent_id": fed_id, "established_on": "2022-03-01",
            "employer": {"name": f"{name}用人单位", "credit_code": credit_code(), "size": "small"}})
        assert union.status_code == 201, union.text
        ids.append(union.json()["id"])
    return fed_id, ids[0], ids[1]


def welfare_copy(platform, member_id: str) -> dict | None:
    with ClusterRpcProxy({"AMQP_URI": platform.amqp_uri}, timeout=10) as rpc:
        try:
            return rpc.welfare.get_member_copy(member_id)
        except NotFound:
            return None


def test_health_ready_docs_and_request_id(platform):
    assert requests.get(f"{platform.url}/health").json() == {"status": "ok"}
    ready = requests.get(f"{platform.url}/ready").json()
    assert ready["status"] == "ready" and set(ready["checks"].values()) == {"ok"}
    assert {"membership", "welfare", "training", "rights"} <= set(ready["checks"])
    echoed = requests.get(f"{platform.url}/health", headers={"X-Request-Id": "req-42"})
    assert echoed.headers["X-Request-Id"] == "req-42"
    assert len(requests.get(f"{platform.url}/health").headers["X-Request-Id"]) >= 16
    spec = requests.get(f"{platform.url}/openapi.json").json()
    assert spec["openapi"].startswith("3.")
    for path in ("/api/v1/members", "/api/v1/members/{member_id}", "/api/v1/members/{member_id}/transfer",
                 "/api/v1/members/{member_id}/leave", "/api/v1/members/imports", "/api/v1/members/export",
                 "/api/v1/organisations/{organisation_id}", "/api/v1/auth/login"):
        assert path in spec["paths"], path
    create = spec["paths"]["/api/v1/members"]["post"]
    body_ref = create["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    member_create = spec["components"]["schemas"][body_ref.rsplit("/", 1)[-1]]
    assert {"name", "id_number", "phone", "organisation_id", "employment_form", "joined_on"} <= set(
        member_create["required"])
    docs = requests.get(f"{platform.url}/docs")
    assert docs.status_code == 200 and "/api/v1/members" in docs.text


def test_every_api_route_needs_a_valid_token(platform):
    response = requests.get(f"{platform.url}{API}/members")
    assert response.status_code == 401
    assert response.headers["Content-Type"].startswith("application/problem+json")
    assert response.json()["status"] == 401
    forged = requests.get(f"{platform.url}{API}/members", headers={"Authorization": "Bearer abc.def.ghi"})
    assert forged.status_code == 401
    wrong = requests.post(f"{platform.url}{API}/auth/login", json={"username": "admin", "password": "nope"})
    assert wrong.status_code == 401
    me = platform.session().get(f"{platform.url}{API}/auth/me").json()
    assert me["username"] == "admin" and "admin" in me["roles"]


def test_a_member_registered_over_http_reaches_welfare(platform):
    http = platform.session()
    url = platform.url
    _, union_a, union_b = create_unions(http, url)
    body = member_body(union_a, employment_form="new_form")
    created = http.post(f"{url}{API}/members", json=body)
    assert created.status_code == 201, created.text
    member = created.json()
    assert member["id_number"] == body["id_number"]  # admin holds the pii permission
    copy = wait_until(lambda: welfare_copy(platform, member["id"]))
    assert copy["organisation_id"] == union_a and copy["status"] == "active"

    moved = http.post(f"{url}{API}/members/{member['id']}/transfer",
                      json={"to_organisation_id": union_b, "on": "2022-06-01"})
    assert moved.status_code == 200, moved.text
    wait_until(lambda: welfare_copy(platform, member["id"])["organisation_id"] == union_b)
    left = http.post(f"{url}{API}/members/{member['id']}/leave", json={"on": "2022-09-01", "reason": "离职"})
    assert left.status_code == 200 and left.json()["status"] == "left"
    wait_until(lambda: welfare_copy(platform, member["id"])["status"] == "left")
    detail = http.get(f"{url}{API}/members/{member['id']}").json()
    assert detail["transfers"][0]["to_organisation_id"] == union_b
    honour = http.post(f"{url}{API}/members/{member['id']}/honours",
                       json={"title": "最美职工", "level": "city", "year": 2022})
    assert honour.status_code == 201


def count_members(http: requests.Session, url: str, organisation_id: str) -> int:
    return len(http.get(f"{url}{API}/members", params={"organisation_id": organisation_id, "limit": 500})
               .json()["items"])


def test_bad_input_is_refused_by_field_and_changes_nothing(platform):
    http = platform.session()
    url = platform.url
    _, union, _ = create_unions(http, url)
    before = count_members(http, url, union)

    def refused(body: dict, status: int, field: str) -> None:
        response = http.post(f"{url}{API}/members", json=body)
        assert response.status_code == status, response.text
        assert response.headers["Content-Type"].startswith("application/problem+json")
        assert field in response.json().get("errors", {}), response.json()

    good = member_body(union)
    wrong_digit = good["id_number"][:-1] + ("1" if good["id_number"][-1] != "1" else "2")
    refused({**good, "id_number": wrong_digit}, 422, "id_number")
    refused({**good, "joined_on": "2999-01-01"}, 422, "joined_on")
    refused({**good, "organisation_id": "987654"}, 422, "organisation_id")
    refused({**good, "phone": "0571-1234"}, 422, "phone")
    refused({**good, "favourite_colour": "red"}, 422, "favourite_colour")
    not_json = http.post(f"{url}{API}/members", data="{name: oops", headers={"Content-Type": "application/json"})
    assert not_json.status_code == 400 and not_json.json()["title"] == "Bad request"
    assert count_members(http, url, union) == before

    first = http.post(f"{url}{API}/members", json=good)
    assert first.status_code == 201
    refused({**good, "name": "冒名"}, 422, "id_number")
    member_id = first.json()["id"]
    http.post(f"{url}{API}/members/{member_id}/leave", json={"on": "2022-05-01", "reason": "退会"})
    transfer = http.post(f"{url}{API}/members/{member_id}/transfer", json={"to_organisation_id": union,
                                                                             "on": "2022-06-01"})
    assert transfer.status_code == 422 and "member_id" in transfer.json()["errors"]
    assert http.get(f"{url}{API}/members/999999999").status_code == 404
    assert http.get(f"{url}{API}/members/not-an-id").status_code == 404
    assert http.get(f"{url}{API}/members", params={"limit": 501}).status_code == 422
    assert count_members(http, url, union) == before + 1


def roster_csv(rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=["姓名", "身份证号", "手机号", "组织ID", "用工形式", "职业", "入会日期"])
    writer.writeheader()
    for row in rows:
        writer.writerow({"姓名": row["name"], "身份证号": row["id_number"], "手机号": row["phone"],
                         "组织ID": row["organisation_id"], "用工形式": row["employment_form"],
                         "职业": row["occupation"], "入会日期": row["joined_on"]})
    return out.getvalue().encode("utf-8-sig")


def wait_for_import(http: requests.Session, url: str, job_id: str) -> dict:
    return wait_until(lambda: (j := http.get(f"{url}{API}/members/imports/{job_id}").json())["status"] == "done"
                      and j, timeout=60)


def test_roster_import_csv_and_xlsx_then_export(platform):
    http = platform.session()
    url = platform.url
    _, union, _ = create_unions(http, url)
    rows = [member_body(union, name=f"导入会员{i}", id_number=resident_id("19850203")) for i in range(40)]
    rows.append({**rows[0]})  # the same person twice
    rows.append(member_body(union, id_number="370781198502031230"))  # a wrong check digit
    rows.append(member_body(union, joined_on="03/15/2022"))
    response = http.post(f"{url}{API}/members/imports", files={"file": ("花名册.csv", roster_csv(rows), "text/csv")})
    assert response.status_code == 202, response.text
    job = wait_for_import(http, url, response.json()["id"])
    assert job["total"] == 43 and job["imported"] == 40
    # the header is row 1, so the rows above are 2..41, then 42, 43, 44
    assert {(e["row"], e["field"]) for e in job["errors"]} == {(42, "id_number"), (43, "id_number"),
                                                                (44, "joined_on")}

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["name", "id_number", "phone", "organisation_id", "employment_form", "occupation", "joined_on"])
    for i in range(5):
        m = member_body(union, name=f"表格会员{i}")
        sheet.append([m["name"], m["id_number"], int(m["phone"]), int(union), "new_form", "骑手", "2022-08-08"])
    buffer = io.BytesIO()
    book.save(buffer)
    response = http.post(f"{url}{API}/members/imports", files={"file": ("roster.xlsx", buffer.getvalue())})
    assert response.status_code == 202, response.text
    job = wait_for_import(http, url, response.json()["id"])
    assert job["imported"] == 5 and job["failed"] == 0

    export = http.get(f"{url}{API}/members/export", params={"organisation_id": union})
    assert export.status_code == 200
    assert export.headers["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(export.content), read_only=True).active
    assert sum(1 for _ in sheet.iter_rows(min_row=2)) == 45


def test_uploads_that_cannot_be_a_roster_are_refused(platform):
    http = platform.session()
    url = platform.url
    too_big = b"name,id_number\n" + b"x" * (21 * 1024 * 1024)
    response = http.post(f"{url}{API}/members/imports", files={"file": ("big.csv", too_big)})
    assert response.status_code == 413
    garbage = http.post(f"{url}{API}/members/imports", files={"file": ("roster.csv", b"\x00\x01\x02 not a roster")})
    assert garbage.status_code == 422 and garbage.json()["errors"]
    nothing = http.post(f"{url}{API}/members/imports", files={})
    assert nothing.status_code == 400


def test_a_union_chair_sees_only_their_union_and_no_full_identifiers(platform):
    admin = platform.session()
    url = platform.url
    _, union_a, union_b = create_unions(admin, url)
    mine = admin.post(f"{url}{API}/members", json=member_body(union_a)).json()
    theirs = admin.post(f"{url}{API}/members", json=member_body(union_b)).json()
    username = f"chair{time.monotonic_ns()}"
    created = admin.post(f"{url}{API}/users", json={
        "username": username, "password": "chair-password-1", "display_name": "工会主席",
        "roles": ["union_chair"], "organisation_id": union_a})
    assert created.status_code == 201, created.text
    chair = platform.session(username, "chair-password-1")
    listed = chair.get(f"{url}{API}/members").json()["items"]
    assert [m["id"] for m in listed] == [mine["id"]]
    assert "*" in listed[0]["id_number"] and "*" in listed[0]["phone"]
    assert chair.get(f"{url}{API}/members/{theirs['id']}").status_code == 404
    assert chair.post(f"{url}{API}/members", json=member_body(union_b)).status_code == 422
    assert chair.post(f"{url}{API}/users", json={}).status_code == 403


def test_every_process_exposes_metrics(platform):
    http = platform.session()
    http.get(f"{platform.url}{API}/members")
    gateway = requests.get(f"{platform.url}/metrics").text
    assert 'union_http_requests_total{method="GET",route="search_members",status="200"}' in gateway
    for name in ("membership", "welfare"):
        text = requests.get(f"http://127.0.0.1:{platform.metrics_ports[name]}/metrics").text
        assert f'union_entrypoint_calls_total{{entrypoint="ping",kind="rpc",service="{name}"}}' in text
    membership = requests.get(f"http://127.0.0.1:{platform.metrics_ports['membership']}/metrics").text
    assert "union_outbox_pending" in membership and "union_events_published_total" in membership
