"""Honours for craftsmen named in training (its `craftsman_named` event, chief and gold only).

Applied once per nomination: the inbox drops a redelivered event, and an
honour already recorded for the member, title, level and year (what one
nomination names) is left alone, so a re-sent event changes nothing either.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import select

from services.chassis.database import UnitOfWork
from services.membership import events
from services.membership.models import Honour, Member

log = logging.getLogger(__name__)

TITLES = {"chief": "首席工匠", "gold": "金牌工匠"}
HONOUR_LEVEL = "city"


def record_craftsman_honour(db: UnitOfWork, data: dict[str, Any]) -> bool:
    """Record the honour; False when there is nothing to do (known already, or not an honoured level)."""
    title = TITLES.get(data.get("level", ""))
    if title is None:
        return False
    session = db.session
    member = session.get(Member, int(data["member_id"]))
    if member is None:
        log.warning("craftsman_named for unknown member %s (nomination %s)", data["member_id"],
                    data.get("nomination_id"))
        return False
    year = int(data["year"])
    if session.scalar(select(Honour.id).where(Honour.member_id == member.id, Honour.title == title,
                                              Honour.level == HONOUR_LEVEL, Honour.year == year)):
        return False
    honour = Honour(member_id=member.id, title=title, level=HONOUR_LEVEL, year=year)
    session.add(honour)
    session.flush()
    db.publish(events.HONOUR_AWARDED, {
        "honour_id": str(honour.id), "member_id": str(member.id),
        "title": honour.title, "level": honour.level, "year": honour.year,
    })
    return True
