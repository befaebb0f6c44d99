"""The rights hotline's work orders: intake with a due time, assignment, resolution,
the return visit, closing, escalation into a dispute case."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.chassis.database import UnitOfWork
from services.chassis.errors import InvalidInput, NotFound
from services.chassis.schemas import load
from services.rights import cases, common, events, schemas
from services.rights.domain import hotline as rules
from services.rights.domain.calendar import add_working_days, aware
from services.rights.models import HotlineOrder


@dataclass(frozen=True)
class ServiceLevels:
    """Working days to close an order, per category, and the public holidays that do not count."""

    days: dict[str, int] = field(default_factory=rules.service_days)
    holidays: frozenset[date] = frozenset()

    @classmethod
    def from_config(cls, config: dict[str, Any] | None = None) -> ServiceLevels:
        """From the nameko config (HOTLINE_SERVICE_DAYS, HOLIDAYS) or the environment
        (RIGHTS_HOTLINE_SERVICE_DAYS, e.g. `wage_arrears=2,other=4`; RIGHTS_HOLIDAYS, `2022-10-03,...`)."""
        config = config or {}
        days = config.get("HOTLINE_SERVICE_DAYS") or os.environ.get("RIGHTS_HOTLINE_SERVICE_DAYS")
        holidays = config.get("HOLIDAYS") or os.environ.get("RIGHTS_HOLIDAYS")
        return cls(rules.service_days(days), rules.parse_holidays(holidays))

    def due_at(self, category: str, received_at: datetime) -> datetime:
        return add_working_days(received_at, self.days[category], self.holidays)


def receive_order(db: UnitOfWork, data: dict[str, Any], levels: ServiceLevels, within: Any = None) -> dict:
    data = load(schemas.OrderCreateSchema, data)
    session = db.session
    scope = common.directory.scope_path(session, within)
    organisation_id, path, member_id = data.get("organisation_id"), None, data.get("member_id")
    if member_id is not None:
        try:
            member = common.directory.member(session, member_id, scope, "member_id")
        except NotFound:
            raise InvalidInput.field("member_id", "no such member") from None
        organisation_id, path = member["organisation_id"], member["organisation_path"]
    elif organisation_id is not None:
        path = common.organisation_path(session, organisation_id, scope)
    elif scope is not None:
        raise InvalidInput.field("organisation_id", "name your union so the order is yours to see")
    received_at = (data.get("received_at") or common.now()).astimezone(UTC)
    if received_at > common.now():
        raise InvalidInput.field("received_at", "is in the future")
    order = HotlineOrder(
        organisation_id=organisation_id, organisation_path=path, member_id=member_id,
        caller_name=data["caller_name"], phone=data["phone"], category=data["category"],
        wage_amount_fen=data["wage_amount_fen"], description=data["description"], status="received",
        received_at=received_at, due_at=levels.due_at(data["category"], received_at),
    )
    session.add(order)
    session.flush()
    return order_view(order)


def find_order(session: Session, order_id: int, scope: str | None, for_update: bool = False) -> HotlineOrder:
    stmt = select(HotlineOrder).where(HotlineOrder.id == order_id)
    if for_update:
        stmt = stmt.with_for_update()
    order = session.scalars(stmt).first()
    if order is None or not common.visible(order.organisation_path, scope):
        raise NotFound(f"no hotline order {order_id}")
    return order


SCHEMAS = {"assign": schemas.OrderAssignSchema, "resolve": schemas.OrderResolveSchema,
           "visit": schemas.OrderVisitSchema, "close": schemas.OrderCloseSchema}


def act_on_order(db: UnitOfWork, order_id: int, action: str, data: dict[str, Any], within: Any = None) -> dict:
    """assign, resolve, visit or close, as the order's life allows."""
    if action not in SCHEMAS:
        raise NotFound(f"no action {action!r}")
    data = load(SCHEMAS[action], data)
    session = db.session
    order = find_order(session, order_id, common.directory.scope_path(session, within), for_update=True)
    order.status = rules.next_status(order.status, action)
    moment = common.now()
    if action == "assign":
        order.handler_name, order.assigned_at = data["handler_name"], moment
    elif action == "resolve":
        order.resolution, order.resolved_at = data["resolution"], moment
        if data.get("wage_amount_fen") is not None:  # the wages at stake, as found out
            order.wage_amount_fen = data["wage_amount_fen"]
    elif action == "visit":
        order.satisfaction, order.visit_note, order.visited_at = data["satisfaction"], data.get("note"), moment
    else:
        order.finished_at = moment
        if data.get("note"):
            order.visit_note = order.visit_note or data["note"]
        session.flush()
        db.publish(events.HOTLINE_ORDER_CLOSED, {
            "order_id": str(order.id), "category": order.category,
            "organisation_id": str(order.organisation_id) if order.organisation_id else None,
            "wage_amount_fen": order.wage_amount_fen, "satisfaction": order.satisfaction,
            "on_time": rules.finished_on_time(order.finished_at, order.due_at), "closed_at": moment.isoformat(),
        })
    session.flush()
    return order_view(order)


def escalate_order(db: UnitOfWork, order_id: int, data: dict[str, Any], within: Any = None) -> dict:
    """Open a dispute case from the order; each keeps the other's id."""
    data = load(schemas.OrderEscalateSchema, data)
    session = db.session
    scope = common.directory.scope_path(session, within)
    order = find_order(session, order_id, scope, for_update=True)
    order.status = rules.next_status(order.status, "escalate")
    case = cases.open_case(session, {
        "claimant_name": order.caller_name, "claimant_phone": order.phone, "member_id": order.member_id,
        "organisation_id": order.organisation_id if order.member_id is None else None,
        "employer_name": data["employer_name"], "kind": data["kind"],
        "amount_claimed_fen": data["amount_claimed_fen"] if data.get("amount_claimed_fen") is not None
        else order.wage_amount_fen,
        "description": order.description,
    }, None, hotline_order_id=order.id)
    order.case_id = case.id
    order.finished_at = common.now()
    session.flush()
    return order_view(order)


def get_order(db: UnitOfWork, order_id: int, within: Any = None) -> dict:
    session = db.session
    return order_view(find_order(session, order_id, common.directory.scope_path(session, within)))


def list_orders(db: UnitOfWork, query: dict[str, Any], within: Any = None) -> dict:
    query = common.load_query(schemas.OrderQuerySchema, query)
    session = db.session
    stmt = common.scoped(session, HotlineOrder, within, query["organisation_id"])
    if query["status"]:
        stmt = stmt.where(HotlineOrder.status == query["status"])
    if query["category"]:
        stmt = stmt.where(HotlineOrder.category == query["category"])
    if query["overdue"] is not None:
        late = (HotlineOrder.status.not_in(rules.FINISHED)) & (HotlineOrder.due_at < common.now())
        stmt = stmt.where(late if query["overdue"] else ~late)
    return common.page(common.page_rows(session, stmt, HotlineOrder, query), query["limit"], order_view)


def _utc(moment: datetime | None) -> datetime | None:
    return None if moment is None else aware(moment)


def order_view(order: HotlineOrder) -> dict:
    """The whole order, phone in full: the gateway masks it for callers without pii."""
    due_at = _utc(order.due_at)
    finished_at = _utc(order.finished_at)
    return {
        "id": str(order.id), "caller_name": order.caller_name, "phone": order.phone, "category": order.category,
        "wage_amount_fen": order.wage_amount_fen, "description": order.description, "status": order.status,
        "organisation_id": str(order.organisation_id) if order.organisation_id else None,
        "member_id": str(order.member_id) if order.member_id else None,
        "received_at": common.iso(_utc(order.received_at)), "due_at": common.iso(due_at),
        "overdue": rules.is_overdue(order.status, due_at, common.now()),
        "handler_name": order.handler_name, "assigned_at": common.iso(_utc(order.assigned_at)),
        "resolution": order.resolution, "resolved_at": common.iso(_utc(order.resolved_at)),
        "satisfaction": order.satisfaction, "visit_note": order.visit_note,
        "visited_at": common.iso(_utc(order.visited_at)), "finished_at": common.iso(finished_at),
        "on_time": rules.finished_on_time(finished_at, due_at) if finished_at else None,
        "case_id": str(order.case_id) if order.case_id else None,
    }
