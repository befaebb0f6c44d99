"""Membership's business figures for Prometheus (see services.chassis.figures).

Every known category is reported, at zero when empty, so a dashboard shows
"0 new-form members" rather than no data.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.chassis.figures import Figure
from services.membership.domain.rules import EMPLOYMENT_FORMS, MEMBER_STATUSES, ORGANISATION_KINDS
from services.membership.models import Member, Organisation

HELP = {
    "union_members": "Members by employment form (standard, new_form) and status (active, left).",
    "union_organisations": "Union organisations by kind (federation, industry_federation, grassroots).",
}


def figures(session: Session) -> list[Figure]:
    members = {
        (form, status): count
        for form, status, count in session.execute(
            select(Member.employment_form, Member.status, func.count()).group_by(
                Member.employment_form, Member.status
            )
        )
    }
    organisations = dict(
        session.execute(select(Organisation.kind, func.count()).group_by(Organisation.kind)).all()
    )
    result: list[Figure] = [
        ("union_members", {"employment_form": form, "status": status}, float(members.get((form, status), 0)))
        for form in EMPLOYMENT_FORMS
        for status in MEMBER_STATUSES
    ]
    result += [
        ("union_organisations", {"kind": kind}, float(organisations.get(kind, 0))) for kind in ORGANISATION_KINDS
    ]
    return result
