"""Rights' business figures for Prometheus (see services.chassis.figures): hotline work orders open
and overdue, collective contracts expiring within 90 days (not yet renewed), by kind."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.chassis.figures import Figure
from services.rights.domain.contracts import KINDS
from services.rights.domain.hotline import FINISHED
from services.rights.models import CollectiveContract, HotlineOrder

EXPIRING_DAYS = 90

HELP = {
    "union_rights_hotline_orders_open": "Rights hotline work orders not yet closed or escalated.",
    "union_rights_hotline_orders_overdue": "Open rights hotline work orders past their deadline.",
    "union_rights_contracts_expiring_90d": "Collective contracts expiring within 90 days and not yet renewed, by kind.",
}


def figures(session: Session, now: datetime | None = None) -> list[Figure]:
    now = now or datetime.now(UTC)
    today = now.date()
    open_orders = HotlineOrder.status.not_in(FINISHED)
    opened = session.scalar(select(func.count()).select_from(HotlineOrder).where(open_orders))
    overdue = session.scalar(select(func.count()).select_from(HotlineOrder).where(open_orders,
                                                                                  HotlineOrder.due_at < now))
    expiring = dict(session.execute(
        select(CollectiveContract.kind, func.count())
        .where(CollectiveContract.expires_on >= today,
               CollectiveContract.expires_on <= today + timedelta(days=EXPIRING_DAYS),
               CollectiveContract.renewed_by_id.is_(None))
        .group_by(CollectiveContract.kind)).all())
    return [
        ("union_rights_hotline_orders_open", {}, float(opened or 0)),
        ("union_rights_hotline_orders_overdue", {}, float(overdue or 0)),
        *(("union_rights_contracts_expiring_90d", {"kind": kind}, float(expiring.get(kind, 0))) for kind in KINDS),
    ]
