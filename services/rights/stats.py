"""The year in figures, as the work report gives them."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select

from services.chassis.database import UnitOfWork
from services.rights import common, contracts
from services.rights.domain import contracts as contract_rules
from services.rights.domain import hotline as hotline_rules
from services.rights.domain.calendar import CHINA
from services.rights.models import DisputeCase, HotlineOrder, LegalEvent


def _year_moments(year: int) -> tuple[datetime, datetime]:
    """The year in China, as UTC instants [start, end)."""
    start, end = common.year_bounds(year)
    return (datetime.combine(start, time(), CHINA).astimezone(UTC),
            datetime.combine(end + timedelta(days=1), time(), CHINA).astimezone(UTC))


def annual_stats(db: UnitOfWork, year: int, within: Any = None) -> dict[str, int]:
    """API.md's rights block: cases closed, enterprises with the full "1+3" set in force
    during the year, hotline orders received and the wages they involved, legal-education
    events held and brochures handed out."""
    session = db.session
    scope = common.directory.scope_path(session, within)
    start, end = common.year_bounds(year)
    begin, finish = _year_moments(year)
    kinds = contracts.kinds_by_organisation(session, scope, start, end)
    orders = select(func.count(), func.coalesce(func.sum(HotlineOrder.wage_amount_fen), 0)).where(
        common.in_scope(HotlineOrder.organisation_path, scope),
        HotlineOrder.received_at >= begin, HotlineOrder.received_at < finish)
    order_count, wage_fen = session.execute(orders).one()
    held = select(func.count(), func.coalesce(func.sum(LegalEvent.brochures), 0)).where(
        common.in_scope(LegalEvent.organisation_path, scope), LegalEvent.held_on.between(start, end))
    event_count, brochures = session.execute(held).one()
    return {
        "cases_closed": session.scalar(select(func.count()).select_from(DisputeCase).where(
            common.in_scope(DisputeCase.organisation_path, scope), DisputeCase.status == "closed",
            DisputeCase.closed_on.between(start, end))),
        "enterprises_with_contracts": sum(1 for found in kinds.values() if contract_rules.full_set(found)),
        "hotline_orders": int(order_count),
        "hotline_wage_fen": int(wage_fen),
        "legal_events": int(event_count),
        "brochures": int(brochures),
    }


def figures(db: UnitOfWork, year: int, within: Any = None) -> dict[str, Any]:
    """More of the year than the annual report asks: for the rights pages."""
    session = db.session
    scope = common.directory.scope_path(session, within)
    start, end = common.year_bounds(year)
    begin, finish = _year_moments(year)
    kinds = contracts.kinds_by_organisation(session, scope, start, end)
    closed = list(session.execute(select(
        DisputeCase.outcome, func.count(), func.coalesce(func.sum(DisputeCase.amount_recovered_fen), 0),
    ).where(common.in_scope(DisputeCase.organisation_path, scope), DisputeCase.status == "closed",
            DisputeCase.closed_on.between(start, end)).group_by(DisputeCase.outcome)))
    finished = list(session.execute(select(HotlineOrder.finished_at, HotlineOrder.due_at, HotlineOrder.satisfaction)
                                    .where(common.in_scope(HotlineOrder.organisation_path, scope),
                                           HotlineOrder.finished_at >= begin, HotlineOrder.finished_at < finish)))
    on_time = sum(1 for f, due, _ in finished if hotline_rules.finished_on_time(f, due))
    scores = [s for _, _, s in finished if s is not None]
    return {
        "year": year,
        **annual_stats(db, year, within),
        "enterprises_with_any_contract": len(kinds),
        "cases_closed_by_outcome": {outcome: count for outcome, count, _ in closed},
        "amount_recovered_fen": int(sum(amount for _, _, amount in closed)),
        "hotline_orders_finished": len(finished),
        "hotline_on_time_rate": round(on_time / len(finished), 4) if finished else None,
        "hotline_visits": len(scores),
        "hotline_satisfied_rate": round(sum(1 for s in scores if s >= hotline_rules.SATISFIED_FROM) / len(scores), 4)
        if scores else None,
        "hotline_mean_satisfaction": round(sum(scores) / len(scores), 2) if scores else None,
    }
