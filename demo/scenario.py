"""The whole demo: the city and each service's year, planned together, loaded in order, counted.

An area is planned and loaded only if the platform offers it (its routes are
in `/openapi.json`): while services are still being built, the demo fills
what exists. The finished platform has all four.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from faker import Faker

from demo.client import Client, say
from demo.load import Loader
from demo.plan import City, Targets, build_city, expected_membership
from demo.rights import RightsPlan, RightsTargets, expected_rights, load_rights, plan_rights
from demo.training import NOT_LOADED as TRAINING_NOT_LOADED
from demo.training import (
    TrainingPlan,
    TrainingTargets,
    craftsman_honours,
    expected_training,
    load_training,
    plan_training,
)
from demo.welfare import WelfarePlan, WelfareTargets, expected_welfare, load_welfare, plan_welfare

AREA_ROUTES = {
    "welfare": "/api/v1/mutual-aid/plans",
    "training": "/api/v1/competitions",
    "rights": "/api/v1/collective-contracts",
}
ALL_AREAS = ("welfare", "training", "rights")


def available_areas(client: Client) -> tuple[str, ...]:
    paths = client.get("/openapi.json").get("paths", {})
    return tuple(area for area, path in AREA_ROUTES.items() if path in paths)


@dataclass
class Scenario:
    city: City
    seed: int
    welfare: WelfarePlan | None = None
    rights: RightsPlan | None = None
    training: TrainingPlan | None = None
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def year(self) -> int:
        return self.city.targets.year


def build(seed: int, small: bool, root_name: str, areas: tuple[str, ...] = ALL_AREAS) -> Scenario:
    rng = random.Random(seed)
    targets = Targets.drawn(rng) if small else Targets()
    scenario = Scenario(build_city(targets, seed, root_name), seed)
    if "welfare" in areas:
        scenario.welfare = plan_welfare(scenario.city, WelfareTargets.drawn(rng) if small else WelfareTargets(), seed)
    if "training" in areas:
        scenario.training = plan_training(scenario.city, TrainingTargets.drawn(rng) if small else TrainingTargets(),
                                          seed)
    if "rights" in areas:
        scenario.rights = plan_rights(scenario.city, RightsTargets.drawn(rng) if small else RightsTargets(), seed)
    return scenario


def expected(scenario: Scenario, root: int | None = None) -> dict[str, dict[str, Any]]:
    """Every block of the year's report the scenario plans, for the city or one organisation and below."""
    figures: dict[str, dict[str, Any]] = {"membership": expected_membership(scenario.city, root)}
    if scenario.welfare is not None:
        figures["welfare"] = expected_welfare(scenario.city, scenario.welfare, root)
    if scenario.training is not None:
        figures["training"] = expected_training(scenario.city, scenario.training, root)
        figures["membership"]["honours_awarded"] += craftsman_honours(scenario.city, scenario.training, root)
    if scenario.rights is not None:
        figures["rights"] = expected_rights(scenario.city, scenario.rights, root)
    return figures


def load(client: Client, scenario: Scenario) -> dict[str, float]:
    loader = Loader(client, scenario.city)
    loader.step("organisations", loader.organisations)
    # Members other services act on go first: their copies of them are complete soonest.
    first = scenario.welfare.needed_people() if scenario.welfare else set()
    if scenario.training:
        first |= scenario.training.needed_people()
    loader.step("members", lambda: loader.members(first))
    loader.step("leaving, transfers, honours", loader.membership_changes)
    fake = Faker("zh_CN")
    fake.seed_instance(scenario.seed + 3)
    # The three services' parts are independent of one another: send them side by side, so each
    # service (its own process and database) works while the others do.
    areas: list[tuple[str, Callable[[], None]]] = []
    if scenario.rights is not None:
        areas.append(("rights", lambda: load_rights(client, scenario.city, scenario.rights, fake.name)))
    if scenario.training is not None:
        areas.append(("training", lambda: load_training(client, scenario.city, scenario.training)))
    if scenario.welfare is not None:
        areas.append(("welfare", lambda: load_welfare(client, scenario.city, scenario.welfare)))
    with ThreadPoolExecutor(max_workers=max(1, len(areas))) as pool:
        for future in [pool.submit(loader.step, name, work) for name, work in areas]:
            future.result()
    return loader.timings


def run(client: Client, scenario: Scenario) -> dict[str, float]:
    started = time.monotonic()
    timings = load(client, scenario)
    if not client.quiet:
        say(f"loaded in {time.monotonic() - started:.0f} s "
            f"({', '.join(f'{k} {v:.0f} s' for k, v in timings.items())})")
    return timings


# The work report's 2022 figures (../shared/source/work-report-2022.txt). A pair is a figure the report
# rounds: ("万", n) is n ten-thousand yuan to the nearest, ("万余", n) is n ten-thousand yuan and more.
SOURCE_2022: dict[str, dict[str, Any]] = {
    "membership": {"new_organisations": 63, "new_members": 13_000, "new_form_members": 1_820, "model_workers": 100},
    "welfare": {"dues_refunded_fen": 101_000_000, "mutual_aid_units": 76, "mutual_aid_members": 21_895,
                "mutual_aid_raised_fen": ("万", 142), "claims_paid": 1_086, "claims_paid_fen": ("万余", 90),
                "second_relief_members": 35, "second_relief_fen": 8_300_000},
    "training": {"seed_craftsmen": 1_276, "craftsmen": 422, "chief_craftsmen": 109, "gold_craftsmen": 6,
                 "schools": 10, "competitions": 60, "competition_entrants": 21_000, "safety_trainings": 300,
                 "safety_drills": 100, "proposals_rewarded": 18, "proposal_rewards_fen": 2_900_000},
    "rights": {"cases_closed": 132, "enterprises_with_contracts": 582, "hotline_orders": 19,
               "hotline_wage_fen": 44_700_000, "legal_events": 15, "brochures": 3_200},
}


def matches_source(value: Any, source: Any) -> bool:
    if isinstance(source, tuple):
        unit, amount = source
        if not isinstance(value, int):
            return False
        return round(value / 1_000_000) == amount if unit == "万" else value // 1_000_000 == amount
    return value == source


def against_source(expected: dict[str, dict[str, Any]]) -> tuple[list[str], list[str]]:
    """(figures the plan gets wrong, figures of the source the demo does not load)."""
    wrong, absent = [], []
    for block, figures in SOURCE_2022.items():
        for key, source in figures.items():
            if block not in expected or key not in expected[block] or (block == "training"
                                                                         and key in TRAINING_NOT_LOADED):
                absent.append(f"{block}.{key}")
            elif not matches_source(expected[block][key], source):
                wrong.append(f"{block}.{key}: plan {expected[block][key]}, work report {source}")
    return wrong, absent
