"""Training's part of the city's year: craftsman schools, competitions and their entrants, safety work,
the craftsman ladder and golden ideas.

Counted as the report counts: schools open by the year's end, competitions
held in the year and their entries, safety trainings and drills held in it,
members named to each level for the year, golden ideas whose reward was
decided and paid in the year. Noise: schools opened later, competitions and
safety sessions of the year before, rejected and still-open nominations,
unreviewed, rejected and earlier years' golden ideas.

The ladder is recorded as an external system imports history: each decision
carries the day it was taken (`on`), so a member named seed in 2016 can be
named craftsman in 2022; the platform still checks the order of levels and
the time at the level below against those days.
"""

from __future__ import annotations

import json
import random
import time
from dataclasses import dataclass, field
from datetime import date, timedelta

from demo.client import ApiError, Client, say
from demo.plan import City

API = "/api/v1"
TRADES = ("数控车工", "焊工", "电工", "钳工", "汽车维修工", "育婴员", "中式烹调师", "茶艺师", "叉车司机", "快递员",
          "网约车安全驾驶", "纺织挡车工", "电子商务师", "养老护理员", "农艺工")


# The report's training figures the demo cannot load: none any more (past decisions take `on`).
NOT_LOADED: tuple[str, ...] = ()
LADDER = ("seed", "craftsman", "chief", "gold")
LEVEL_KEYS = {"seed": "seed_craftsmen", "craftsman": "craftsmen", "chief": "chief_craftsmen", "gold": "gold_craftsmen"}
# Years of history before the year for a member named to each level in it (the platform's default
# minimum days at the level below: craftsman 1, chief 2, gold 3 years).
HISTORY = {"seed": (), "craftsman": ((2019, 2020),), "chief": ((2015, 2016), (2018, 2018)),
           "gold": ((2013, 2013), (2015, 2015), (2018, 2018))}


@dataclass
class TrainingTargets:
    schools: int = 10
    competitions: int = 60
    competition_entrants: int = 21_000
    safety_trainings: int = 300
    safety_drills: int = 100
    schools_later: int = 2
    competitions_before: int = 8
    entrants_before: int = 400
    safety_before: int = 40
    seed_craftsmen: int = 1_276
    craftsmen: int = 422
    chief_craftsmen: int = 109
    gold_craftsmen: int = 6
    nominations_rejected: int = 40
    nominations_open: int = 25
    proposals_rewarded: int = 18
    proposal_rewards_fen: int = 2_900_000
    proposals_other: int = 15

    @classmethod
    def drawn(cls, rng: random.Random) -> TrainingTargets:
        competitions = rng.randint(1, 4)
        return cls(schools=rng.randint(1, 4), competitions=competitions,
                   competition_entrants=competitions * rng.randint(2, 10), safety_trainings=rng.randint(1, 8),
                   safety_drills=rng.randint(1, 5), schools_later=1, competitions_before=1,
                   entrants_before=rng.randint(1, 5), safety_before=rng.randint(1, 3),
                   seed_craftsmen=rng.randint(1, 5), craftsmen=rng.randint(0, 3), chief_craftsmen=rng.randint(0, 2),
                   gold_craftsmen=rng.randint(0, 1), nominations_rejected=1, nominations_open=1,
                   proposals_rewarded=(rewarded := rng.randint(1, 3)),
                   proposal_rewards_fen=rewarded * rng.randint(5, 30) * 10_000, proposals_other=3)


@dataclass
class Competition:
    organisation: int
    name: str
    kind: str
    held_on: date
    entrants: list[int]
    id: str | None = None


@dataclass
class Climb:
    """A member's way up the ladder: (level, decision day) one step at a time, the last in the year."""
    person: int
    steps: list[tuple[str, date]]


@dataclass
class Idea:
    person: int
    title: str
    decision: str | None                # adopted, rejected, or None: still under review
    reward_fen: int = 0
    decided_on: date | None = None


@dataclass
class TrainingPlan:
    targets: TrainingTargets
    year: int
    schools: list[tuple[int, str, date]] = field(default_factory=list)          # (organisation, name, opened)
    competitions: list[Competition] = field(default_factory=list)
    safety: list[tuple[int, str, date, int]] = field(default_factory=list)      # (organisation, kind, day, people)
    climbs: list[Climb] = field(default_factory=list)
    rejected: list[tuple[int, date]] = field(default_factory=list)             # (person, day): a seed refused
    open: list[int] = field(default_factory=list)                              # nominated, not yet reviewed
    ideas: list[Idea] = field(default_factory=list)

    def needed_people(self) -> set[int]:
        return ({p for c in self.competitions for p in c.entrants} | {c.person for c in self.climbs}
                | {p for p, _ in self.rejected} | set(self.open) | {i.person for i in self.ideas})


def _day(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randrange((last - first).days + 1))


def _split(rng: random.Random, total: int, parts: int, cap: int) -> list[int]:
    sizes = [1] * parts
    for _ in range(total - parts):
        i = rng.randrange(parts)
        while sizes[i] >= cap:
            i = (i + 1) % parts
        sizes[i] += 1
    return sizes


def plan_training(city: City, targets: TrainingTargets, seed: int) -> TrainingPlan:
    rng = random.Random(seed + 4)
    year = city.targets.year
    plan = TrainingPlan(targets, year)
    federations = [o for o in city.organisations if o.kind in ("federation", "industry_federation")
                   and o.established_on.year < year]
    unions = [o for o in city.organisations if o.kind == "grassroots" and o.established_on.year < year]
    hosts = rng.sample(unions, min(len(unions), targets.schools + targets.schools_later))
    for number in range(targets.schools + targets.schools_later):
        host = hosts[number % len(hosts)]
        opened = _day(rng, date(year, 2, 1), date(year, 12, 20)) if number < targets.schools else \
            _day(rng, date(year + 1, 2, 1), date(year + 1, 12, 20))
        branch = "" if number < len(hosts) else f"第{number // len(hosts) + 1}分校"
        plan.schools.append((host.index, f"{(host.employer or {}).get('name', host.name)}劳模工匠学校{branch}", opened))
    # Entrants: members of the city since before the year who never leave (a competition takes members).
    pool = [p.index for p in city.people if p.left_on is None and p.joined_on.year < year]
    pool = rng.sample(pool, min(len(pool), max(targets.competition_entrants // 2, 10)))
    sizes = _split(rng, targets.competition_entrants, targets.competitions, len(pool))
    for number, size in enumerate(sizes):
        trade = rng.choice(TRADES)
        plan.competitions.append(Competition(
            rng.choice(federations).index, f"{year}年度职工职业技能竞赛（{trade}）第{number + 1}项",
            rng.choice(("labour", "skill")), _day(rng, date(year, 3, 1), date(year, 12, 15)),
            rng.sample(pool, size)))
    before_sizes = _split(rng, targets.entrants_before, targets.competitions_before, len(pool))
    for number, size in enumerate(before_sizes):
        plan.competitions.append(Competition(
            rng.choice(federations).index, f"{year - 1}年度劳动竞赛第{number + 1}项", "labour",
            _day(rng, date(year - 1, 3, 1), date(year - 1, 12, 15)), rng.sample(pool, size)))
    for number in range(targets.safety_trainings + targets.safety_drills + targets.safety_before):
        if number < targets.safety_trainings + targets.safety_drills:
            kind = "training" if number < targets.safety_trainings else "drill"
            day = _day(rng, date(year, 1, 5), date(year, 12, 25))
        else:
            kind, day = rng.choice(("training", "drill")), _day(rng, date(year - 1, 1, 5), date(year - 1, 12, 25))
        plan.safety.append((rng.choice(unions).index, kind, day, rng.randint(15, 300)))
    plan_ladder(city, plan, rng)
    return plan


def plan_ladder(city: City, plan: TrainingPlan, rng: random.Random) -> None:
    """Who is named to which level in the year (with their earlier steps as history), and golden ideas."""
    year, t = plan.year, plan.targets
    # Members who stay where they are: a transfer reaches training's copy by event, and a nomination
    # counts where the member was when nominated.
    staying = [p.index for p in city.people if p.left_on is None and p.transfer_to is None
               and p.joined_on.year < year]
    wanted = (t.seed_craftsmen + t.craftsmen + t.chief_craftsmen + t.gold_craftsmen + t.nominations_rejected
              + t.nominations_open)
    people = iter(rng.sample(staying, min(len(staying), wanted)))
    for level, count in (("gold", t.gold_craftsmen), ("chief", t.chief_craftsmen), ("craftsman", t.craftsmen),
                         ("seed", t.seed_craftsmen)):
        for _ in range(count):
            history = [(LADDER[n], _day(rng, date(rng.randint(*years), 3, 1), date(years[1], 11, 30)))
                       for n, years in enumerate(HISTORY[level])]
            plan.climbs.append(Climb(next(people), [*history, (level, _day(rng, date(year, 1, 5),
                                                                           date(year, 12, 15)))]))
    plan.rejected = [(next(people), _day(rng, date(year, 1, 5), date(year, 12, 15)))
                     for _ in range(t.nominations_rejected)]
    plan.open = [next(people) for _ in range(t.nominations_open)]
    # The year's rewards in hundreds of yuan, each at least 500 yuan.
    hundreds = t.proposal_rewards_fen // 10_000
    shares = _split(rng, hundreds - 4 * t.proposals_rewarded, t.proposals_rewarded, hundreds) \
        if t.proposals_rewarded else []
    for number, share in enumerate(shares):
        plan.ideas.append(Idea(rng.choice(staying), f"{year}年度金点子第{number + 1}号：{rng.choice(TRADES)}工艺改进",
                               "adopted", (share + 4) * 10_000, _day(rng, date(year, 2, 1), date(year, 12, 20))))
    for number in range(t.proposals_other):
        kind = number % 3
        if kind == 0:  # rewarded the year before
            plan.ideas.append(Idea(rng.choice(staying), f"{year - 1}年度合理化建议第{number + 1}号", "adopted",
                                   rng.randint(5, 30) * 10_000, _day(rng, date(year - 1, 3, 1), date(year - 1, 12, 1))))
        elif kind == 1:
            plan.ideas.append(Idea(rng.choice(staying), f"不予采纳的建议第{number + 1}号", "rejected", 0,
                                   _day(rng, date(year, 2, 1), date(year, 12, 20))))
        else:
            plan.ideas.append(Idea(rng.choice(staying), f"评审中的建议第{number + 1}号", None))


def expected_training(city: City, plan: TrainingPlan, root: int | None = None) -> dict[str, int]:
    year = plan.year
    end = date(year, 12, 31)
    held = [c for c in plan.competitions if c.held_on.year == year and city.in_subtree(c.organisation, root)]
    safety = [s for s in plan.safety if s[2].year == year and city.in_subtree(s[0], root)]
    people = city.people

    def ours(person: int) -> bool:
        return city.in_subtree(people[person].final_organisation, root)

    named = {key: 0 for key in LEVEL_KEYS.values()}
    for climb in plan.climbs:
        for level, day in climb.steps:
            if day.year == year and ours(climb.person):
                named[LEVEL_KEYS[level]] += 1
    rewarded = [i for i in plan.ideas if i.decision == "adopted" and i.reward_fen and i.decided_on
                and i.decided_on.year == year and ours(i.person)]
    return {
        **named,
        "proposals_rewarded": len(rewarded),
        "proposal_rewards_fen": sum(i.reward_fen for i in rewarded),
        "schools": sum(1 for org, _, opened in plan.schools if opened <= end and city.in_subtree(org, root)),
        "competitions": len(held),
        "competition_entrants": sum(len(c.entrants) for c in held),
        "safety_trainings": sum(1 for s in safety if s[1] == "training"),
        "safety_drills": sum(1 for s in safety if s[1] == "drill"),
    }


def load_training(api: Client, city: City, plan: TrainingPlan) -> None:
    orgs, people = city.organisations, city.people

    def school(s: tuple[int, str, date]) -> None:
        body = {"name": s[1], "kind": "school", "organisation_id": orgs[s[0]].id, "established_on": s[2].isoformat()}
        try:
            api.post_known(f"{API}/schools", body)
        except ApiError as exc:  # school names are unique on the platform: another city has this one
            if exc.status != 422 or "name" not in exc.body:
                raise
            api.post_known(f"{API}/schools", {**body, "name": f"{s[1]}（{orgs[city.root.index].name}）"})

    api.parallel("craftsman schools", plan.schools, school)
    api.parallel("safety trainings and drills", plan.safety, lambda s: api.post_known(f"{API}/safety-sessions", {
        "kind": s[1], "title": "安全生产技能培训" if s[1] == "training" else "安全应急演练",
        "held_on": s[2].isoformat(),
        "organisation_id": orgs[s[0]].id, "attendees": s[3]}))

    def create(c: Competition) -> None:
        c.id = api.post_known(f"{API}/competitions", {"name": c.name, "kind": c.kind,
                                                "organisation_id": orgs[c.organisation].id,
                                                "held_on": c.held_on.isoformat()})["id"]

    api.parallel("competitions", plan.competitions, create)
    entries = [(c, p) for c in plan.competitions for p in c.entrants]
    # Up to 500 entrants a request, all or none (the bulk route): a member training does not know yet
    # makes post_known wait for its copy; members a retried request had entered are left out.
    batches = [(c, [people[p].id for p in c.entrants[start:start + 500]])
               for c in plan.competitions for start in range(0, len(c.entrants), 500)]

    def enter(batch: tuple[Competition, list[str]]) -> None:
        competition, member_ids = batch
        deadline = time.monotonic() + 600
        while member_ids:
            try:
                api.post(f"{API}/competitions/{competition.id}/entries/bulk", {"member_ids": member_ids})
                return
            except ApiError as exc:
                errors = json.loads(exc.body).get("errors", {}) if exc.status == 422 else {}
                wrong = {int(key.split(".")[1]): why[0] for key, why in errors.items()
                         if key.startswith("member_ids.")}
                if not wrong or time.monotonic() > deadline or any(
                        "already entered" not in why and why != "no such member" for why in wrong.values()):
                    raise
                done = {place for place, why in wrong.items() if "already entered" in why}
                member_ids = [m for place, m in enumerate(member_ids) if place not in done]
                if len(done) < len(wrong):
                    time.sleep(2)  # training's copy of some members is still on its way

    load_ladder(api, city, plan)
    load_ideas(api, city, plan)
    api.parallel("competition entries", batches, enter)
    if not api.quiet:
        say(f"  training: {len(plan.schools)} schools, {len(plan.competitions)} competitions, "
            f"{len(entries):,} entries, {len(plan.safety)} safety sessions, {len(plan.climbs):,} namings, "
            f"{len(plan.ideas)} golden ideas")


def craftsman_honours(city: City, plan: TrainingPlan, root: int | None = None) -> int:
    """Chief and gold craftsmen named for the year: membership records each as an honour of the year."""
    return sum(1 for c in plan.climbs for level, day in c.steps
               if level in ("chief", "gold") and day.year == plan.year
               and city.in_subtree(city.people[c.person].final_organisation, root))


def load_ladder(api: Client, city: City, plan: TrainingPlan) -> None:
    """Each member's steps in order, as the decisions were taken: nominated and approved on the day,
    the notice long over, so the platform names them as of the day after it ended."""
    people = city.people
    base = f"{API}/craftsmen/nominations"

    def climb(c: Climb) -> None:
        member_id = people[c.person].id
        for level, day in c.steps:  # (a retried request is answered once: the client sends an Idempotency-Key)
            nomination = api.post_known(base, {"member_id": member_id, "level": level, "year": day.year,
                                               "on": day.isoformat()})
            api.post(f"{base}/{nomination['id']}/approve", {"on": day.isoformat(), "note": "公示期满无异议"})

    def refuse(item: tuple[int, date]) -> None:
        nomination = api.post_known(base, {"member_id": people[item[0]].id, "level": "seed", "year": item[1].year,
                                           "on": item[1].isoformat()})
        api.post(f"{base}/{nomination['id']}/reject", {"reason": "技能竞赛成绩未达推荐条件"})

    api.parallel("craftsman ladder", plan.climbs, climb)
    api.parallel("nominations rejected", plan.rejected, refuse)
    api.parallel("nominations under review", plan.open, lambda person: api.post_known(
        base, {"member_id": people[person].id, "level": "seed", "year": plan.year}))


def welfare_knows(api: Client, member_id: str, wait_s: float = 600) -> None:
    """Welfare pays a reward only to a member its copy knows: wait for it (filled by membership's events)."""
    deadline = time.monotonic() + wait_s
    while True:
        try:
            api.get(f"{API}/members/{member_id}/cover")
            return
        except ApiError as exc:
            if exc.status != 404 or time.monotonic() > deadline:
                raise
            time.sleep(2)


def load_ideas(api: Client, city: City, plan: TrainingPlan) -> None:
    """Golden ideas, reviewed on the day they were decided; welfare pays the rewards from its fund."""
    people = city.people
    rewards = sum(i.reward_fen for i in plan.ideas if i.decision == "adopted")
    if rewards:
        api.post(f"{API}/funds/innovation_rewards/deposits", {
            "amount_fen": rewards, "source": "市总工会职工创新奖励资金", "memo": "金点子奖励"})

    def idea(i: Idea) -> None:
        member_id = people[i.person].id
        proposal = api.post_known(f"{API}/proposals", {"member_id": member_id, "title": i.title,
                                                       "summary": "改进工艺流程，降本增效"})
        if i.decision is None:
            return
        if i.reward_fen:
            welfare_knows(api, member_id)
        body = {"decision": i.decision, "score": 85 if i.decision == "adopted" else 40,
                "reward_fen": i.reward_fen, "on": i.decided_on.isoformat()}
        api.post(f"{API}/proposals/{proposal['id']}/review", body)

    api.parallel("golden ideas", plan.ideas, idea)
