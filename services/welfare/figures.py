"""Welfare's business figures for Prometheus (see services.chassis.figures): claims by state,
each fund's balance, hardship files open. Every known category is reported, at zero when empty."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.chassis.figures import Figure
from services.welfare.domain.rules import FUNDS
from services.welfare.models import Claim, FundAccount, HardshipCase

CLAIM_STATES = ("filed", "approved", "rejected", "paid")

HELP = {
    "union_welfare_claims": "Mutual-aid claims by state (filed, approved, rejected, paid).",
    "union_welfare_fund_balance_fen": "Each fund's running balance in fen (1 yuan = 100 fen).",
    "union_welfare_hardship_files_open": "Hardship files open (not yet approved or rejected).",
}


def figures(session: Session) -> list[Figure]:
    claims = dict(session.execute(select(Claim.status, func.count()).group_by(Claim.status)).all())
    # The running balance each posting keeps: one row per fund, no scan of the ledger's entries.
    balances = dict(session.execute(select(FundAccount.code, FundAccount.balance_fen)
                                    .where(FundAccount.code.in_(list(FUNDS)))).all())
    hardship_open = session.scalar(
        select(func.count()).select_from(HardshipCase).where(HardshipCase.status == "open"))
    return [
        *(("union_welfare_claims", {"state": state}, float(claims.get(state, 0))) for state in CLAIM_STATES),
        *(("union_welfare_fund_balance_fen", {"fund": fund}, float(balances.get(fund, 0))) for fund in FUNDS),
        ("union_welfare_hardship_files_open", {}, float(hardship_open or 0)),
    ]
