"""The web client in a real browser (Debian's Chromium), against the platform as `make run` starts it."""

from __future__ import annotations

import csv
import io
import time

import openpyxl

from services.chassis.identity import InvalidIdentifier, validate_resident_id
from tests.browser.steps import ARTIFACTS, assert_accessible, fill_form, intake, make_staff, shot, sign_in
from tests.e2e.conftest import ADMIN_PASSWORD
from tests.helpers import credit_code, resident_id

API = "/api/v1"


def unique(prefix: str) -> str:
    return f"{prefix}{time.monotonic_ns() % 10**9}"


def make_unions(platform) -> dict[str, str]:
    """A federation of our own with two grassroots unions below it."""
    http = platform.session()
    fed = http.post(f"{platform.url}{API}/organisations", json={
        "name": unique("浏览器测试总工会"), "kind": "federation", "established_on": "1950-05-01"})
    assert fed.status_code == 201, fed.text
    made = {"federation": fed.json()["id"]}
    for key, name in (("a", "快递网点工会"), ("b", "网约车司机工会")):
        union = http.post(f"{platform.url}{API}/organisations", json={
            "name": unique(name), "kind": "grassroots", "parent_id": made["federation"], "established_on": "2022-03-01",
            "employer": {"name": unique(name + "单位"), "credit_code": credit_code(), "size": "small"}})
        assert union.status_code == 201, union.text
        made[key] = union.json()["id"]
    return made


def register_by_api(platform, organisation_id: str, name: str, joined_on: str = "2024-05-01") -> dict:
    response = platform.session().post(f"{platform.url}{API}/members", json={
        "name": name, "id_number": resident_id(), "phone": "13912345678", "organisation_id": organisation_id,
        "employment_form": "new_form", "joined_on": joined_on})
    assert response.status_code == 201, response.text
    return response.json()


def member_known_to_training(platform, organisation_id: str, name: str) -> dict:
    """A member registered through the API, once training's copy of members has them (it arrives by event)."""
    from tests.helpers import wait_until

    member = register_by_api(platform, organisation_id, name)
    http = platform.session()
    wait_until(lambda: http.get(
        f"{platform.url}{API}/members/{member['id']}/training-record").status_code == 200, timeout=30)
    return member


def wrong_check_digit(good: str) -> str:
    return good[:17] + ("0" if good[17] != "0" else "1")


def field_error(page, name: str):
    return page.locator(f"[data-field='{name}'] .field-error")


def test_sign_in_register_find_and_switch_language(platform, page):
    unions = make_unions(platform)
    sign_in(page, platform.url, "admin", ADMIN_PASSWORD)
    page.expect(page.get_by_test_id("who")).to_contain_text("系统管理员")
    # The gateway's cookie session: no token where scripts can read it, only the CSRF cookie.
    assert page.evaluate("sessionStorage.getItem('union.token')") is None
    cookies = page.evaluate("document.cookie")
    assert "union_csrf=" in cookies and "union_session" not in cookies
    page.expect(page.locator("[data-stat=new_members]")).to_be_visible()
    shot(page, "dashboard")

    # Register: a wrong check digit is caught next to the field, and nothing typed is lost.
    page.goto(f"{platform.url}/#/members/new")
    name = unique("张")
    good = resident_id()
    form = page.get_by_test_id("register-form")
    form.locator("input[name=name]").fill(name)
    form.locator("input[name=id_number]").fill(wrong_check_digit(good))
    form.locator("input[name=phone]").fill("13800138000")
    form.locator("select[name=organisation_id]").select_option(unions["a"])
    form.locator("input[name=occupation]").fill("快递员")
    form.locator("button[type=submit]").click()
    page.expect(field_error(page, "id_number")).to_contain_text("校验位")
    page.expect(form.locator("input[name=name]")).to_have_value(name)
    page.expect(form.locator("input[name=occupation]")).to_have_value("快递员")
    shot(page, "register-bad-id")

    # A rule only the server knows (the ID number is already an active member's) shows next to the field too.
    taken = register_by_api(platform, unions["b"], unique("李"))
    form.locator("input[name=id_number]").fill(taken["id_number"])
    form.locator("button[type=submit]").click()
    page.expect(field_error(page, "id_number")).to_contain_text("已有使用该身份证号码的在册会员")
    page.expect(form.locator("input[name=phone]")).to_have_value("13800138000")

    form.locator("input[name=id_number]").fill(good)
    form.locator("button[type=submit]").click()
    page.expect(page.get_by_test_id("member-page")).to_contain_text(name)
    page.expect(page.get_by_test_id("history")).to_contain_text("加入")
    shot(page, "member")

    # Find the member by name.
    page.goto(f"{platform.url}/#/members")
    page.locator("form[role=search] input[name=q]").fill(name)
    page.locator("form[role=search] button[type=submit]").click()
    results = page.get_by_test_id("member-results")
    page.expect(results.locator("tbody tr")).to_have_count(1)
    page.expect(results).to_contain_text(good)  # admin has the pii role: the ID number in full
    shot(page, "members")

    # English and back; the search the user typed survives the switch.
    page.get_by_test_id("language").click()
    page.expect(page.locator("nav.main")).to_contain_text("Members")
    page.expect(page.locator("form[role=search] input[name=q]")).to_have_value(name)
    page.expect(page.locator("table.list thead")).to_contain_text("ID number")
    shot(page, "members-english")
    page.get_by_test_id("language").click()
    page.expect(page.locator("nav.main")).to_contain_text("会员")
    assert page.evaluate("[...window.__i18nMissing]") == []


def test_the_client_checks_ids_as_the_server_does(platform, page):
    page.goto(f"{platform.url}/")
    samples = [resident_id(), resident_id("19851231", "110105"), "11010519491231002X", "11010519491231002x",
               "110105194912310021", "990105194912310021", "110105199002300011", "1101051990", "A10105194912310021",
               "110105189912310020", wrong_check_digit(resident_id("20000229", "440301"))]
    verdicts = page.evaluate(
        "async (ids) => { const v = await import('/static/js/validate.js');"
        " return ids.map((id) => v.residentIdProblem(id) === null); }", samples)
    for sample, accepted in zip(samples, verdicts, strict=True):
        try:
            validate_resident_id(sample)
            expected = True
        except InvalidIdentifier:
            expected = False
        assert accepted is expected, sample
    money = page.evaluate(
        "async () => { const f = await import('/static/js/format.js');"
        " return [f.yuan(123456), f.yuan(5), f.yuan(-100), f.yuan(0), f.parseYuan('1,234.5'), f.parseYuan('0.07'),"
        " f.parseYuan('1.234'), f.parseYuan('abc'), f.day('2024-02-29'), f.day('2024-02-29T23:30:00Z').length]; }")
    assert money == ["¥1,234.56", "¥0.05", "-¥1.00", "¥0.00", 123450, 7, None, None, "2024-02-29", 10]


def test_a_union_chair_sees_only_their_own_unions_members(platform, page):
    unions = make_unions(platform)
    own = register_by_api(platform, unions["a"], unique("王"))
    other = register_by_api(platform, unions["b"], unique("赵"))
    chair = unique("chair")
    password = make_staff(platform, chair, ["union_chair"], unions["a"])
    sign_in(page, platform.url, chair, password)
    page.expect(page.get_by_test_id("who")).to_contain_text("基层工会主席")

    page.goto(f"{platform.url}/#/members/{own['id']}")
    page.expect(page.get_by_test_id("member-page")).to_contain_text(own["name"])
    page.expect(page.get_by_test_id("member-page")).to_contain_text("*")  # no pii role: masked
    page.goto(f"{platform.url}/#/members/{other['id']}")
    page.expect(page.locator(".form-error")).to_contain_text("未找到")
    page.expect(page.locator("body")).not_to_contain_text(other["name"])

    page.goto(f"{platform.url}/#/members")
    page.locator("form[role=search] input[name=q]").fill(other["name"])
    page.locator("form[role=search] button[type=submit]").click()
    page.expect(page.locator(".empty")).to_be_visible()
    page.expect(page.locator("body")).not_to_contain_text(other["name"])
    page.goto(f"{platform.url}/#/unions")
    page.expect(page.get_by_test_id("union-tree")).not_to_contain_text("网约车司机工会")


def test_an_auditor_is_not_offered_what_it_may_not_do(platform, page):
    auditor = unique("auditor")
    sign_in(page, platform.url, auditor, make_staff(platform, auditor, ["auditor"]))
    page.goto(f"{platform.url}/#/members")
    page.expect(page.locator("form[role=search]")).to_be_visible()
    page.expect(page.get_by_text("登记会员")).to_have_count(0)
    page.expect(page.get_by_text("导入名册")).to_have_count(0)
    page.goto(f"{platform.url}/#/members/new")
    page.expect(page.locator("form[data-testid=register-form]")).to_have_count(0)
    page.expect(page.locator("nav.main a[data-nav=welfare]")).to_be_visible()  # auditors read every area
    page.expect(page.locator("nav.main a[data-nav=staff]")).to_have_count(0)  # accounts are the admin's

    page.get_by_text("退出").click()
    page.expect(page.locator("input[name=username]")).to_be_visible()
    page.reload()
    page.expect(page.locator("input[name=username]")).to_be_visible()  # signed out for good, not just hidden


def test_unions_tree_import_with_rejected_rows_and_export(platform, page, tmp_path):
    unions = make_unions(platform)
    register_by_api(platform, unions["a"], unique("孙"))
    sign_in(page, platform.url, "admin", ADMIN_PASSWORD)
    page.goto(f"{platform.url}/#/unions/{unions['a']}")
    page.expect(page.get_by_test_id("members-total")).to_have_text("1")
    shot(page, "unions")

    roster = tmp_path / "roster.csv"
    good_name, bad_name = unique("周"), unique("吴")
    with roster.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["姓名", "身份证号码", "手机号码", "工会ID", "就业形态", "入会日期"])
        writer.writerow([good_name, resident_id(), "13700001111", unions["a"], "standard", "2024-01-02"])
        bad_id = wrong_check_digit(resident_id())
        writer.writerow([bad_name, bad_id, "13700002222", unions["a"], "standard", "2024-01-02"])
    page.goto(f"{platform.url}/#/members/import")
    page.locator("input[type=file]").set_input_files(str(roster))
    page.get_by_test_id("import-form").locator("button[type=submit]").click()
    progress = page.get_by_test_id("import-progress")
    page.expect(progress.locator("h3")).to_have_text("导入完成", timeout=30000)
    page.expect(progress).to_contain_text("导入 1，拒收 1")
    shot(page, "import")
    rejected = tmp_path / "rejected.csv"
    page.download(progress.locator("button"), str(rejected))
    rows = list(csv.reader(io.StringIO(rejected.read_text(encoding="utf-8-sig"))))
    assert len(rows) == 2 and rows[1][1] == "id_number" and bad_name in rows[1]

    page.goto(f"{platform.url}/#/members?organisation_id={unions['a']}")
    page.expect(page.get_by_test_id("member-results")).to_contain_text(good_name)
    exported = tmp_path / "members.xlsx"
    assert page.download(page.get_by_text("导出 Excel"), str(exported)).endswith(".xlsx")
    rows = list(openpyxl.load_workbook(exported).active.iter_rows(values_only=True))
    names = {row[rows[0].index("姓名")] for row in rows[1:]}
    assert good_name in names and bad_name not in names


def test_the_annual_report_is_a_printable_page(platform, page, tmp_path):
    sign_in(page, platform.url, "admin", ADMIN_PASSWORD)
    page.goto(f"{platform.url}/#/report")
    report = page.get_by_test_id("annual-report")
    page.expect(report.locator("article h1")).to_contain_text("年度工会工作报告")
    page.expect(report).to_contain_text("新发展会员")
    exported = tmp_path / "report.xlsx"
    assert page.download(page.get_by_role("button", name="导出 Excel"), str(exported)).endswith(".xlsx")
    cells = [cell for row in openpyxl.load_workbook(exported).active.iter_rows(values_only=True) for cell in row]
    assert "新发展会员" in cells
    page.emulate_media(media="print")
    page.expect(page.locator("header.top")).to_be_hidden()
    shot(page, "annual-report-print")
    assert ARTIFACTS.is_dir()


def test_the_client_files_are_public_cached_and_confined(platform):
    import requests

    index = requests.get(f"{platform.url}/")
    assert index.status_code == 200 and index.headers["Content-Type"].startswith("text/html")
    assert "script-src 'self' 'sha256-" in index.headers["Content-Security-Policy"]
    assert index.headers["Cache-Control"] == "no-cache"
    again = requests.get(f"{platform.url}/", headers={"If-None-Match": index.headers["ETag"]})
    assert again.status_code == 304 and not again.content
    script = requests.get(f"{platform.url}/static/js/app.js")
    assert script.status_code == 200 and script.headers["Content-Type"].startswith("text/javascript")
    vendored = requests.get(f"{platform.url}/static/vendor/preact.mjs")
    assert vendored.headers["Cache-Control"].startswith("public, max-age=")
    for outside in ("/static/../routes/web.py", "/static/%2e%2e/routes/web.py", "/static/nothing.js"):
        assert requests.get(f"{platform.url}{outside}").status_code == 404, outside


def test_an_ended_session_signs_in_again_over_the_form_without_losing_it(platform, page):
    unions = make_unions(platform)
    sign_in(page, platform.url, "admin", ADMIN_PASSWORD)
    page.goto(f"{platform.url}/#/members/new")
    form = page.get_by_test_id("register-form")
    name = unique("钱")
    form.locator("input[name=name]").fill(name)
    form.locator("input[name=id_number]").fill(resident_id())
    form.locator("input[name=phone]").fill("13600136000")
    form.locator("select[name=organisation_id]").select_option(unions["b"])
    # As if the session expired: the session cookie (if the gateway sets one) and the token no longer work.
    page.context.clear_cookies()
    page.evaluate("sessionStorage.setItem('union.token', 'no-longer-valid')")
    form.locator("button[type=submit]").click()
    overlay = page.locator(".overlay")
    page.expect(overlay).to_contain_text("登录已过期")
    overlay.locator("input[name=username]").fill("admin")
    overlay.locator("input[name=password]").fill(ADMIN_PASSWORD)
    overlay.locator("button[type=submit]").click()
    page.expect(overlay).to_have_count(0)
    page.expect(form.locator("input[name=name]")).to_have_value(name)
    form.locator("button[type=submit]").click()
    page.expect(page.get_by_test_id("member-page")).to_contain_text(name)


def test_the_hotline_queue_marks_overdue_orders_and_asks_what_an_action_needs(platform, page):
    from datetime import UTC, datetime, timedelta

    http = platform.session()
    late, fresh = unique("刘师傅"), unique("骑手")
    for name, days_ago in ((late, 20), (fresh, 0)):
        response = http.post(f"{platform.url}{API}/hotline-orders", json={
            "caller_name": name, "phone": "13900001234", "category": "wage_arrears", "wage_amount_fen": 1_250_050,
            "description": "来电反映欠薪", "received_at": (datetime.now(UTC) - timedelta(days=days_ago)).isoformat()})
        assert response.status_code == 201, response.text
    sign_in(page, platform.url, "admin", ADMIN_PASSWORD)
    page.goto(f"{platform.url}/#/rights/hotline")
    late_row = page.locator("[data-testid=hotline] tr", has_text=late)
    page.expect(late_row).to_contain_text("已超期")
    page.expect(late_row).to_contain_text("¥12,500.50")
    page.expect(page.locator("[data-testid=hotline] tr", has_text=fresh)).not_to_contain_text("已超期")
    shot(page, "rights-hotline")
    late_row.locator("button[data-action=assign]").click()
    late_row.locator("button[type=submit]").click()
    page.expect(late_row.locator(".field-error")).to_contain_text("必填")
    late_row.locator("input[name=handler_name]").fill("王律师")
    late_row.locator("button[type=submit]").click()
    page.expect(late_row).to_contain_text("办理中")


def test_a_rights_officer_takes_a_call_and_opens_a_case_in_the_browser(platform, page):
    officer = unique("rights.")
    sign_in(page, platform.url, officer, make_staff(platform, officer, ["rights_officer"]))
    page.goto(f"{platform.url}/#/rights/hotline")
    page.get_by_test_id("order.new-open").click()
    form = page.get_by_test_id("order.new")
    form.locator("button[type=submit]").click()
    page.expect(form.locator("[data-field=caller_name] .field-error")).to_contain_text("必填")
    caller = unique("外卖骑手")
    form.locator("input[name=caller_name]").fill(caller)
    form.locator("input[name=phone]").fill("12345")  # neither a mobile nor a landline: the server says so
    form.locator("select[name=category]").select_option("wage_arrears")
    form.locator("input[name=wage_amount_fen]").fill("8600.5")
    form.locator("textarea[name=description]").fill("平台拖欠三个月配送费")
    form.locator("button[type=submit]").click()
    page.expect(form.locator("[data-field=phone] .field-error")).to_be_visible()
    page.expect(form.locator("[data-field=wage_amount_fen]")).to_contain_text("涉及工资")
    form.locator("input[name=phone]").fill("13900001234")
    shot(page, "rights-hotline-intake")
    form.locator("button[type=submit]").click()
    row = page.locator("[data-testid=hotline] tr", has_text=caller)
    page.expect(row).to_contain_text("¥8,600.50")
    page.expect(row).to_contain_text("欠薪")
    page.expect(page.get_by_test_id("order.new")).to_have_count(0)

    claimant = unique("王师傅")
    intake(page, f"{platform.url}/#/rights/cases", "case.new",
           {"claimant_name": claimant, "employer_name": "某建筑劳务公司", "amount_claimed_fen": "23000"},
           {"kind": "wage_arrears"})
    case_row = page.locator("[data-testid=cases] tr", has_text=claimant)
    page.expect(case_row).to_contain_text("¥23,000.00")
    page.expect(case_row).to_contain_text("某建筑劳务公司")
    shot(page, "rights-case-intake")
    cases = platform.session().get(f"{platform.url}{API}/dispute-cases", params={"limit": 500}).json()["items"]
    assert [c["amount_claimed_fen"] for c in cases if c["claimant_name"] == claimant] == [2_300_000]


def test_a_nomination_is_reviewed_beside_the_members_record(platform, page):
    from datetime import date

    unions = make_unions(platform)
    member = register_by_api(platform, unions["a"], unique("孙师傅"))
    nomination = platform.session().post(f"{platform.url}{API}/craftsmen/nominations", json={
        "member_id": member["id"], "level": "seed", "year": date.today().year})
    assert nomination.status_code == 201, nomination.text
    sign_in(page, platform.url, "admin", ADMIN_PASSWORD)
    page.goto(f"{platform.url}/#/training/nominations?status=pending")
    row = page.locator("[data-testid=nominations] tr", has_text=member["name"])
    page.expect(row).to_contain_text("种子工匠")
    page.expect(row).to_contain_text("培训 0 学时")  # the evidence: the member's record
    shot(page, "training-nominations")
    row.get_by_text("通过", exact=True).click()
    page.expect(row).to_have_count(0)  # no longer waiting for review
    page.goto(f"{platform.url}/#/training/nominations?status=public_notice")
    page.expect(page.locator("[data-testid=nominations] tr", has_text=member["name"])).to_contain_text("公示中")


def test_an_admin_makes_a_union_chair_account(platform, page):
    unions = make_unions(platform)
    sign_in(page, platform.url, "admin", ADMIN_PASSWORD)
    page.goto(f"{platform.url}/#/staff")
    form = page.get_by_test_id("account-form")
    username = unique("chair.")
    form.locator("input[name=username]").fill(username)
    form.locator("input[name=display_name]").fill("张主席")
    form.locator("input[name=password]").fill("a-long-enough-password")
    form.locator("input[name=roles][value=union_chair]").check()
    form.locator("button[type=submit]").click()
    page.expect(form.locator("[data-field=organisation_id] .field-error")).to_contain_text("必须选择所在工会")
    form.locator("select[name=organisation_id]").select_option(unions["a"])
    form.locator("button[type=submit]").click()
    page.expect(page.get_by_test_id("accounts")).to_contain_text(username)
    page.expect(form.locator("input[name=username]")).to_have_value("")


def test_a_training_officer_marks_a_competition_and_publishes_its_results(platform, page):
    from datetime import date


    unions = make_unions(platform)
    first, second = (member_known_to_training(platform, unions["a"], unique(name)) for name in ("车工甲", "车工乙"))
    http = platform.session()
    made = http.post(f"{platform.url}{API}/competitions", json={
        "name": unique("数控车工技能大赛"), "kind": "skill", "organisation_id": unions["federation"],
        "held_on": date.today().isoformat()})
    assert made.status_code == 201, made.text
    competition = made.json()
    entered = http.post(f"{platform.url}{API}/competitions/{competition['id']}/entries",
                        json={"member_id": first["id"]})
    assert entered.status_code == 201, entered.text
    officer = unique("training")
    sign_in(page, platform.url, officer, make_staff(platform, officer, ["training_officer"]))

    page.goto(f"{platform.url}/#/training/competitions")
    page.get_by_role("link", name=competition["name"]).click()
    detail = page.get_by_test_id("competition")
    page.expect(detail).to_contain_text("满分 100 分")
    # The second entrant is entered through the page.
    fill_form(page.locator("form", has_text="报名参赛"), second["name"], {})
    entries = page.get_by_test_id("entries")
    page.expect(entries.locator("tbody tr")).to_have_count(2)

    def marks(judge: str, of_first: str, of_second: str) -> None:
        page.get_by_test_id("judge").fill(judge)
        page.locator(f"input[name=mark_{first['id']}]").fill(of_first)
        page.locator(f"input[name=mark_{second['id']}]").fill(of_second)
        page.get_by_role("button", name="录入评委打分").click()

    marks("评委甲", "95", "88")
    page.expect(page.get_by_role("status")).to_contain_text("已录入 2 名选手的打分")
    page.expect(entries.locator("thead")).to_contain_text("评委甲")
    marks("评委乙", "101", "92")  # past the maximum: refused in the page, nothing sent
    page.expect(field_error(page, f"mark_{first['id']}")).to_contain_text("分数须在 0 到 100 之间")
    page.locator(f"input[name=mark_{first['id']}]").fill("90")
    page.get_by_role("button", name="录入评委打分").click()
    page.expect(entries.locator("thead")).to_contain_text("评委乙")
    scored = http.get(f"{platform.url}{API}/competitions/{competition['id']}/entries").json()["items"]
    assert {e["member_id"]: {m["judge"]: m["score"] for m in e["scores"]} for e in scored} == {
        first["id"]: {"评委甲": 95.0, "评委乙": 90.0}, second["id"]: {"评委甲": 88.0, "评委乙": 92.0}}

    shot(page, "training-competition-marking")
    page.accept_dialogs()
    page.get_by_role("button", name="公布成绩").click()
    page.expect(detail).to_contain_text("已公布")
    page.expect(entries.locator("tr", has_text=first["name"])).to_contain_text("92.5")
    page.expect(entries.locator("tr", has_text=first["name"])).to_contain_text("一等奖")
    page.expect(entries.locator("tr", has_text=second["name"])).to_contain_text("90")
    page.expect(page.get_by_test_id("judge")).to_have_count(0)  # frozen: no more marking
    shot(page, "training-competition")
    assert http.get(f"{platform.url}{API}/competitions/{competition['id']}").json()["status"] == "published"


def test_an_admin_makes_an_api_key_for_a_union_sees_it_once_and_revokes_it(platform, page):
    import requests

    unions = make_unions(platform)
    inside = register_by_api(platform, unions["a"], unique("密钥内会员"))
    outside = register_by_api(platform, unions["b"], unique("密钥外会员"))
    sign_in(page, platform.url, "admin", ADMIN_PASSWORD)
    page.goto(f"{platform.url}/#/staff")
    form = page.get_by_test_id("key-form")
    name = unique("快递工会系统")
    form.locator("input[name=name]").fill(name)
    form.get_by_role("button", name="生成密钥").click()
    page.expect(form.locator("[data-field=scopes] .field-error")).to_be_visible()  # a key needs a scope
    form.locator("input[name=scopes][value='members:read']").check()
    form.locator("select[name=organisation_id]").select_option(unions["a"])
    form.get_by_role("button", name="生成密钥").click()
    shown = page.get_by_test_id("new-key")
    page.expect(shown).to_contain_text(name)
    key = shown.locator(".mono").inner_text().strip()
    assert key.startswith("uk_")
    row = page.locator("[data-testid=keys] tr", has_text=name)
    page.expect(row).to_contain_text("members:read")
    page.expect(row).not_to_contain_text(key)  # the list shows the prefix, never the key
    shot(page, "staff-api-keys")

    caller = requests.Session()
    caller.headers["X-API-Key"] = key
    mine = caller.get(f"{platform.url}{API}/members/{inside['id']}")
    assert mine.status_code == 200, mine.text
    assert caller.get(f"{platform.url}{API}/members/{outside['id']}").status_code == 404  # not its union
    assert caller.post(f"{platform.url}{API}/members", json={}).status_code == 403  # read only

    page.accept_dialogs()
    row.get_by_role("button", name="吊销").click()
    page.expect(row).to_contain_text("已吊销")
    assert caller.get(f"{platform.url}{API}/members/{inside['id']}").status_code == 401


def test_safety_drills_are_recorded_and_a_members_hazard_snapshot_is_accepted(platform, page):

    http = platform.session()
    unions = make_unions(platform)
    member = member_known_to_training(platform, unions["a"], unique("隐患上报人"))
    chair = unique("chair")
    sign_in(page, platform.url, chair, make_staff(platform, chair, ["union_chair"], unions["a"]))
    page.goto(f"{platform.url}/#/training/safety")
    page.expect(page.get_by_test_id("safety-form")).to_have_count(0)  # a chair reports hazards, records no drills
    page.get_by_role("button", name="上报隐患").click()
    fill_form(page.get_by_test_id("hazard-form"), member["name"], {"location": "二号车间配电柜"})
    page.expect(field_error(page, "description")).to_be_visible()  # required, checked in the page
    page.get_by_test_id("hazard-form").locator("textarea[name=description]").fill("柜门未关，线路裸露")
    page.get_by_test_id("hazard-form").get_by_role("button", name="保存").click()
    hazard = page.locator("[data-testid=hazards] tr", has_text=member["name"])
    page.expect(hazard).to_contain_text("待处理")
    page.get_by_role("button", name="退出").click()

    officer = unique("training")
    sign_in(page, platform.url, officer, make_staff(platform, officer, ["training_officer"]))
    page.goto(f"{platform.url}/#/training/safety")
    form = page.get_by_test_id("safety-form")
    form.locator("select[name=kind]").select_option("drill")
    title = unique("消防疏散演练")
    form.locator("input[name=title]").fill(title)
    form.locator("select[name=organisation_id]").select_option(unions["a"])
    form.locator("input[name=attendees]").fill("一百二")  # not a number: refused in the page
    form.get_by_role("button", name="保存").click()
    page.expect(field_error(page, "attendees")).to_be_visible()
    form.locator("input[name=attendees]").fill("120")
    form.get_by_role("button", name="保存").click()
    page.expect(page.locator("[data-testid=safety-sessions] tr", has_text=title)).to_contain_text("应急演练")
    page.accept_dialogs("已通知车间整改")
    hazard.get_by_role("button", name="采纳").click()
    page.expect(hazard).to_have_count(0)  # left the waiting list
    page.goto(f"{platform.url}/#/training/safety?status=accepted")
    page.expect(hazard).to_contain_text("已通知车间整改")
    shot(page, "training-safety")
    sessions = http.get(f"{platform.url}{API}/safety-sessions", params={"organisation_id": unions["a"]}).json()
    assert [(s["kind"], s["title"], s["attendees"]) for s in sessions["items"]] == [("drill", title, 120)]


def test_a_rights_officer_registers_files_and_reviews_a_contract_and_records_a_legal_event(platform, page):
    from datetime import date, timedelta

    unions = make_unions(platform)
    officer = unique("rights.")
    sign_in(page, platform.url, officer, make_staff(platform, officer, ["rights_officer"]))
    page.goto(f"{platform.url}/#/rights/contracts")
    page.locator("select[name=within]").select_option("0")  # every contract, not only those expiring
    page.get_by_test_id("contract.new-open").click()
    form = page.get_by_test_id("contract.new")
    signed = date.today() - timedelta(days=20)  # filing was due within 10 days of signing
    form.locator("select[name=organisation_id]").select_option(unions["a"])
    form.locator("select[name=kind]").select_option("wages")
    form.locator("input[name=signed_on]").fill(signed.isoformat())
    form.locator("input[name=expires_on]").fill((signed + timedelta(days=3 * 365)).isoformat())
    form.locator("input[name=workers_covered]").fill("三百")  # not a number: refused in the page
    form.locator("button[type=submit]").click()
    page.expect(form.locator("[data-field=workers_covered] .field-error")).to_be_visible()
    form.locator("input[name=workers_covered]").fill("300")
    form.locator("button[type=submit]").click()
    page.expect(page.get_by_test_id("contract.new")).to_have_count(0)
    http = platform.session()
    made = http.get(f"{platform.url}{API}/collective-contracts",
                    params={"organisation_id": unions["a"]}).json()["items"]
    assert [(c["kind"], c["workers_covered"], c["filing"]["overdue"]) for c in made] == [("wages", 300, True)]
    row = page.locator(f"tr[data-contract='{made[0]['id']}']")
    page.expect(row).to_contain_text("逾期未报送")
    row.locator("button[data-action=filing]").click()
    row.locator("button[type=submit]").click()  # late: the server asks why, on the field
    page.expect(row.locator("[data-field=late_reason] .field-error")).to_be_visible()
    row.locator("input[name=late_reason]").fill("职代会延期召开")
    row.locator("button[type=submit]").click()
    page.expect(row).to_contain_text("审查中")
    row.locator("button[data-action=review]").click()
    row.locator("select[name=decision]").select_option("accepted")
    row.locator("button[type=submit]").click()
    page.expect(row).to_contain_text("审查通过")
    shot(page, "rights-contracts")
    filing = http.get(f"{platform.url}{API}/collective-contracts/{made[0]['id']}").json()["filing"]
    assert (filing["status"], filing["late_reason"]) == ("accepted", "职代会延期召开")

    title = unique("民法典进企业")
    intake(page, f"{platform.url}/#/rights/legal", "event.new", {"title": title, "attendees": "80", "brochures": "200"})
    page.expect(page.locator("[data-testid=legal-events] tr", has_text=title)).to_contain_text("线下")
    events = http.get(f"{platform.url}{API}/legal-events", params={"year": date.today().year, "limit": 500}).json()
    assert [(e["attendees"], e["brochures"]) for e in events["items"] if e["title"] == title] == [(80, 200)]


def test_a_clerk_records_a_members_honour_on_the_member_page(platform, page):
    from datetime import date

    unions = make_unions(platform)
    member = register_by_api(platform, unions["a"], unique("劳模候选"))
    clerk = unique("clerk.")
    sign_in(page, platform.url, clerk, make_staff(platform, clerk, ["membership_clerk"]))
    page.goto(f"{platform.url}/#/members/{member['id']}")
    page.get_by_role("button", name="记录荣誉").click()
    form = page.get_by_test_id("honour-form")
    form.locator("input[name=year]").fill("22")
    form.get_by_role("button", name="保存").click()
    page.expect(form.locator("[data-field=year] .field-error")).to_contain_text("四位年份")
    year = date.today().year
    form.locator("input[name=year]").fill(str(year))
    form.get_by_role("button", name="保存").click()
    page.expect(page.get_by_test_id("honour-form")).to_have_count(0)
    page.expect(page.get_by_test_id("member-page")).to_contain_text("劳动模范")
    honours = platform.session().get(f"{platform.url}{API}/members/{member['id']}").json()["honours"]
    assert [(h["title"], h["level"], h["year"]) for h in honours] == [("劳动模范", "市级", year)]


def test_a_school_runs_a_course_and_attendance_makes_a_members_training_hours(platform, page):

    http = platform.session()
    unions = make_unions(platform)
    member = member_known_to_training(platform, unions["a"], unique("数控学员"))
    officer = unique("training")
    sign_in(page, platform.url, officer, make_staff(platform, officer, ["training_officer"]))
    page.goto(f"{platform.url}/#/training/schools")
    school = unique("数控工匠学校")
    form = page.get_by_test_id("school-form")
    form.locator("input[name=name]").fill(school)
    form.locator("select[name=organisation_id]").select_option(unions["a"])
    form.get_by_role("button", name="保存").click()
    page.get_by_role("link", name=school).click()
    page.get_by_test_id("course-form").locator("input[name=title]").fill("数控编程基础")
    page.get_by_role("button", name="新增课程").click()
    course = page.locator("[data-course]", has_text="数控编程基础")
    sitting = course.get_by_test_id("sitting-form")
    sitting.locator("input[name=hours]").fill("30")  # past a day's 24 hours: refused in the page
    sitting.get_by_role("button", name="新增授课").click()
    page.expect(sitting.locator("[data-field=hours] .field-error")).to_be_visible()
    sitting.locator("input[name=hours]").fill("3")
    sitting.locator("input[name=topic]").fill("G代码")
    sitting.get_by_role("button", name="新增授课").click()
    page.expect(course).to_contain_text("G代码")
    fill_form(course.get_by_test_id("enrol-form"), member["name"], {})
    page.expect(course.get_by_test_id("enrolled")).to_contain_text(member["name"])
    attendance = course.get_by_test_id("attendance")
    attendance.locator(f"input[name=present][value='{member['id']}']").check()
    attendance.get_by_role("button", name="记为出勤（1 人）").click()
    page.expect(course.get_by_test_id("enrolled").locator("tr", has_text=member["name"])).to_contain_text("1 / 1")
    shot(page, "training-school")
    record = http.get(f"{platform.url}{API}/members/{member['id']}/training-record").json()
    assert record["training_hours"] == 3


def test_a_negotiation_goes_through_a_round_and_the_congress_to_a_signed_contract(platform, page):
    from datetime import date, timedelta

    unions = make_unions(platform)
    officer = unique("rights.")
    sign_in(page, platform.url, officer, make_staff(platform, officer, ["rights_officer"]))
    intake(page, f"{platform.url}/#/rights/negotiations", "negotiation.new", {}, {
        "organisation_id": unions["a"], "kind": "female_workers"})
    http = platform.session()
    started = http.get(f"{platform.url}{API}/contract-negotiations",
                       params={"organisation_id": unions["a"]}).json()["items"]
    assert [(n["kind"], n["status"]) for n in started] == [("female_workers", "negotiating")]
    row = page.locator(f"tr[data-negotiation='{started[0]['id']}']")

    def act(action: str, fields: dict[str, str]) -> None:
        row.locator(f"button[data-action={action}]").click()
        for name, value in fields.items():
            row.locator(f"input[name={name}]").fill(value)
        row.locator("button[type=submit]").click()

    act("rounds", {"note": "就产假待遇达成一致"})
    page.expect(row).to_contain_text("协商中")
    act("congress-vote", {"delegates": "100", "present": "50", "votes_for": "40"})  # no quorum: the vote does not count
    page.expect(row.locator("[data-field=present] .field-error")).to_contain_text("三分之二")
    row.locator("input[name=present]").fill("80")  # a quorum, but 40 is not more than half of all delegates
    row.locator("button[type=submit]").click()
    page.expect(row).to_contain_text("未通过")
    act("congress-vote", {"delegates": "100", "present": "80", "votes_for": "60"})
    page.expect(row).to_have_count(0)  # approved: no longer among those negotiating
    page.get_by_role("button", name="职代会已通过").click()
    signed_on = date.today()
    act("sign", {"expires_on": (signed_on + timedelta(days=3 * 365)).isoformat(), "workers_covered": "260"})
    page.expect(row).to_have_count(0)
    shot(page, "rights-negotiations")
    contracts = http.get(f"{platform.url}{API}/collective-contracts",
                         params={"organisation_id": unions["a"]}).json()["items"]
    assert [(c["kind"], c["workers_covered"], c["negotiation_rounds"]) for c in contracts] == [
        ("female_workers", 260, 1)]


def test_every_page_and_tab_passes_an_accessibility_audit(platform, page):
    """axe-core (WCAG 2.1 A/AA) on the sign-in form and, as admin, on every page of the menu and each tab,
    in Chinese and in English; the other tests audit each state they take a screenshot of."""
    page.goto(f"{platform.url}/")
    page.expect(page.locator("input[name=username]")).to_be_visible()
    assert_accessible(page, "sign-in")
    sign_in(page, platform.url, "admin", ADMIN_PASSWORD)
    menu = page.locator("nav.main a")
    areas = [link.split("/")[-1] for link in menu.evaluate_all("links => links.map(a => a.getAttribute('href'))")]
    assert {"dashboard", "members", "unions", "welfare", "training", "rights", "report", "staff", "audit"} <= set(areas)
    for area in areas:
        page.goto(f"{platform.url}/#/{area}")
        page.expect(page.locator(f"nav.main a[data-nav={area}]")).to_have_attribute("aria-current", "page")
        page.expect(page.locator(".loading")).to_have_count(0)
        assert_accessible(page, area)
        tabs = page.locator("main .tabs button")
        for index in range(1, tabs.count()):
            tabs.nth(index).click()
            page.expect(tabs.nth(index)).to_have_attribute("aria-pressed", "true")
            page.expect(page.locator(".loading")).to_have_count(0)
            assert_accessible(page, f"{area}, tab {index + 1}")
    page.get_by_test_id("language").click()
    page.expect(page.locator("nav.main")).to_contain_text("Members")
    assert_accessible(page, f"{areas[-1]} in English")
    page.get_by_test_id("language").click()
