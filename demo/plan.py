"""What the demo creates: a city's unions, members and honours, planned before anything is sent.

`Targets` are the counts the year's report must show (the work report's 2022
figures, or randomly drawn small ones for the test); `build_city` plans
concrete organisations and people that meet them exactly, with noise around
them (members who left in the year or before, members who joined in later
years, transfers, other years' honours, unions founded later), all from one
seed. `expected_membership` counts the plan the way the report defines its
figures, for the whole city or one organisation and the ones below it.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass, field, fields
from datetime import date, timedelta
from typing import Any

from faker import Faker

from demo.identities import IdentityMaker

MODEL_WORKER = "劳动模范"
STREETS = ("王府街道", "益都街道", "云门山街道", "黄楼街道", "弥河镇", "王坟镇", "庙子镇", "邵庄镇",
           "高柳镇", "何官镇", "东夏镇", "谭坊镇")
INDUSTRY_FEDERATIONS = ("快递物流行业工会联合会", "建筑业工会联合会", "教育工会", "卫生健康工会",
                        "非公企业工会联合会")
NINE_SMALL_VENUES = "“九小场所”行业工会联合会"
GIG_UNION = "富盈·零工客栈工会"
NEW_FORM_JOBS = ("快递员", "外卖骑手", "网约车司机", "货车司机", "网络主播", "家政服务员", "代驾司机")
STANDARD_JOBS = ("车间操作工", "机修工", "电工", "焊工", "营业员", "会计", "教师", "护士", "厨师", "保安员",
                 "仓库管理员", "质检员", "销售代表", "行政文员", "技术员", "司炉工", "叉车司机", "纺织工")
SMALL_VENUE_JOBS = ("餐馆服务员", "理发师", "小超市店员", "网吧管理员", "洗浴服务员", "小旅馆前台")
LEAVING_REASONS = ("离职", "退休", "调离本市", "企业关闭", "个人申请退会")
SIZES = (("micro", 0.35, 12), ("small", 0.40, 45), ("medium", 0.18, 180), ("large", 0.07, 700))


@dataclass
class Targets:
    """The year's membership figures, and how much noise surrounds them."""

    year: int = 2022
    organisations: int = 1500          # the city's unions at the year's end, the federation included
    streets: int = 12                  # town and street federations below the city federation
    new_organisations: int = 63
    organisations_later: int = 9       # founded after the year: noise
    members_total: int = 150_000
    new_members: int = 13_000
    new_form_members: int = 1_820
    new_members_left: int = 120        # joined in the year and left in it again
    old_members_left: int = 1_380      # joined before the year, left in it
    members_left_before: int = 500
    members_left_after: int = 200      # still counted at the year's end
    members_joined_after: int = 1_000
    transfers: int = 300
    model_workers: int = 100
    other_honours: int = 20            # 最美劳动者, 五一劳动奖章 ... in the year
    honours_other_years: int = 60

    @classmethod
    def drawn(cls, rng: random.Random, year: int = 2022) -> Targets:
        """Small, random counts for a test: a few dozen unions, a few hundred members."""
        organisations = rng.randint(14, 30)
        new_members = rng.randint(40, 160)
        return cls(
            year=year, organisations=organisations, streets=rng.randint(2, 3),
            new_organisations=rng.randint(3, 6), organisations_later=rng.randint(1, 3),
            members_total=rng.randint(300, 700), new_members=new_members,
            new_form_members=rng.randint(5, new_members // 3), new_members_left=rng.randint(1, 8),
            old_members_left=rng.randint(3, 20), members_left_before=rng.randint(2, 15),
            members_left_after=rng.randint(1, 10), members_joined_after=rng.randint(5, 30),
            transfers=rng.randint(2, 12), model_workers=rng.randint(2, 9), other_honours=rng.randint(1, 6),
            honours_other_years=rng.randint(1, 6),
        )

    def as_dict(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass
class Organisation:
    index: int
    name: str
    kind: str
    parent: int | None
    established_on: date
    employer: dict[str, str] | None = None
    weight: float = 0.0                 # how many members it tends to have
    id: str | None = None               # given by the platform
    path: tuple[int, ...] = ()          # indexes from the root down to itself


@dataclass
class Person:
    index: int
    name: str
    id_number: str
    phone: str
    organisation: int                   # where the member joined
    employment_form: str
    occupation: str
    joined_on: date
    left_on: date | None = None
    left_reason: str | None = None
    transfer_to: int | None = None
    transfer_on: date | None = None
    id: str | None = None

    @property
    def final_organisation(self) -> int:
        return self.transfer_to if self.transfer_to is not None else self.organisation

    def roster_row(self, organisation_id: str) -> dict[str, str]:
        return {"name": self.name, "id_number": self.id_number, "phone": self.phone,
                "organisation_id": organisation_id, "employment_form": self.employment_form,
                "occupation": self.occupation, "joined_on": self.joined_on.isoformat()}

    def match_key(self) -> tuple[str, str, str, str]:
        """What identifies the member in a listing even when ID and phone are masked."""
        return (self.name, self.joined_on.isoformat(), self.id_number[-4:], self.phone[-4:])


@dataclass
class Honour:
    person: int
    title: str
    level: str
    year: int


@dataclass
class City:
    targets: Targets
    seed: int
    organisations: list[Organisation] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    honours: list[Honour] = field(default_factory=list)

    @property
    def root(self) -> Organisation:
        return self.organisations[0]

    def in_subtree(self, organisation: int, root: int | None) -> bool:
        return root is None or root in self.organisations[organisation].path

    def staying(self, at: date) -> list[Person]:
        """Members on `at` (joined by then, not left by then)."""
        return [p for p in self.people if p.joined_on <= at and (p.left_on is None or p.left_on > at)]


def _day(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randrange((last - first).days + 1))


def build_city(targets: Targets, seed: int, root_name: str = "青州市总工会") -> City:
    """Plan the city so that its year's figures equal `targets` exactly."""
    rng = random.Random(seed)
    fake = Faker("zh_CN")
    fake.seed_instance(seed)
    made = IdentityMaker(rng)
    t = targets
    year_first, year_last = date(t.year, 1, 1), date(t.year, 12, 31)
    before_last = date(t.year - 1, 12, 31)
    after_first, after_last = date(t.year + 1, 1, 1), min(date(t.year + 3, 12, 31), date.today())
    city = City(targets, seed)
    orgs = city.organisations

    def add(name: str, kind: str, parent: int | None, established_on: date,
            employer: dict | None = None, weight: float = 0.0) -> Organisation:
        org = Organisation(len(orgs), name, kind, parent, established_on, employer, weight)
        org.path = (*orgs[parent].path, org.index) if parent is not None else (org.index,)
        orgs.append(org)
        return org

    root = add(root_name, "federation", None, date(1950, 5, 1))
    streets = [add(f"{STREETS[i % len(STREETS)]}{'' if i < len(STREETS) else i}总工会", "federation",
                   root.index, _day(rng, date(1980, 1, 1), date(2000, 12, 31))) for i in range(t.streets)]
    # The year's new unions: the "nine small venues" federation, the gig-worker union, grassroots ones.
    venues_parent = next((s for s in streets if s.name.startswith("黄楼")), streets[-1])
    venues = add(NINE_SMALL_VENUES, "industry_federation", venues_parent.index, _day(rng, year_first, year_last))
    gig = add(GIG_UNION, "grassroots", streets[0].index, _day(rng, year_first, year_last),
              _employer(fake, made, rng, "富盈零工客栈服务有限公司", "small"), weight=60)
    industry = [add(name, "industry_federation", root.index, _day(rng, date(1990, 1, 1), date(2015, 12, 31)))
                for name in INDUSTRY_FEDERATIONS[: max(1, min(len(INDUSTRY_FEDERATIONS), t.streets // 2))]]
    parents = streets + industry
    fixed = len(orgs)
    grassroots_total = t.organisations - fixed
    new_grassroots = t.new_organisations - 2  # the venues federation and the gig union are new too
    if grassroots_total < new_grassroots + 2 or new_grassroots < 1:
        raise ValueError("too few organisations for the targets")
    names: set[tuple[int, str]] = set()
    for number in range(grassroots_total + t.organisations_later):
        if number < new_grassroots:
            established = _day(rng, year_first, year_last)
        elif number < grassroots_total:
            established = _day(rng, date(1985, 1, 1), before_last)
        else:
            established = _day(rng, after_first, after_last)
        # A few of the year's new unions are small venues (shops, barbers, eateries) below the venues federation.
        parent = venues if number < new_grassroots and number % 4 == 0 else rng.choice(parents)
        size = rng.choices([s[0] for s in SIZES], [s[1] for s in SIZES])[0]
        if parent is venues:
            size = "micro"
        while True:
            company = fake.company()
            if (parent.index, company) not in names:
                names.add((parent.index, company))
                break
        weight = next(s[2] for s in SIZES if s[0] == size) * rng.lognormvariate(0, 0.5)
        add(f"{company}工会委员会", "grassroots", parent.index, established,
            _employer(fake, made, rng, company, size), weight)

    _plan_people(city, rng, fake, made, venues, gig)
    _plan_honours(city, rng)
    return city


def _employer(fake: Faker, made: IdentityMaker, rng: random.Random, name: str, size: str) -> dict[str, str]:
    return {"name": name, "credit_code": made.credit_code(), "size": size}


def _plan_people(city: City, rng: random.Random, fake: Faker, made: IdentityMaker,
                 venues: Organisation, gig: Organisation) -> None:
    t = city.targets
    orgs = city.organisations
    year_first, year_last = date(t.year, 1, 1), date(t.year, 12, 31)
    before_last = date(t.year - 1, 12, 31)
    after_first, after_last = date(t.year + 1, 1, 1), min(date(t.year + 3, 12, 31), date.today())
    grassroots = [o for o in orgs if o.kind == "grassroots"]
    older = [o for o in grassroots if o.established_on < year_first]
    oldest = [o for o in grassroots if o.established_on < date(t.year - 2, 1, 1)]
    in_year = [o for o in grassroots if o.established_on <= year_last]
    later = grassroots
    new_in_year = [o for o in grassroots if year_first <= o.established_on <= year_last]
    keys: set[tuple[str, str, str, str]] = set()

    def person(org: Organisation, joined_on: date, form: str) -> Person:
        if form == "new_form":
            job = rng.choice(NEW_FORM_JOBS)
        elif org.parent == venues.index:
            job = rng.choice(SMALL_VENUE_JOBS)
        else:
            job = rng.choice(STANDARD_JOBS)
        while True:
            p = Person(len(city.people), fake.name(), made.resident_id(), made.mobile(), org.index, form, job,
                       joined_on)
            if p.match_key() not in keys:
                keys.add(p.match_key())
                city.people.append(p)
                return p

    cumulative: dict[int, list[float]] = {}

    def pick(pool: list[Organisation]) -> Organisation:
        weights = cumulative.get(id(pool))
        if weights is None:
            weights = cumulative[id(pool)] = list(itertools.accumulate(o.weight for o in pool))
        return rng.choices(pool, cum_weights=weights)[0]

    def joined_between(org: Organisation, first: date, last: date) -> date:
        return _day(rng, max(first, org.established_on), last)

    # Joined in the year: new unions bring their whole membership in; the gig
    # union and the couriers' and riders' unions bring the new-form workers.
    new_forms = ["new_form"] * t.new_form_members + ["standard"] * (t.new_members - t.new_form_members)
    rng.shuffle(new_forms)
    joined_in_year = []
    for form in new_forms:
        if form == "new_form" and rng.random() < 0.35:
            org = gig
        elif rng.random() < 0.3 and new_in_year:
            org = pick(new_in_year)
        else:
            org = pick(in_year)
        joined_in_year.append(person(org, joined_between(org, year_first, year_last), form))
    for p in rng.sample(joined_in_year, t.new_members_left):
        p.left_on = _day(rng, p.joined_on, year_last)
        p.left_reason = rng.choice(LEAVING_REASONS)
    # Joined before the year: the bulk of the city's members.
    old_staying = t.members_total - (t.new_members - t.new_members_left)
    if old_staying < t.members_left_after + t.transfers:
        raise ValueError("members_total too small for the other targets")
    for number in range(old_staying + t.old_members_left + t.members_left_before):
        form = "new_form" if rng.random() < 0.06 else "standard"
        if number < old_staying + t.old_members_left:
            org = pick(older)
            p = person(org, joined_between(org, date(1985, 1, 1), before_last), form)
            if number >= old_staying:
                p.left_on = _day(rng, year_first, year_last)
                p.left_reason = rng.choice(LEAVING_REASONS)
        else:  # left before the year
            org = pick(oldest)
            p = person(org, joined_between(org, date(1985, 1, 1), date(t.year - 2, 12, 31)), form)
            p.left_on = _day(rng, p.joined_on + timedelta(days=1), before_last)
            p.left_reason = rng.choice(LEAVING_REASONS)
    staying_old = [p for p in city.people if p.joined_on < year_first and p.left_on is None]
    for p in rng.sample(staying_old, t.members_left_after):
        p.left_on = _day(rng, after_first, after_last)
        p.left_reason = rng.choice(LEAVING_REASONS)
    # Joined after the year: noise the year's figures must not count.
    for _ in range(t.members_joined_after):
        org = pick(later)
        person(org, joined_between(org, after_first, after_last), rng.choice(("standard", "standard", "new_form")))
    # Transfers in the year between two unions founded before it.
    movable = [p for p in city.people if p.joined_on < year_first and p.left_on is None]
    for p in rng.sample(movable, t.transfers):
        while True:
            target = pick(older)
            if target.index != p.organisation:
                break
        p.transfer_to = target.index
        p.transfer_on = _day(rng, year_first, year_last)


def _plan_honours(city: City, rng: random.Random) -> None:
    t = city.targets
    staying = [p for p in city.people if p.joined_on.year < t.year and p.left_on is None]
    chosen = rng.sample(staying, t.model_workers + t.other_honours)
    for p in chosen[: t.model_workers]:
        city.honours.append(Honour(p.index, MODEL_WORKER, "市级", t.year))
    others = (("最美劳动者", "市级"), ("五一劳动奖章", "潍坊市级"), ("五一劳动奖章", "省级"),
              ("工人先锋号", "潍坊市级"))
    for p in chosen[t.model_workers:]:
        title, level = rng.choice(others)
        city.honours.append(Honour(p.index, title, level, t.year))
    for p in rng.sample(staying, t.honours_other_years):
        city.honours.append(Honour(p.index, MODEL_WORKER, "市级", t.year - rng.randint(1, 5)))


def expected_membership(city: City, root: int | None = None) -> dict[str, Any]:
    """The membership block of the year's report, counted from the plan (for `root` and below)."""
    t = city.targets
    first, last = date(t.year, 1, 1), date(t.year, 12, 31)
    people = [p for p in city.people if city.in_subtree(p.final_organisation, root)]
    joined = [p for p in people if first <= p.joined_on <= last]
    by_person = {p.index: p for p in people}
    honours = [h for h in city.honours if h.person in by_person and h.year == t.year]
    return {
        "new_organisations": sum(1 for o in city.organisations
                                 if first <= o.established_on <= last and city.in_subtree(o.index, root)),
        "new_members": len(joined),
        "new_form_members": sum(1 for p in joined if p.employment_form == "new_form"),
        "members_total": sum(1 for p in people if p.joined_on <= last and (p.left_on is None or p.left_on > last)),
        "members_left": sum(1 for p in people if p.left_on is not None and first <= p.left_on <= last),
        "honours_awarded": len(honours),
        "model_workers": len({h.person for h in honours if h.title == MODEL_WORKER}),
    }

