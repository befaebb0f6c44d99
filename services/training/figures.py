"""Training's business figures for Prometheus (see services.chassis.figures): craftsmen on each
rung of the ladder and nominations waiting for a decision. Every category is reported, at zero when empty."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.chassis.figures import Figure
from services.training.domain import LEVELS
from services.training.models import Craftsman, Nomination

# pending -> public_notice -> named; objected goes back for a decision. These wait on someone.
WAITING = ("pending", "public_notice", "objected")

HELP = {
    "union_training_craftsmen": "Craftsmen on each level of the ladder (seed, craftsman, chief, gold).",
    "union_training_nominations_waiting": "Nominations waiting: for review (pending), in public notice, or objected.",
}


def figures(session: Session) -> list[Figure]:
    craftsmen = dict(session.execute(select(Craftsman.level, func.count()).group_by(Craftsman.level)).all())
    waiting = {
        (level, status): count
        for level, status, count in session.execute(
            select(Nomination.level, Nomination.status, func.count())
            .where(Nomination.status.in_(WAITING)).group_by(Nomination.level, Nomination.status))
    }
    return [
        *(("union_training_craftsmen", {"level": level}, float(craftsmen.get(level, 0))) for level in LEVELS),
        *(("union_training_nominations_waiting", {"level": level, "status": status},
           float(waiting.get((level, status), 0))) for level in LEVELS for status in WAITING),
    ]
