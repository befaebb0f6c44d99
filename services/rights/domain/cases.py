"""Labour dispute cases with legal aid: the state machine and its deadlines, in plain Python.

    filed --assign--> assigned --mediate--> mediation --arbitrate--> arbitration --litigate--> litigation
                          |  \\--arbitrate--> arbitration                                            |
                          \\---------------- close (from assigned, mediation, arbitration, litigation) --> closed

Arbitration comes before any lawsuit (劳动争议仲裁前置): a case cannot go to
court from mediation or straight after assignment. Each stage has a deadline
counted from the day it began; an open case past it is overdue.
"""

from __future__ import annotations

from datetime import date, timedelta

from services.chassis.errors import Conflict, InvalidInput

KINDS = ("wage_arrears", "dismissal", "work_injury", "social_insurance", "contract", "other")
STATUSES = ("filed", "assigned", "mediation", "arbitration", "litigation", "closed")
OPEN_STATUSES = STATUSES[:-1]
OUTCOMES = ("won", "partly_won", "settled", "lost", "withdrawn")

# action -> (statuses it may start from, status it leads to)
MOVES: dict[str, tuple[tuple[str, ...], str]] = {
    "assign": (("filed",), "assigned"),
    "mediate": (("assigned",), "mediation"),
    "arbitrate": (("assigned", "mediation"), "arbitration"),
    "litigate": (("arbitration",), "litigation"),
    "close": (("assigned", "mediation", "arbitration", "litigation"), "closed"),
}

# Days a case may stay in each stage: assign within 3 days; the lawyer acts
# within 7; mediation 15 days (调解仲裁法 art. 14); arbitration 45 days (art. 43);
# a first-instance lawsuit 6 months.
STAGE_DAYS = {"filed": 3, "assigned": 7, "mediation": 15, "arbitration": 45, "litigation": 180}


def next_status(status: str, action: str) -> str:
    """The status `action` leads to from `status`, or a 409 naming what is allowed."""
    if action not in MOVES:
        raise InvalidInput.field("action", f"unknown action {action!r}")
    sources, target = MOVES[action]
    if status == "closed" and action == "close":
        raise Conflict("this case is already closed", {"status": ["already closed"]})
    if status not in sources:
        allowed = [name for name, (froms, _) in MOVES.items() if status in froms]
        raise Conflict(
            f"a case that is {status} cannot {action}; allowed: {', '.join(allowed) or 'nothing'}",
            {"status": [f"cannot {action} from {status}"]},
        )
    return target


def allowed_actions(status: str) -> list[str]:
    return [name for name, (froms, _) in MOVES.items() if status in froms]


def stage_due_on(status: str, stage_started_on: date) -> date | None:
    days = STAGE_DAYS.get(status)
    return None if days is None else stage_started_on + timedelta(days=days)


def is_overdue(status: str, stage_started_on: date, today: date) -> bool:
    due = stage_due_on(status, stage_started_on)
    return due is not None and today > due


def check_move_day(on: date, stage_started_on: date, today: date) -> None:
    if on > today:
        raise InvalidInput.field("on", f"{on.isoformat()} is in the future")
    if on < stage_started_on:
        raise InvalidInput.field("on", "cannot precede the start of the current stage")


def check_hardship_referral(kind: str, member_id: int | None, already_referred: bool) -> None:
    """Only a wage-arrears case of a known member is referred to welfare, and only once."""
    if kind != "wage_arrears":
        raise InvalidInput.field("refer_hardship", "only a wage-arrears case can be referred for hardship relief")
    if member_id is None:
        raise InvalidInput.field("refer_hardship", "the claimant must be a member (member_id) to be referred")
    if already_referred:
        raise Conflict("this case has already been referred for hardship relief",
                       {"refer_hardship": ["already referred"]})
