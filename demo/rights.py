"""Rights' part of the city's year: "1+3" collective contracts, dispute cases, hotline orders, legal education.

Counted as the report counts: enterprises holding all four kinds of contract
in force at some time in the year, cases closed in the year, hotline orders
received in the year and their wages, legal-education events held in the
year and their brochures. Noise: enterprises with only some kinds, contracts
that ran out before the year, cases still open or closed in other years,
orders and events of other years.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from demo.client import Client, say
from demo.plan import City

API = "/api/v1"
KINDS = ("comprehensive", "wages", "female_workers", "safety")
CASE_KINDS = ("wage_arrears", "dismissal", "work_injury", "social_insurance", "contract")
ORDER_CATEGORIES = ("wage_arrears", "labour_contract", "social_insurance", "work_injury", "dismissal")
OUTCOMES = ("won", "partly_won", "settled")


@dataclass
class RightsTargets:
    cases_closed: int = 132
    enterprises_with_contracts: int = 582
    hotline_orders: int = 19
    hotline_wage_fen: int = 44_700_000
    legal_events: int = 15
    brochures: int = 3_200
    partial_contracts: int = 60
    expired_sets: int = 30
    cases_open: int = 25
    cases_other_years: int = 40
    orders_other_years: int = 8
    events_other_years: int = 6

    @classmethod
    def drawn(cls, rng: random.Random) -> RightsTargets:
        orders = rng.randint(1, 6)
        events = rng.randint(1, 4)
        return cls(cases_closed=rng.randint(1, 8), enterprises_with_contracts=rng.randint(1, 4),
                   hotline_orders=orders, hotline_wage_fen=orders * rng.randint(100_000, 3_000_000),
                   legal_events=events, brochures=events * rng.randint(20, 300), partial_contracts=rng.randint(1, 3),
                   expired_sets=1, cases_open=rng.randint(1, 3), cases_other_years=rng.randint(1, 3),
                   orders_other_years=rng.randint(1, 2), events_other_years=1)


@dataclass
class Contract:
    organisation: int
    kind: str
    signed_on: date
    expires_on: date
    workers: int


@dataclass
class Case:
    organisation: int
    kind: str
    claimed_fen: int
    opened_on: date
    closed_on: date | None
    recovered_fen: int = 0


@dataclass
class Order:
    organisation: int
    category: str
    wage_fen: int
    received_on: date
    phone: str = "13905361234"


@dataclass
class LegalEvent:
    organisation: int
    held_on: date
    kind: str
    attendees: int
    brochures: int


@dataclass
class RightsPlan:
    targets: RightsTargets
    year: int
    contracts: list[Contract] = field(default_factory=list)
    cases: list[Case] = field(default_factory=list)
    orders: list[Order] = field(default_factory=list)
    events: list[LegalEvent] = field(default_factory=list)


def _day(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randrange((last - first).days + 1))


def _split(rng: random.Random, total: int, parts: int) -> list[int]:
    cuts = sorted(rng.sample(range(1, total), parts - 1)) if parts > 1 else []
    return [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)]


def plan_rights(city: City, targets: RightsTargets, seed: int) -> RightsPlan:
    rng = random.Random(seed + 2)
    year = city.targets.year
    plan = RightsPlan(targets, year)
    employers = [o for o in city.organisations if o.kind == "grassroots" and o.established_on.year < year - 1]
    members = {o.index: 0 for o in employers}
    for p in city.people:
        if p.organisation in members:
            members[p.organisation] += 1
    # A small city may have fewer employers than drawn: the noise gives way first.
    targets.enterprises_with_contracts = min(targets.enterprises_with_contracts, len(employers))
    targets.partial_contracts = min(targets.partial_contracts, len(employers) - targets.enterprises_with_contracts)
    targets.expired_sets = min(targets.expired_sets, len(employers) - targets.enterprises_with_contracts
                               - targets.partial_contracts)
    chosen = rng.sample(employers, targets.enterprises_with_contracts + targets.partial_contracts
                        + targets.expired_sets)
    for number, org in enumerate(chosen):
        workers = max(1, members[org.index])
        if number < targets.enterprises_with_contracts:      # the whole set, in force in the year
            signed = _day(rng, date(year - 2, 1, 15), date(year, 11, 30))
            kinds = KINDS
        elif number < targets.enterprises_with_contracts + targets.partial_contracts:
            signed = _day(rng, date(year - 1, 1, 15), date(year, 6, 30))
            kinds = ("comprehensive", *rng.sample(KINDS[1:], rng.randint(0, 2)))
        else:                                                  # ran out before the year
            signed = _day(rng, date(year - 4, 1, 15), date(year - 4, 12, 1))
            kinds = KINDS
        for kind in kinds:
            term = 3 if number < targets.enterprises_with_contracts + targets.partial_contracts else 2
            expires = signed.replace(year=signed.year + term) - timedelta(days=1)
            plan.contracts.append(Contract(org.index, kind, signed, expires, workers))

    for number in range(targets.cases_closed + targets.cases_open + targets.cases_other_years):
        org = rng.choice(employers)
        claimed = rng.randint(500_000, 8_000_000)
        if number < targets.cases_closed:
            opened = _day(rng, date(year - 1, 10, 1), date(year, 11, 30))
            closed = _day(rng, max(opened, date(year, 1, 2)), date(year, 12, 28))
        elif number < targets.cases_closed + targets.cases_open:
            opened, closed = _day(rng, date(year, 6, 1), date(year, 12, 20)), None
        else:
            other = rng.choice((year - 1, year + 1))
            opened = _day(rng, date(other, 1, 5), date(other, 10, 30))
            closed = _day(rng, opened, date(other, 12, 28))
        recovered = rng.randint(claimed // 3, claimed) if closed else 0
        plan.cases.append(Case(org.index, rng.choice(CASE_KINDS), claimed, opened, closed, recovered))

    wages = _split(rng, targets.hotline_wage_fen, targets.hotline_orders)
    for amount in wages:
        plan.orders.append(Order(rng.choice(employers).index, "wage_arrears", amount,
                                 _day(rng, date(year, 1, 3), date(year, 12, 28)), f"139{rng.randrange(10**8):08d}"))
    for _ in range(targets.orders_other_years):
        other = rng.choice((year - 1, year + 1))
        plan.orders.append(Order(rng.choice(employers).index, rng.choice(ORDER_CATEGORIES),
                                 rng.randint(100_000, 2_000_000), _day(rng, date(other, 1, 3), date(other, 12, 28))))

    hosts = [o for o in city.organisations if o.kind == "federation"]
    for brochures in _split(rng, targets.brochures, targets.legal_events):
        plan.events.append(LegalEvent(rng.choice(hosts).index, _day(rng, date(year, 1, 10), date(year, 12, 20)),
                                      rng.choice(("online", "offline")), rng.randint(30, 400), brochures))
    for _ in range(targets.events_other_years):
        plan.events.append(LegalEvent(rng.choice(hosts).index, _day(rng, date(year - 1, 1, 10),
                                                                    date(year - 1, 12, 20)),
                                      "offline", rng.randint(30, 400), rng.randint(50, 300)))
    return plan


def expected_rights(city: City, plan: RightsPlan, root: int | None = None) -> dict[str, int]:
    year = plan.year
    first, last = date(year, 1, 1), date(year, 12, 31)
    kinds: dict[int, set[str]] = {}
    for c in plan.contracts:
        if city.in_subtree(c.organisation, root) and c.signed_on <= last and c.expires_on >= first:
            kinds.setdefault(c.organisation, set()).add(c.kind)
    orders = [o for o in plan.orders if o.received_on.year == year and city.in_subtree(o.organisation, root)]
    events = [e for e in plan.events if e.held_on.year == year and city.in_subtree(e.organisation, root)]
    return {
        "cases_closed": sum(1 for c in plan.cases if c.closed_on and c.closed_on.year == year
                            and city.in_subtree(c.organisation, root)),
        "enterprises_with_contracts": sum(1 for found in kinds.values() if found >= set(KINDS)),
        "hotline_orders": len(orders),
        "hotline_wage_fen": sum(o.wage_fen for o in orders),
        "legal_events": len(events),
        "brochures": sum(e.brochures for e in events),
    }


def load_rights(api: Client, city: City, plan: RightsPlan, fake_name: Callable[[], str]) -> None:
    orgs = city.organisations

    def contract(c: Contract) -> None:
        api.post_known(f"{API}/collective-contracts", {
            "organisation_id": orgs[c.organisation].id, "kind": c.kind, "signed_on": c.signed_on.isoformat(),
            "expires_on": c.expires_on.isoformat(), "workers_covered": c.workers})

    # Names drawn before the parallel part, so a seed gives the same names whatever the threads do.
    claimants = {id(c): (fake_name(), fake_name()) for c in plan.cases}
    callers = {id(o): fake_name() for o in plan.orders}

    def case(c: Case) -> None:
        claimant, lawyer = claimants[id(c)]
        employer = (orgs[c.organisation].employer or {}).get("name", orgs[c.organisation].name)
        made = api.post_known(f"{API}/dispute-cases", {
            "claimant_name": claimant, "organisation_id": orgs[c.organisation].id, "employer_name": employer,
            "kind": c.kind, "amount_claimed_fen": c.claimed_fen, "opened_on": c.opened_on.isoformat()})
        base = f"{API}/dispute-cases/{made['id']}"
        assigned = min(c.opened_on + timedelta(days=2), c.closed_on or date.max)
        api.post(f"{base}/assign", {"lawyer_name": lawyer, "legal_aid": True, "on": assigned.isoformat()})
        if c.closed_on is None:
            return
        api.post(f"{base}/mediate", {"on": assigned.isoformat()})
        api.post(f"{base}/close", {"outcome": "settled" if c.recovered_fen < c.claimed_fen else "won",
                                   "amount_recovered_fen": c.recovered_fen, "on": c.closed_on.isoformat()})

    def order(o: Order) -> None:
        received = datetime.combine(o.received_on, time(9, 30), UTC)
        api.post_known(f"{API}/hotline-orders", {
            "caller_name": callers[id(o)], "phone": o.phone, "category": o.category,
            "wage_amount_fen": o.wage_fen, "description": "反映用人单位拖欠工资",
            "organisation_id": orgs[o.organisation].id, "received_at": received.isoformat()})

    def event(e: LegalEvent) -> None:
        api.post_known(f"{API}/legal-events", {
            "held_on": e.held_on.isoformat(), "kind": e.kind, "attendees": e.attendees, "brochures": e.brochures,
            "title": "“尊法守法·携手筑梦”服务农民工公益法律服务行动", "organisation_id": orgs[e.organisation].id})

    api.parallel("collective contracts", plan.contracts, contract)
    api.parallel("dispute cases", plan.cases, case)
    api.parallel("hotline orders", plan.orders, order)
    api.parallel("legal-education events", plan.events, event)
    if not api.quiet:
        say(f"  rights: {len(plan.contracts)} contracts, {len(plan.cases)} cases, {len(plan.orders)} orders, "
            f"{len(plan.events)} events")
