"""What the browser tests do again and again: sign in, make staff, save screenshots."""

from __future__ import annotations

import os
from pathlib import Path

from services.chassis.config import ROOT
from tests.browser.remote import Page

ARTIFACTS = Path(os.environ.get("BROWSER_ARTIFACTS", ROOT / "var" / "browser-artifacts"))
STAFF_PASSWORD = "browser-test-password"


def shot(page: Page, name: str) -> None:
    """A screenshot among the run's artifacts (var/ is not committed), and an accessibility audit of what it shows:
    each screenshot is a state of the client worth seeing, so each is checked against WCAG 2.1 A/AA."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    assert_accessible(page, name)


def assert_accessible(page: Page, where: str) -> None:
    """No WCAG 2.1 A/AA violation that axe-core finds on the page as it stands (contrast, names, labels, ...)."""
    found = page.audit()
    assert not found, f"accessibility problems on {where}:\n" + "\n".join(
        f"  {v['impact']} {v['id']}: {v['help']} — " + "; ".join(n["target"] for n in v["nodes"]) for v in found)


def sign_in(page: Page, url: str, username: str, password: str) -> None:
    page.goto(f"{url}/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(password)
    page.locator("form button[type=submit]").click()
    page.expect(page.get_by_test_id("who")).to_be_visible()


def make_staff(platform, username: str, roles: list[str], organisation_id: str | None = None) -> str:
    body = {"username": username, "password": STAFF_PASSWORD, "display_name": username, "roles": roles}
    if organisation_id:
        body["organisation_id"] = organisation_id
    response = platform.session().post(f"{platform.url}/api/v1/users", json=body)
    assert response.status_code == 201, response.text
    return STAFF_PASSWORD


def fill_form(form, member_name: str, fields: dict[str, str]) -> None:
    """Pick the member by name in the form's member picker, fill the other fields, and save."""
    form.locator("input[name=member_id_search]").fill(member_name)
    form.locator(".choices button", has_text=member_name).click()
    for name, value in fields.items():
        form.locator(f"input[name={name}]").fill(value)
    form.get_by_role("button", name="保存").click()


def intake(page, url: str, spec: str, inputs: dict[str, str], selects: dict[str, str] | None = None):
    """Open the rights page at `url`, open its intake form `spec`, fill it in and send it; the form."""
    page.goto(url)
    page.get_by_test_id(f"{spec}-open").click()
    form = page.get_by_test_id(spec)
    for name, value in (selects or {}).items():
        form.locator(f"select[name={name}]").select_option(value)
    for name, value in inputs.items():
        form.locator(f"input[name={name}]").fill(value)
    form.locator("button[type=submit]").click()
    return form
