"""How the gateway shows rights data: case files only to rights officers and admins, phones masked without pii."""

from __future__ import annotations

from gateway.accounts import Principal
from gateway.routes.rights import present_case, present_order

CASE = {"id": "5", "status": "closed", "claimant_name": "陈静", "claimant_phone": "13912345678",
        "employer_name": "某公司", "description": "欠薪", "lawyer_name": "王律师", "amount_claimed_fen": 100,
        "hardship_referral": {"referral_id": "r", "reason": "困难", "referred_at": "2022-07-01T00:00:00+00:00"},
        "history": [{"action": "close", "note": "细节"}]}


def who(*roles: str, organisation_id: str | None = None) -> Principal:
    return Principal(1, "x", frozenset(roles), organisation_id)


def test_rights_officers_see_the_case_file_with_the_phone_masked_unless_pii():
    shown = present_case(CASE, who("rights_officer"))
    assert shown["claimant_name"] == "陈静" and shown["claimant_phone"] == "139****5678" and shown["details"]
    assert present_case(CASE, who("admin", "pii"))["claimant_phone"] == "13912345678"


def test_chairs_and_auditors_see_the_course_not_the_file():
    for principal in (who("union_chair", organisation_id="7"), who("auditor", "pii")):
        shown = present_case(CASE, principal)
        assert not {"claimant_name", "claimant_phone", "employer_name", "description", "lawyer_name"} & set(shown)
        assert shown["details"] is False and shown["amount_claimed_fen"] == 100
        assert shown["hardship_referral"]["reason"] is None and shown["history"][0]["note"] is None


def test_hotline_phones_are_masked_unless_pii():
    order = {"id": "1", "phone": "0535-6212345"}
    assert present_order(order, who("rights_officer"))["phone"] == "053*******45"
    assert present_order({"phone": "13812345678"}, who("auditor"))["phone"] == "138****5678"
    assert present_order(order, who("rights_officer", "pii"))["phone"] == "0535-6212345"
