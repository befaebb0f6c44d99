"""Welfare in the browser: the claims queue, filed -> approved -> paid, with the caps left in view."""

from __future__ import annotations

from tests.browser.steps import shot, sign_in
from tests.browser.test_web_client import API, make_unions, register_by_api
from tests.e2e.conftest import ADMIN_PASSWORD

PLAN_YEAR = 2021  # a year of this module's own: one plan a year, made once per run and then found
CAPS = {"hospitalisation": 2_000_000, "accident": 500_000}


def plan_for_the_year(http, url: str) -> dict:
    made = http.post(f"{url}{API}/mutual-aid/plans", json={
        "year": PLAN_YEAR, "premium_fen": 5_000, "caps": CAPS, "annual_cap_fen": 3_000_000})
    if made.status_code == 201:
        return made.json()
    assert made.status_code == 409, made.text
    return http.get(f"{url}{API}/mutual-aid/plans", params={"year": PLAN_YEAR}).json()["items"][0]


def test_approve_and_pay_a_claim_with_the_caps_left_in_view(platform, page):
    http = platform.session()
    unions = make_unions(platform)
    member = register_by_api(platform, unions["a"], "理赔测试会员", joined_on="2020-01-06")
    plan = plan_for_the_year(http, platform.url)
    deposit = http.post(f"{platform.url}{API}/funds/mutual_aid/deposits",
                        json={"amount_fen": 1_000_000, "source": "市总工会拨款", "memo": "browser test"})
    assert deposit.status_code == 201, deposit.text
    enrolled = http.post(f"{platform.url}{API}/mutual-aid/enrolments", json={
        "plan_id": plan["id"], "organisation_id": unions["a"], "member_ids": [member["id"]],
        "enrolled_on": f"{PLAN_YEAR}-02-01"})
    assert enrolled.status_code in (200, 201), enrolled.text
    claim = http.post(f"{platform.url}{API}/mutual-aid/claims", json={
        "plan_id": plan["id"], "member_id": member["id"], "kind": "hospitalisation",
        "incurred_on": f"{PLAN_YEAR}-06-01", "amount_claimed_fen": 120_000})
    assert claim.status_code == 201, claim.text
    claim_id = claim.json()["id"]

    sign_in(page, platform.url, "admin", ADMIN_PASSWORD)
    page.goto(f"{platform.url}/#/welfare/claims?status=filed")
    row = page.locator(f"tr[data-claim='{claim_id}']")
    page.expect(row).to_contain_text("理赔测试会员")
    page.expect(row.locator("[data-remaining]")).to_contain_text("¥20,000.00")  # the hospitalisation cap, unused
    row.locator("button[data-action=approve]").click()
    page.expect(row.locator("input[name=amount]")).to_have_value("1200.00")  # the claim, within the cap
    row.locator("input[name=amount]").fill("1500")
    row.locator("button[data-action=confirm-approve]").click()
    page.expect(row.locator("[data-field=amount] .field-error")).to_contain_text("超过申请金额（¥1,200.00）")
    page.expect(row.locator("input[name=amount]")).to_have_value("1500")  # what was typed stays
    shot(page, "welfare-claim-error")
    row.locator("input[name=amount]").fill("1000.50")
    row.locator("button[data-action=confirm-approve]").click()
    page.expect(row).to_have_count(0)  # left the filed queue

    page.goto(f"{platform.url}/#/welfare/claims?status=approved")
    page.expect(row.locator("[data-remaining]")).to_contain_text("¥18,999.50")  # the approved amount counts
    row.locator("button[data-action=pay]").click()
    page.expect(row).to_have_count(0)
    page.goto(f"{platform.url}/#/welfare/claims?status=paid")
    page.expect(row).to_contain_text("已支付")
    page.expect(row).to_contain_text("¥1,000.50")
    # the chosen filter is told to screen readers, not shown by colour alone
    page.expect(page.locator("a[aria-current=true]")).to_have_attribute("data-status", "paid")
    shot(page, "welfare-claims-paid")
    paid = http.get(f"{platform.url}{API}/mutual-aid/claims/{claim_id}").json()
    assert paid["status"] == "paid" and paid["amount_approved_fen"] == 100_050

    page.goto(f"{platform.url}/#/welfare/funds")
    page.expect(page.locator("tr[data-fund=mutual_aid]")).to_be_visible()
    shot(page, "welfare-funds")


def test_the_approved_claims_an_officer_ticks_are_paid_in_one_go(platform, page):
    http = platform.session()
    unions = make_unions(platform)
    plan = plan_for_the_year(http, platform.url)
    assert http.post(f"{platform.url}{API}/funds/mutual_aid/deposits", json={
        "amount_fen": 1_000_000, "source": "市总工会拨款"}).status_code == 201
    members = [register_by_api(platform, unions["a"], name, joined_on="2020-01-06") for name in ("批量甲", "批量乙")]
    enrolled = http.post(f"{platform.url}{API}/mutual-aid/enrolments", json={
        "plan_id": plan["id"], "organisation_id": unions["a"], "member_ids": [m["id"] for m in members],
        "enrolled_on": f"{PLAN_YEAR}-02-01"})
    assert enrolled.status_code == 201, enrolled.text
    claim_ids = []
    for member, amount in zip(members, (30_000, 45_050), strict=True):
        claim = http.post(f"{platform.url}{API}/mutual-aid/claims", json={
            "plan_id": plan["id"], "member_id": member["id"], "kind": "accident",
            "incurred_on": f"{PLAN_YEAR}-07-01", "amount_claimed_fen": amount}).json()
        assert http.post(f"{platform.url}{API}/mutual-aid/claims/{claim['id']}/approve",
                         json={"amount_approved_fen": amount}).status_code == 200
        claim_ids.append(claim["id"])

    sign_in(page, platform.url, "admin", ADMIN_PASSWORD)
    page.goto(f"{platform.url}/#/welfare/claims?status=approved")
    for claim_id in claim_ids:
        page.locator(f"tr[data-claim='{claim_id}'] input[name=pay]").check()
    button = page.get_by_test_id("pay-selected").locator("button")
    page.expect(button).to_contain_text("支付所选 2 笔，合计 ¥750.50")
    shot(page, "welfare-pay-selected")
    button.click()
    page.expect(page.locator(f"tr[data-claim='{claim_ids[0]}']")).to_have_count(0)  # left the approved queue
    page.expect(page.get_by_test_id("pay-selected")).to_have_count(0)
    for claim_id in claim_ids:
        assert http.get(f"{platform.url}{API}/mutual-aid/claims/{claim_id}").json()["status"] == "paid"


def test_a_chair_applies_for_a_subsidy_an_officer_pays_it_and_records_a_visit(platform, page):
    from datetime import date

    from tests.browser.steps import fill_form, make_staff
    from tests.browser.test_web_client import field_error, unique
    from tests.helpers import wait_until

    http = platform.session()
    unions = make_unions(platform)
    member = register_by_api(platform, unions["a"], unique("补助测试会员"))
    wait_until(lambda: http.get(f"{platform.url}{API}/members/{member['id']}/cover").status_code == 200, timeout=30)
    for fund in ("subsidies", "condolence"):
        deposit = http.post(f"{platform.url}{API}/funds/{fund}/deposits",
                            json={"amount_fen": 500_000, "source": "预算"})
        assert deposit.status_code == 201, deposit.text
    balance = {f["code"]: f["balance_fen"] for f in http.get(f"{platform.url}{API}/funds").json()["items"]}

    chair = unique("chair")
    sign_in(page, platform.url, chair, make_staff(platform, chair, ["union_chair"], unions["a"]))
    page.goto(f"{platform.url}/#/welfare/subsidies")
    page.get_by_role("button", name="申请补助").click()
    form = page.get_by_test_id("subsidy-form")
    fill_form(form, member["name"], {"programme": "成人本科（机械工程）", "institution": "市职工大学",
                                     "amount": "10.005"})  # more than two decimals: refused in the page
    page.expect(field_error(page, "amount")).to_be_visible()
    form.locator("input[name=amount]").fill("1000")
    form.get_by_role("button", name="保存").click()
    row = page.locator("[data-testid=subsidies] tr", has_text=member["name"])
    page.expect(row).to_contain_text("待审核")
    page.expect(row.locator("button[data-action=approve]")).to_have_count(0)  # a chair applies, an officer decides
    page.get_by_role("button", name="退出").click()

    officer = unique("welfare")
    sign_in(page, platform.url, officer, make_staff(platform, officer, ["welfare_officer"]))
    page.goto(f"{platform.url}/#/welfare/subsidies?status=applied")
    row.locator("button[data-action=approve]").click()
    page.expect(row.locator("input[name=amount]")).to_have_value("1000.00")
    row.locator("input[name=amount]").fill("800")
    row.locator("button[data-action=confirm-approve]").click()
    page.expect(row).to_have_count(0)
    page.goto(f"{platform.url}/#/welfare/subsidies?status=approved")
    row.locator("button[data-action=pay]").click()
    page.expect(row).to_have_count(0)
    page.goto(f"{platform.url}/#/welfare/subsidies?status=paid")
    page.expect(row).to_contain_text("¥800.00")

    page.goto(f"{platform.url}/#/welfare/visits")
    page.get_by_role("button", name="登记慰问").click()
    fill_form(page.get_by_test_id("visit-form"), member["name"],
              {"visited_by": "市总工会帮扶中心", "occasion": "住院慰问", "amount": "500"})
    page.expect(page.locator("[data-testid=visits] tr", has_text=member["name"])).to_contain_text("¥500.00")
    shot(page, "welfare-visits")

    after = {f["code"]: f["balance_fen"] for f in http.get(f"{platform.url}{API}/funds").json()["items"]}
    assert balance["subsidies"] - after["subsidies"] == 80_000
    assert balance["condolence"] - after["condolence"] == 50_000
    visits = http.get(f"{platform.url}{API}/condolence-visits", params={"member_id": member["id"]}).json()["items"]
    assert [(v["visited_on"], v["amount_fen"]) for v in visits] == [(date.today().isoformat(), 50_000)]


def test_an_officer_refunds_a_small_employers_union_once_a_year(platform, page):
    from datetime import date

    http = platform.session()
    unions = make_unions(platform)  # both unions' employers are small
    deposit = http.post(f"{platform.url}{API}/funds/dues_refund/deposits",
                        json={"amount_fen": 1_000_000, "source": "预算"})
    assert deposit.status_code == 201, deposit.text
    sign_in(page, platform.url, "admin", ADMIN_PASSWORD)
    page.goto(f"{platform.url}/#/welfare/refunds")
    form = page.get_by_test_id("refund-form")
    for attempt in range(2):
        form.locator("select[name=organisation_id]").select_option(unions["a"])
        form.locator("input[name=amount]").fill("1234.56")
        form.get_by_role("button", name="返还").click()
        if attempt == 0:
            page.expect(form.locator("input[name=amount]")).to_have_value("")  # done: the form is cleared
    page.expect(form.locator(".form-error")).to_contain_text("经费已返还过")  # once per union and year
    refunds = http.get(f"{platform.url}{API}/dues-refunds",
                       params={"organisation_id": unions["a"], "year": date.today().year}).json()["items"]
    assert [r["amount_fen"] for r in refunds] == [123_456]
    page.expect(page.locator("[data-testid=refunds] tr:not(.total)", has_text="¥1,234.56")).to_have_count(1)
