"""The rights service: collective contracts, labour dispute cases with legal aid, the hotline's
work orders, legal-education events.

Entrypoints only translate: ids from strings, the call into the use-case
modules, the result out. `within` is the caller's organisation (None for the
whole federation); objects of other unions answer NotFound.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from nameko.dependency_providers import Config
from nameko.timer import timer

from services.chassis.database import Database
from services.chassis.directory import MembershipDirectory
from services.chassis.entrypoints import rpc
from services.chassis.errors import InvalidInput
from services.chassis.telemetry import ServiceBase
from services.rights import cases, common, contracts, education, hotline, negotiations, stats
from services.rights.common import as_id
from services.rights.models import Base

EXPIRY_CHECK_SECONDS = 3600  # a daily job, run hourly: each notice goes out once whatever the rate


class RightsService(ServiceBase, MembershipDirectory):
    name = "rights"

    db = Database(Base.metadata)
    config = Config()
    directory = common.directory

    def _levels(self) -> hotline.ServiceLevels:
        return hotline.ServiceLevels.from_config(self.config)

    @rpc
    def ping(self) -> str:
        return "pong"

    # collective negotiation
    @rpc
    def start_negotiation(self, data: dict, within: Any = None) -> dict:
        return negotiations.start(self.db, data, within)

    @rpc
    def negotiation_round(self, negotiation_id: Any, data: dict, within: Any = None) -> dict:
        return negotiations.hold_round(self.db, as_id(negotiation_id, "negotiation"), data, within)

    @rpc
    def congress_vote(self, negotiation_id: Any, data: dict, within: Any = None) -> dict:
        return negotiations.take_vote(self.db, as_id(negotiation_id, "negotiation"), data, within)

    @rpc
    def sign_negotiated(self, negotiation_id: Any, data: dict, within: Any = None) -> dict:
        return negotiations.sign(self.db, as_id(negotiation_id, "negotiation"), data, within)

    @rpc
    def get_negotiation(self, negotiation_id: Any, within: Any = None) -> dict:
        return negotiations.get(self.db, as_id(negotiation_id, "negotiation"), within)

    @rpc
    def list_negotiations(self, query: dict, within: Any = None) -> dict:
        return negotiations.list_negotiations(self.db, query, within)

    # collective contracts
    @rpc
    def sign_contract(self, data: dict, within: Any = None) -> dict:
        return contracts.create_contract(self.db, data, within)

    @rpc
    def renew_contract(self, contract_id: Any, data: dict, within: Any = None) -> dict:
        return contracts.renew_contract(self.db, as_id(contract_id, "contract"), data, within)

    @rpc
    def file_contract(self, contract_id: Any, data: dict, within: Any = None) -> dict:
        return contracts.record_filing(self.db, as_id(contract_id, "contract"), data, within)

    @rpc
    def review_contract(self, contract_id: Any, data: dict, within: Any = None) -> dict:
        return contracts.record_review(self.db, as_id(contract_id, "contract"), data, within)

    @rpc
    def get_contract(self, contract_id: Any, within: Any = None) -> dict:
        return contracts.get_contract(self.db, as_id(contract_id, "contract"), within)

    @rpc
    def list_contracts(self, query: dict, within: Any = None) -> dict:
        return contracts.list_contracts(self.db, query, within)

    @rpc
    def list_enterprises(self, query: dict, within: Any = None) -> dict:
        return contracts.enterprises(self.db, query, within)

    @rpc
    def send_expiry_notices(self, on: str | None = None) -> int:
        """Run the daily expiry check now (operators, tests); `on` a YYYY-MM-DD day."""
        try:
            day = date.fromisoformat(on) if on else None
        except ValueError:
            raise InvalidInput.field("on", "not a YYYY-MM-DD date") from None
        return contracts.send_expiry_notices(self.db, day)

    @timer(interval=EXPIRY_CHECK_SECONDS, eager=True)
    def expiry_check(self) -> None:
        contracts.send_expiry_notices(self.db)

    # dispute cases
    @rpc
    def file_case(self, data: dict, within: Any = None) -> dict:
        return cases.file_case(self.db, data, within)

    @rpc
    def get_case(self, case_id: Any, within: Any = None) -> dict:
        return cases.get_case(self.db, as_id(case_id, "case"), within)

    @rpc
    def list_cases(self, query: dict, within: Any = None) -> dict:
        return cases.list_cases(self.db, query, within)

    @rpc
    def assign_case(self, case_id: Any, data: dict, within: Any = None) -> dict:
        return cases.assign_case(self.db, as_id(case_id, "case"), data, within)

    @rpc
    def advance_case(self, case_id: Any, action: str, data: dict, within: Any = None) -> dict:
        return cases.advance_case(self.db, as_id(case_id, "case"), action, data, within)

    @rpc
    def close_case(self, case_id: Any, data: dict, within: Any = None) -> dict:
        return cases.close_case(self.db, as_id(case_id, "case"), data, within)

    @rpc
    def refer_hardship(self, case_id: Any, data: dict, within: Any = None) -> dict:
        return cases.refer_hardship(self.db, as_id(case_id, "case"), data, within)

    # hotline work orders
    @rpc
    def receive_order(self, data: dict, within: Any = None) -> dict:
        return hotline.receive_order(self.db, data, self._levels(), within)

    @rpc
    def get_order(self, order_id: Any, within: Any = None) -> dict:
        return hotline.get_order(self.db, as_id(order_id, "order"), within)

    @rpc
    def list_orders(self, query: dict, within: Any = None) -> dict:
        return hotline.list_orders(self.db, query, within)

    @rpc
    def act_on_order(self, order_id: Any, action: str, data: dict, within: Any = None) -> dict:
        return hotline.act_on_order(self.db, as_id(order_id, "order"), action, data, within)

    @rpc
    def escalate_order(self, order_id: Any, data: dict, within: Any = None) -> dict:
        return hotline.escalate_order(self.db, as_id(order_id, "order"), data, within)

    @rpc
    def service_levels(self, within: Any = None) -> dict:
        """The same for every caller; `within` is taken so a caller bound to a union may read it too."""
        levels = self._levels()
        return {"working_days": levels.days, "holidays": sorted(d.isoformat() for d in levels.holidays)}

    # legal education
    @rpc
    def record_legal_event(self, data: dict, within: Any = None) -> dict:
        return education.record_event(self.db, data, within)

    @rpc
    def get_legal_event(self, event_id: Any, within: Any = None) -> dict:
        return education.get_event(self.db, as_id(event_id, "legal event"), within)

    @rpc
    def list_legal_events(self, query: dict, within: Any = None) -> dict:
        return education.list_events(self.db, query, within)

    # figures
    @rpc
    def annual_stats(self, year: int, within: Any = None) -> dict:
        return stats.annual_stats(self.db, _year(year), within)

    @rpc
    def figures(self, year: int, within: Any = None) -> dict:
        return stats.figures(self.db, _year(year), within)


def _year(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise InvalidInput.field("year", "must be a year such as 2022") from None
