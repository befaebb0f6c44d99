"""Welfare's part of the city's year: dues refunds, the mutual-aid plan, claims, the second relief.

Planned from the city (which unions are small enough for a refund, which
members a unit enrols), loaded through the welfare routes, and counted the
way the report counts: refunds by year, enrolments and premiums of the
year's plan, claims of the year's plan that were paid, second-relief grants
of the year that were paid. Noise: the year before's plan and refunds,
rejected and undecided claims, approved claims not yet paid, regular grants.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from demo.client import ApiError, Client, say
from demo.plan import City

API = "/api/v1"
CAPS = {"hospitalisation": 300_000, "accident": 500_000, "critical_illness": 1_000_000, "maternity": 100_000}
ANNUAL_CAP = 1_500_000


@dataclass
class WelfareTargets:
    dues_refunded_fen: int = 101_000_000
    dues_refund_units: int = 420
    mutual_aid_units: int = 76
    mutual_aid_members: int = 21_895
    premium_fen: int = 6_500              # 21,895 x 65 yuan = 1,423,175 yuan: the report's "142万元"
    claims_paid: int = 1_086
    claims_paid_fen: int = 90_612_300     # "90万余元"
    second_relief_members: int = 35
    second_relief_fen: int = 8_300_000
    claims_rejected: int = 120
    claims_filed: int = 40
    claims_approved_unpaid: int = 20
    units_year_before: int = 8
    members_year_before: int = 2_000
    claims_year_before: int = 150
    refunds_year_before: int = 300
    regular_grants: int = 15

    @classmethod
    def drawn(cls, rng: random.Random) -> WelfareTargets:
        members = rng.randint(20, 60)
        claims = rng.randint(5, min(40, members // 2))
        return cls(
            dues_refunded_fen=rng.randint(50_000, 3_000_000), dues_refund_units=rng.randint(2, 5),
            mutual_aid_units=rng.randint(2, 4), mutual_aid_members=members, premium_fen=rng.choice((5_000, 6_500)),
            claims_paid=claims, claims_paid_fen=claims * rng.randint(40_000, 90_000),
            second_relief_members=rng.randint(1, min(4, claims)), second_relief_fen=0,
            claims_rejected=rng.randint(1, 5), claims_filed=rng.randint(1, 3), claims_approved_unpaid=rng.randint(1, 3),
            units_year_before=1, members_year_before=rng.randint(5, 20), claims_year_before=rng.randint(1, 4),
            refunds_year_before=rng.randint(1, 3), regular_grants=rng.randint(1, 3),
        )


@dataclass
class Claim:
    person: int
    plan_year: int
    kind: str
    incurred_on: date
    claimed_fen: int
    approved_fen: int | None      # None: filed, or rejected
    outcome: str                  # paid, approved, rejected, filed
    id: str | None = None


@dataclass
class Relief:
    person: int
    kind: str                     # second_relief or regular
    amount_fen: int
    claim: int | None = None      # index into claims (second relief)
    episode_cost_fen: int | None = None


@dataclass
class WelfarePlan:
    targets: WelfareTargets
    year: int
    refunds: list[tuple[int, int, int]] = field(default_factory=list)        # (organisation, year, fen)
    enrolments: list[tuple[int, int, list[int]]] = field(default_factory=list)  # (year, unit, people)
    claims: list[Claim] = field(default_factory=list)
    reliefs: list[Relief] = field(default_factory=list)

    def needed_people(self) -> set[int]:
        return {p for _, _, people in self.enrolments for p in people}


def split(rng: random.Random, total: int, parts: int, low: int, high: int) -> list[int]:
    """`parts` amounts between about `low` and `high` that add up to `total` exactly."""
    amounts = [rng.randint(low, high) for _ in range(parts)]
    scale = total / sum(amounts)
    amounts = [max(1, int(a * scale)) for a in amounts]
    amounts[-1] += total - sum(amounts)
    while amounts[-1] < 1:  # rounding took too much from the last: spread it back
        i = rng.randrange(parts - 1)
        if amounts[i] > 1:
            amounts[i] -= 1
            amounts[-1] += 1
    return amounts


def plan_welfare(city: City, targets: WelfareTargets, seed: int) -> WelfarePlan:
    rng = random.Random(seed + 1)
    year = city.targets.year
    plan = WelfarePlan(targets, year)
    orgs = city.organisations
    refundable = [o for o in orgs if o.employer and o.employer["size"] in ("micro", "small")
                  and o.established_on.year < year]
    chosen = rng.sample(refundable, min(len(refundable), targets.dues_refund_units))
    for org, amount in zip(chosen, split(rng, targets.dues_refunded_fen, len(chosen), 100_000, 400_000), strict=True):
        plan.refunds.append((org.index, year, amount))
    for org in rng.sample(refundable, min(len(refundable), targets.refunds_year_before)):
        plan.refunds.append((org.index, year - 1, rng.randint(100_000, 400_000)))

    # Who may be enrolled: members since before the year who never leave or move, by union.
    eligible: dict[int, list[int]] = {}
    for p in city.people:
        if p.joined_on.year < year - 1 and p.left_on is None and p.transfer_to is None:
            eligible.setdefault(p.organisation, []).append(p.index)
    units = sorted(eligible, key=lambda o: -len(eligible[o]))
    this_year = units[: targets.mutual_aid_units]
    if len(this_year) < targets.mutual_aid_units or \
            sum(len(eligible[u]) for u in this_year) < targets.mutual_aid_members:
        raise ValueError("not enough members for the mutual-aid targets")
    quotas = _quotas(rng, [len(eligible[u]) for u in this_year], targets.mutual_aid_members)
    enrolled: list[int] = []
    for unit, quota in zip(this_year, quotas, strict=True):
        people = rng.sample(eligible[unit], quota)
        plan.enrolments.append((year, unit, people))
        enrolled.extend(people)
    before = units[targets.mutual_aid_units: targets.mutual_aid_units + targets.units_year_before] or this_year[:1]
    before_people: list[int] = []
    for unit in before:
        people = rng.sample(eligible[unit], min(len(eligible[unit]), targets.members_year_before // len(before) or 1))
        plan.enrolments.append((year - 1, unit, people))
        before_people.extend(people)

    kinds = list(CAPS)
    claimants = rng.sample(enrolled, targets.claims_paid + targets.claims_rejected + targets.claims_filed
                           + targets.claims_approved_unpaid)
    paid_amounts = split(rng, targets.claims_paid_fen, targets.claims_paid, 30_000, 120_000)
    for number, person in enumerate(claimants):
        kind = rng.choice(kinds)
        incurred = _day(rng, date(year, 3, 2), date(year, 12, 20))
        if number < targets.claims_paid:
            approved = paid_amounts[number]
            kind = next(k for k in kinds if CAPS[k] >= approved) if CAPS[kind] < approved else kind
            plan.claims.append(Claim(person, year, kind, incurred, approved + rng.randint(0, 50_000), approved,
                                     "paid"))
            continue
        claimed = rng.randint(10_000, CAPS[kind])
        if number < targets.claims_paid + targets.claims_rejected:
            plan.claims.append(Claim(person, year, kind, incurred, claimed, None, "rejected"))
        elif number < targets.claims_paid + targets.claims_rejected + targets.claims_filed:
            plan.claims.append(Claim(person, year, kind, incurred, claimed, None, "filed"))
        else:
            plan.claims.append(Claim(person, year, kind, incurred, claimed, claimed // 2, "approved"))
    for person in rng.sample(before_people, min(len(before_people), targets.claims_year_before)):
        approved = rng.randint(20_000, 100_000)
        plan.claims.append(Claim(person, year - 1, "hospitalisation", _day(rng, date(year - 1, 3, 2),
                                                                           date(year - 1, 12, 20)),
                                 approved, approved, "paid"))

    paid = [i for i, c in enumerate(plan.claims) if c.outcome == "paid" and c.plan_year == year]
    relieved = rng.sample(paid, targets.second_relief_members)
    relief_total = targets.second_relief_fen or targets.second_relief_members * rng.randint(100_000, 300_000)
    targets.second_relief_fen = relief_total
    for index, amount in zip(relieved, split(rng, relief_total, len(relieved), 150_000, 350_000), strict=True):
        claim = plan.claims[index]
        plan.reliefs.append(Relief(claim.person, "second_relief", amount, index,
                                   claim.approved_fen + amount + rng.randint(0, 200_000)))
    others = [p for p in enrolled if p not in {plan.claims[i].person for i in relieved}]
    for person in rng.sample(others, targets.regular_grants):
        plan.reliefs.append(Relief(person, "regular", rng.randint(50_000, 200_000)))
    return plan


def _quotas(rng: random.Random, sizes: list[int], total: int) -> list[int]:
    """How many of each unit's eligible members to enrol: at least one each, `total` in all."""
    whole = sum(sizes)
    quotas = [max(1, min(size, round(size * total / whole))) for size in sizes]
    while sum(quotas) != total:
        i = rng.randrange(len(sizes))
        if sum(quotas) < total and quotas[i] < sizes[i]:
            quotas[i] += 1
        elif sum(quotas) > total and quotas[i] > 1:
            quotas[i] -= 1
    return quotas


def _day(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randrange((last - first).days + 1))


def expected_welfare(city: City, plan: WelfarePlan, root: int | None = None) -> dict[str, int]:
    year = plan.year

    def inside(person: int) -> bool:
        return city.in_subtree(city.people[person].final_organisation, root)

    enrolments = [(unit, people) for y, unit, people in plan.enrolments if y == year]
    members = [p for _, people in enrolments for p in people if inside(p)]
    paid = [c for c in plan.claims if c.plan_year == year and c.outcome == "paid" and inside(c.person)]
    second = [r for r in plan.reliefs if r.kind == "second_relief" and inside(r.person)]
    return {
        "dues_refunded_fen": sum(fen for org, y, fen in plan.refunds if y == year and city.in_subtree(org, root)),
        "mutual_aid_units": len({unit for unit, people in enrolments if any(inside(p) for p in people)}),
        "mutual_aid_members": len(members),
        "mutual_aid_raised_fen": len(members) * plan.targets.premium_fen,
        "claims_paid": len(paid),
        "claims_paid_fen": sum(c.approved_fen for c in paid),
        "second_relief_members": len({r.person for r in second}),
        "second_relief_fen": sum(r.amount_fen for r in second),
    }


def _fit_claims(plan: WelfarePlan, year: int, caps: dict[str, int], annual_cap_fen: int) -> None:
    """Claims within another plan's kinds and caps (the platform had its own plan for the year)."""
    for c in plan.claims:
        if c.plan_year != year:
            continue
        if c.kind not in caps:
            c.kind = max(caps, key=caps.get)
        limit = min(caps[c.kind], annual_cap_fen)
        if c.approved_fen is not None:
            c.approved_fen = min(c.approved_fen, limit)
        c.claimed_fen = max(c.claimed_fen, c.approved_fen or 1)
        if c.outcome == "approved":
            c.approved_fen = min(c.approved_fen, c.claimed_fen)


def load_welfare(api: Client, city: City, plan: WelfarePlan) -> None:
    orgs, people = city.organisations, city.people
    year = plan.year
    t = plan.targets
    prior = year - 1

    def deposit(code: str, amount: int, on: date, source: str) -> None:
        # Booked today: the year it is for may have been closed in the books already.
        api.post(f"{API}/funds/{code}/deposits", {"amount_fen": amount, "source": source,
                                                  "memo": f"{on.year}年度预算拨付"})

    for y in (prior, year):
        refunds = sum(fen for _, ry, fen in plan.refunds if ry == y)
        if refunds:
            deposit("dues_refund", refunds, date(y, 1, 5), "市总工会经费")
        relief = sum(r.amount_fen for r in plan.reliefs) if y == year else 0
        if relief:
            deposit("hardship_relief", relief + 1_000_000, date(y, 1, 5), "市总工会帮扶资金")
        # A reserve beside the premiums, so claims never wait on the year's premiums.
        claims = sum(c.approved_fen or 0 for c in plan.claims if c.plan_year == y)
        if claims:
            deposit("mutual_aid", claims + 1_000_000, date(y, 1, 5), "上级工会互助保障补助")
    api.parallel("dues refunds", plan.refunds, lambda r: api.post_known(f"{API}/dues-refunds", {
        "organisation_id": orgs[r[0]].id, "year": r[1], "amount_fen": r[2]}))

    plan_ids = {}
    for y, premium in ((prior, max(1, t.premium_fen - 500)), (year, t.premium_fen)):
        body = {"year": y, "premium_fen": premium, "caps": CAPS, "annual_cap_fen": ANNUAL_CAP}
        try:
            plan_ids[y] = api.post(f"{API}/mutual-aid/plans", body)["id"]
        except ApiError as exc:
            if exc.status != 409:
                raise
            existing = api.get(f"{API}/mutual-aid/plans", params={"year": y})["items"][0]
            plan_ids[y] = existing["id"]
            if y == year:  # one plan a year: a platform that has one already keeps its premium
                t.premium_fen = existing["premium_fen"]
            _fit_claims(plan, y, existing["caps"], existing["annual_cap_fen"])

    def enrol(item: tuple[int, int, list[int]]) -> None:
        y, unit, members = item
        body = {"plan_id": plan_ids[y], "organisation_id": orgs[unit].id,
                "member_ids": [people[p].id for p in members], "enrolled_on": date(y, 3, 1).isoformat()}
        api.post_known(f"{API}/mutual-aid/enrolments", body)

    api.parallel("mutual-aid enrolments", plan.enrolments, enrol, workers=2)

    def claim(c: Claim) -> None:
        c.id = api.post(f"{API}/mutual-aid/claims", {
            "plan_id": plan_ids[c.plan_year], "member_id": people[c.person].id, "kind": c.kind,
            "incurred_on": c.incurred_on.isoformat(), "amount_claimed_fen": c.claimed_fen})["id"]
        if c.outcome == "rejected":
            api.post(f"{API}/mutual-aid/claims/{c.id}/reject", {"reason": "不在互助保障责任范围内"})
        elif c.outcome in ("approved", "paid"):
            api.post(f"{API}/mutual-aid/claims/{c.id}/approve", {"amount_approved_fen": c.approved_fen})
            if c.outcome == "paid":
                api.post(f"{API}/mutual-aid/claims/{c.id}/pay")

    api.parallel("mutual-aid claims", plan.claims, claim)

    def relieve(r: Relief) -> None:
        case = api.post(f"{API}/hardship-cases", {"member_id": people[r.person].id,
                                                  "reason": "大病住院，家庭生活困难"})
        api.post(f"{API}/hardship-cases/{case['id']}/review", {"decision": "approved", "note": "经入户核实"})
        body: dict[str, Any] = {"kind": r.kind, "amount_fen": r.amount_fen, "year": year, "notice_days": 0}
        if r.kind == "second_relief":
            body.update(episode_cost_fen=r.episode_cost_fen, claim_id=plan.claims[r.claim].id)
        grant = api.post(f"{API}/hardship-cases/{case['id']}/grants", body)
        api.post(f"{API}/hardship-grants/{grant['id']}/pay")

    api.parallel("hardship relief", plan.reliefs, relieve)
    if not api.quiet:
        say(f"  welfare: {len(plan.refunds)} refunds, {len(plan.enrolments)} enrolments, "
            f"{len(plan.claims)} claims, {len(plan.reliefs)} grants")
