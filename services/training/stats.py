"""The year in figures: training's block of the annual report (API.md "Reports")."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func, select

from services.chassis.database import UnitOfWork
from services.training.common import scope_of
from services.training.models import Competition, Entry, Nomination, Proposal, SafetySession, School

LEVEL_KEYS = {"seed": "seed_craftsmen", "craftsman": "craftsmen", "chief": "chief_craftsmen", "gold": "gold_craftsmen"}


def annual_stats(db: UnitOfWork, year: int, within: Any = None) -> dict[str, int]:
    """Members named to each level for `year`; schools open by its end; the year's competitions and
    their entrants, safety trainings and drills; proposals whose reward welfare paid in the year."""
    session = db.session
    prefix = scope_of(session, within)
    start, end = date(year, 1, 1), date(year, 12, 31)
    paid_from, paid_to = datetime(year, 1, 1, tzinfo=UTC), datetime(year + 1, 1, 1, tzinfo=UTC)

    def scoped(model: Any) -> Any:
        return model.organisation_path.startswith(prefix) if prefix else True

    named = dict(session.execute(
        select(Nomination.level, func.count()).where(scoped(Nomination), Nomination.status == "named",
                                                     Nomination.year == year).group_by(Nomination.level)).all())
    safety = dict(session.execute(
        select(SafetySession.kind, func.count()).where(scoped(SafetySession), SafetySession.held_on.between(start, end))
        .group_by(SafetySession.kind)).all())
    in_year = (scoped(Competition), Competition.held_on.between(start, end))
    paid = session.execute(
        select(func.count(), func.coalesce(func.sum(Proposal.reward_fen), 0))
        .where(scoped(Proposal), Proposal.status == "paid", Proposal.paid_at >= paid_from,
               Proposal.paid_at < paid_to)).one()
    return {
        **{key: int(named.get(level, 0)) for level, key in LEVEL_KEYS.items()},
        "schools": int(session.scalar(select(func.count()).select_from(School)
                                      .where(scoped(School), School.established_on <= end)) or 0),
        "competitions": int(session.scalar(select(func.count()).select_from(Competition).where(*in_year)) or 0),
        "competition_entrants": int(session.scalar(
            select(func.count()).select_from(Entry).join(Competition, Competition.id == Entry.competition_id)
            .where(*in_year)) or 0),
        "safety_trainings": int(safety.get("training", 0)),
        "safety_drills": int(safety.get("drill", 0)),
        "proposals_rewarded": int(paid[0] or 0),
        "proposal_rewards_fen": int(paid[1] or 0),
    }
