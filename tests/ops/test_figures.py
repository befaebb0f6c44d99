"""Business figures: what a service may export, and membership's figures from its own tables."""

from __future__ import annotations

from datetime import date

import pytest
from prometheus_client import generate_latest
from sqlalchemy.orm import Session

from services.chassis import figures as chassis_figures
from services.chassis.database import make_engine
from services.chassis.figures import InvalidFigure, check_figures, figures_module, refresh
from services.membership.models import Base, Member, Organisation
from tests.ops.promtext import sample_value


@pytest.mark.parametrize("bad, why", [
    ([("members", {}, 1)], "must match"),
    ([("union_members", {"member_id": "42"}, 1)], "personal data"),
    ([("union_members", {"name": "李娜"}, 1)], "personal data"),
    ([("union_members", {"organisation_name": "x"}, 1)], "personal data"),
    ([("union_members", {"phone": "13912345678"}, 1)], "personal data"),
    ([("union_members", {"kind": "x" * 41}, 1)], "category code"),
    ([("union_members", {"kind": "a b"}, 1)], "category code"),
    ([("union_members", {"kind": "a"}, 1), ("union_members", {"status": "b"}, 1)], "same labels"),
    ([("union_members", {"kind": "a"}, 1), ("union_members", {"kind": "a"}, 2)], "given twice"),
    ([("union_members", {"kind": str(n)}, 1) for n in range(chassis_figures.MAX_SERIES + 1)], "bounded"),
    ([("union_members", {}, "12")], "not a number"),
    ([("union_members", {}, float("nan"))], "not a number"),
    ([("union_members", {})], "not"),
])
def test_figures_that_could_leak_people_or_explode_prometheus_are_refused(bad, why):
    with pytest.raises(InvalidFigure, match=why):
        check_figures(bad)


def test_good_figures_pass_as_floats():
    assert check_figures([("union_funds", {"fund": "mutual_aid"}, 12), ("union_open", {}, 0)]) == [
        ("union_funds", {"fund": "mutual_aid"}, 12.0), ("union_open", {}, 0.0)]


def sessions_for(tmp_path, base):
    """A session factory over a fresh SQLite database with `base`'s tables."""
    engine = make_engine(f"sqlite:///{tmp_path / 'figures.db'}")
    base.metadata.create_all(engine)
    return lambda: Session(engine)


def as_dict(figures) -> dict:
    return {(name, tuple(sorted(labels.items()))): value for name, labels, value in figures}


@pytest.fixture
def membership_session(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'membership.db'}")
    Base.metadata.create_all(engine)
    yield lambda: Session(engine)
    engine.dispose()


def test_membership_counts_members_by_form_and_status_and_unions_by_kind(membership_session):
    with membership_session() as session:
        fed = Organisation(name="市总工会", kind="federation", path="/1/", established_on=date(1950, 5, 1))
        session.add(fed)
        session.flush()
        union = Organisation(name="快递行业工会", kind="grassroots", parent_id=fed.id, path=f"/1/{fed.id}/",
                             established_on=date(2022, 3, 1))
        session.add(union)
        session.flush()
        for serial, (form, status) in enumerate([("standard", "active"), ("new_form", "active"),
                                                  ("new_form", "active"), ("new_form", "left")]):
            session.add(Member(name="李娜", id_number=f"37078119900101{serial:03d}X", phone="13912345678",
                               organisation_id=union.id, employment_form=form, joined_on=date(2022, 3, 15),
                               status=status))
        session.commit()

    module = figures_module("membership")
    assert module is not None and figures_module("gateway") is None
    figures = refresh("membership", membership_session, module)
    as_dict = {(name, tuple(sorted(labels.items()))): value for name, labels, value in figures}
    assert as_dict[("union_members", (("employment_form", "new_form"), ("status", "active")))] == 2
    assert as_dict[("union_members", (("employment_form", "new_form"), ("status", "left")))] == 1
    assert as_dict[("union_members", (("employment_form", "standard"), ("status", "left")))] == 0
    assert as_dict[("union_organisations", (("kind", "grassroots"),))] == 1
    assert as_dict[("union_organisations", (("kind", "industry_federation"),))] == 0
    # Nothing personal leaves: no name, no id number, no phone in any label.
    text = generate_latest().decode()
    assert "李娜" not in text and "13912345678" not in text
    assert sample_value(text, "union_members", {"service": "membership", "employment_form": "new_form",
                                                "status": "active"}) == 2
    assert sample_value(text, "union_figures_refreshed_timestamp_seconds", {"service": "membership"}) > 0
    chassis_figures.COLLECTOR.forget("membership")


# ------------------------------------------------------------------ training

def test_training_counts_craftsmen_by_level_and_nominations_waiting(tmp_path):
    from services.training.models import Base as TrainingBase
    from services.training.models import Craftsman, Nomination

    sessions = sessions_for(tmp_path, TrainingBase)
    with sessions() as session:
        for member_id, level in enumerate(("seed", "seed", "craftsman", "gold"), start=1):
            session.add(Craftsman(member_id=member_id, level=level, named_on=date(2022, 5, 1), nomination_id=member_id))
        for member_id, status in enumerate(("pending", "pending", "public_notice", "objected", "named", "rejected"),
                                           start=10):
            session.add(Nomination(member_id=member_id, organisation_id=1, organisation_path="/1/", level="chief",
                                   from_level="craftsman", year=2022, status=status))
        session.commit()
    found = as_dict(refresh("training", sessions, figures_module("training")))
    assert found["union_training_craftsmen", (("level", "seed"),)] == 2
    assert found["union_training_craftsmen", (("level", "chief"),)] == 0
    waiting = {labels: value for (name, labels), value in found.items()
               if name == "union_training_nominations_waiting" and value}
    assert waiting == {(("level", "chief"), ("status", "pending")): 2,
                       (("level", "chief"), ("status", "public_notice")): 1,
                       (("level", "chief"), ("status", "objected")): 1}
    chassis_figures.COLLECTOR.forget("training")


# ------------------------------------------------------------------ rights

def test_rights_counts_hotline_orders_open_and_overdue_and_contracts_expiring(tmp_path):
    from datetime import UTC, datetime, timedelta

    from services.rights.models import Base as RightsBase
    from services.rights.models import CollectiveContract, HotlineOrder

    figures = figures_module("rights")
    now = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
    sessions = sessions_for(tmp_path, RightsBase)
    with sessions() as session:
        for status, due in (("received", now - timedelta(days=1)), ("assigned", now + timedelta(days=2)),
                            ("resolved", now - timedelta(hours=1)), ("closed", now - timedelta(days=9)),
                            ("escalated", now - timedelta(days=9))):
            session.add(HotlineOrder(caller_name="王强", phone="13912345678", category="wage_arrears",
                                     description="欠薪", status=status, received_at=now - timedelta(days=10),
                                     due_at=due))
        for kind, expires, renewed in (("wages", 30, None), ("wages", 89, None), ("safety", 200, None),
                                       ("comprehensive", 10, 99), ("female_workers", -5, None)):
            session.add(CollectiveContract(organisation_id=1, organisation_path="/1/", kind=kind,
                                           signed_on=date(2023, 6, 1), expires_on=now.date() + timedelta(days=expires),
                                           workers_covered=10, renewed_by_id=renewed))
        session.commit()
    with sessions() as session:
        found = as_dict(chassis_figures.check_figures(figures.figures(session, now=now)))
    assert found["union_rights_hotline_orders_open", ()] == 3
    assert found["union_rights_hotline_orders_overdue", ()] == 2
    assert found["union_rights_contracts_expiring_90d", (("kind", "wages"),)] == 2
    assert found["union_rights_contracts_expiring_90d", (("kind", "comprehensive"),)] == 0  # renewed
    assert found["union_rights_contracts_expiring_90d", (("kind", "female_workers"),)] == 0  # expired already
    assert found["union_rights_contracts_expiring_90d", (("kind", "safety"),)] == 0


# ------------------------------------------------------------------ welfare

def test_welfare_counts_claims_by_state_fund_balances_and_open_hardship_files(tmp_path):
    from services.welfare import ledger
    from services.welfare.models import Base as WelfareBase
    from services.welfare.models import Claim, HardshipCase, MutualAidPlan

    sessions = sessions_for(tmp_path, WelfareBase)
    with sessions() as session:
        ledger.ensure_accounts(session)
        ledger.take_in(session, "mutual_aid", 1_420_000, kind="deposit", reason="premiums")
        plan = MutualAidPlan(year=2022, premium_fen=3000, caps="{}", annual_cap_fen=500_000)
        session.add(plan)
        session.flush()
        for status in ("filed", "filed", "paid", "rejected"):
            session.add(Claim(plan_id=plan.id, member_id=7, organisation_path="/1/", kind="accident",
                              incurred_on=date(2022, 5, 1), amount_claimed_fen=1000, status=status))
        for status in ("open", "open", "approved"):
            session.add(HardshipCase(member_id=7, organisation_path="/1/", reason="x", status=status, source="staff"))
        session.commit()
    found = as_dict(refresh("welfare", sessions, figures_module("welfare")))
    assert found["union_welfare_claims", (("state", "filed"),)] == 2
    assert found["union_welfare_claims", (("state", "approved"),)] == 0
    assert found["union_welfare_fund_balance_fen", (("fund", "mutual_aid"),)] == 1_420_000
    assert found["union_welfare_fund_balance_fen", (("fund", "innovation_rewards"),)] == 0
    assert ("union_welfare_fund_balance_fen", (("fund", "external"),)) not in found
    assert found["union_welfare_hardship_files_open", ()] == 2
    chassis_figures.COLLECTOR.forget("welfare")
