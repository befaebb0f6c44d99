"""The welfare service: the fund ledger and what pays out of it.

Entrypoints only translate: ids from strings, the call into `operations`,
the result out. `within` is the caller's scope (an organisation id): the
call sees that organisation and the ones below it only.
"""

from __future__ import annotations

from typing import Any

from services.chassis.database import Database
from services.chassis.directory import MembershipDirectory
from services.chassis.entrypoints import event_handler, rpc
from services.chassis.errors import NotFound
from services.chassis.telemetry import ServiceBase
from services.welfare import events, operations
from services.welfare.models import Base


def as_id(value: Any, what: str = "object") -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise NotFound(f"{what} {value!r} not found") from None
    if not 0 < number < 2**63:
        raise NotFound(f"{what} {value!r} not found")
    return number


class WelfareService(ServiceBase, MembershipDirectory):
    name = "welfare"

    db = Database(Base.metadata)
    directory = operations.directory

    @rpc
    def ping(self) -> str:
        return "pong"

    # ledger
    @rpc
    def list_funds(self, within: Any = None) -> dict:
        return operations.list_funds(self.db, within)

    @rpc
    def fund_entries(self, code: str, query: dict, within: Any = None) -> dict:
        return operations.fund_entries(self.db, str(code), query, within)

    @rpc
    def deposit(self, code: str, data: dict, within: Any = None) -> dict:
        return operations.deposit(self.db, str(code), data, within)

    @rpc
    def get_transaction(self, transaction_id: Any, within: Any = None) -> dict:
        return operations.get_transaction(self.db, as_id(transaction_id, "transaction"), within)

    @rpc
    def reverse_transaction(self, transaction_id: Any, data: dict, within: Any = None) -> dict:
        return operations.reverse_transaction(self.db, as_id(transaction_id, "transaction"), data, within)

    @rpc
    def close_year(self, data: dict, closed_by: str | None = None, within: Any = None) -> dict:
        return operations.close_year(self.db, data, closed_by, within)

    @rpc
    def list_closes(self, within: Any = None) -> dict:
        return operations.list_closes(self.db, within)

    @rpc
    def trial_balance(self, within: Any = None) -> dict:
        return operations.trial_balance(self.db, within)

    # dues refund
    @rpc
    def refund_dues(self, data: dict, within: Any = None) -> dict:
        return operations.refund_dues(self.db, data, within)

    @rpc
    def list_dues_refunds(self, query: dict, within: Any = None) -> dict:
        return operations.list_dues_refunds(self.db, query, within)

    # mutual aid
    @rpc
    def create_plan(self, data: dict, within: Any = None) -> dict:
        return operations.create_plan(self.db, data, within)

    @rpc
    def list_plans(self, query: dict, within: Any = None) -> dict:
        return operations.list_plans(self.db, query)

    @rpc
    def get_plan(self, plan_id: Any, within: Any = None) -> dict:
        return operations.get_plan(self.db, as_id(plan_id, "plan"))

    @rpc
    def enrol(self, data: dict, within: Any = None) -> dict:
        return operations.enrol(self.db, data, within)

    @rpc
    def member_cover(self, member_id: Any, within: Any = None) -> dict:
        return operations.member_cover(self.db, as_id(member_id, "member"), within)

    @rpc
    def file_claim(self, data: dict, within: Any = None) -> dict:
        return operations.file_claim(self.db, data, within)

    @rpc
    def get_claim(self, claim_id: Any, within: Any = None) -> dict:
        return operations.get_claim(self.db, as_id(claim_id, "claim"), within)

    @rpc
    def list_claims(self, query: dict, within: Any = None) -> dict:
        return operations.list_claims(self.db, query, within)

    @rpc
    def approve_claim(self, claim_id: Any, data: dict, within: Any = None) -> dict:
        return operations.approve_claim(self.db, as_id(claim_id, "claim"), data, within)

    @rpc
    def reject_claim(self, claim_id: Any, data: dict, within: Any = None) -> dict:
        return operations.reject_claim(self.db, as_id(claim_id, "claim"), data, within)

    @rpc
    def pay_claim(self, claim_id: Any, within: Any = None) -> dict:
        return operations.pay_claim(self.db, as_id(claim_id, "claim"), within)

    @rpc
    def pay_claims(self, data: dict, within: Any = None) -> dict:
        return operations.pay_claims(self.db, data, within)

    # hardship relief
    @rpc
    def open_case(self, data: dict, within: Any = None) -> dict:
        return operations.open_case(self.db, data, within)

    @rpc
    def get_case(self, case_id: Any, within: Any = None) -> dict:
        return operations.get_case(self.db, as_id(case_id, "hardship case"), within)

    @rpc
    def list_cases(self, query: dict, within: Any = None) -> dict:
        return operations.list_cases(self.db, query, within)

    @rpc
    def review_case(self, case_id: Any, data: dict, within: Any = None) -> dict:
        return operations.review_case(self.db, as_id(case_id, "hardship case"), data, within)

    @rpc
    def make_grant(self, case_id: Any, data: dict, within: Any = None) -> dict:
        return operations.make_grant(self.db, as_id(case_id, "hardship case"), data, within)

    @rpc
    def list_grants(self, query: dict, within: Any = None) -> dict:
        return operations.list_grants(self.db, query, within)

    @rpc
    def object_to_grant(self, grant_id: Any, data: dict, within: Any = None) -> dict:
        return operations.object_to_grant(self.db, as_id(grant_id, "grant"), data, within)

    @rpc
    def pay_grant(self, grant_id: Any, within: Any = None) -> dict:
        return operations.pay_grant(self.db, as_id(grant_id, "grant"), within)

    @event_handler("rights", events.HARDSHIP_REFERRED)
    def handle_hardship_referred(self, event: dict) -> None:
        operations.open_referred_case(self.db, event["data"])

    # condolence visits and subsidies
    @rpc
    def record_visit(self, data: dict, within: Any = None) -> dict:
        return operations.record_visit(self.db, data, within)

    @rpc
    def list_visits(self, query: dict, within: Any = None) -> dict:
        return operations.list_visits(self.db, query, within)

    @rpc
    def apply_subsidy(self, data: dict, within: Any = None) -> dict:
        return operations.apply_subsidy(self.db, data, within)

    @rpc
    def get_subsidy(self, subsidy_id: Any, within: Any = None) -> dict:
        return operations.get_subsidy(self.db, as_id(subsidy_id, "subsidy"), within)

    @rpc
    def list_subsidies(self, query: dict, within: Any = None) -> dict:
        return operations.list_subsidies(self.db, query, within)

    @rpc
    def approve_subsidy(self, subsidy_id: Any, data: dict, within: Any = None) -> dict:
        return operations.approve_subsidy(self.db, as_id(subsidy_id, "subsidy"), data, within)

    @rpc
    def reject_subsidy(self, subsidy_id: Any, data: dict, within: Any = None) -> dict:
        return operations.reject_subsidy(self.db, as_id(subsidy_id, "subsidy"), data, within)

    @rpc
    def pay_subsidy(self, subsidy_id: Any, within: Any = None) -> dict:
        return operations.pay_subsidy(self.db, as_id(subsidy_id, "subsidy"), within)

    # payouts asked for by training
    @event_handler("training", events.REWARD_REQUESTED)
    def handle_reward_requested(self, event: dict) -> None:
        operations.pay_reward(self.db, event["data"])

    @rpc
    def list_rewards(self, query: dict, within: Any = None) -> dict:
        return operations.list_rewards(self.db, query, within)

    # figures and the member copy
    @rpc
    def annual_stats(self, year: int, within: Any = None) -> dict:
        return operations.annual_stats(self.db, int(year), within)

    @rpc
    def get_member_copy(self, member_id: Any) -> dict:
        return operations.member_copy(self.db, as_id(member_id, "member"))

    @rpc
    def member_copy_counts(self) -> dict:
        return operations.member_copy_counts(self.db)
