"""The fund ledger: balanced transactions, balances from entries, year closes, reversals.

Every movement is one transaction whose entries sum to zero. Money coming in
or going out to people is posted against the `external` account, the only
one allowed below zero. Each fund also keeps a running balance, moved by one
`UPDATE ... RETURNING` in the same transaction as the entries: that row lock
serialises payouts from one fund (two concurrent payouts cannot both spend
the same money) and says at once whether the fund would go below zero. The
trial balance checks the running balances against the sums of the entries.
"""

from __future__ import annotations

import base64
from datetime import UTC, date, datetime
from typing import Any

from prometheus_client import Counter
from sqlalchemy import event, func, insert, select, update
from sqlalchemy.orm import Session

from services.chassis.errors import Conflict, InvalidInput, NotFound
from services.welfare.domain import rules
from services.welfare.models import FundAccount, LedgerEntry, LedgerTransaction, PeriodClose

# Business figures for the dashboards: counted when the transaction commits, never on a rollback.
TRANSACTIONS = Counter("union_welfare_transactions_total", "Ledger transactions committed, by kind.", ["kind"])
MONEY_MOVED = Counter("union_welfare_fund_movements_fen_total",
                      "Fen moved into (direction=in) or out of (out) each fund, by transaction kind.",
                      ["fund", "kind", "direction"])
_PENDING = "welfare_ledger_pending"


@event.listens_for(Session, "after_commit")
def _count_committed(session: Session) -> None:
    for kind, legs in session.info.pop(_PENDING, ()):
        TRANSACTIONS.labels(kind).inc()
        for code, amount in legs:
            if code != rules.EXTERNAL:
                MONEY_MOVED.labels(code, kind, "in" if amount > 0 else "out").inc(abs(amount))


@event.listens_for(Session, "after_rollback")
def _forget_rolled_back(session: Session) -> None:
    session.info.pop(_PENDING, None)


def today() -> date:
    return datetime.now(UTC).date()


def ensure_accounts(session: Session) -> None:
    """Create the fund accounts that do not exist yet (the migration seeds them too)."""
    known = set(session.scalars(select(FundAccount.code)))
    for code, (name, kind) in rules.ACCOUNTS.items():
        if code not in known:
            session.add(FundAccount(code=code, name=name, kind=kind))
    session.flush()


def account(session: Session, code: str, lock: bool = False) -> FundAccount:
    stmt = select(FundAccount).where(FundAccount.code == code)
    if lock:
        stmt = stmt.with_for_update()
    found = session.scalar(stmt)
    if found is None:
        raise NotFound(f"no fund {code!r}", {"code": ["no such fund"]})
    return found


def balance(session: Session, code: str) -> int:
    return int(session.scalar(select(func.coalesce(func.sum(LedgerEntry.amount_fen), 0))
                              .where(LedgerEntry.account_code == code)))


def balances(session: Session) -> dict[str, int]:
    rows = session.execute(select(LedgerEntry.account_code, func.sum(LedgerEntry.amount_fen))
                           .group_by(LedgerEntry.account_code))
    return {code: int(total) for code, total in rows}


def closed_years(session: Session) -> list[int]:
    return list(session.scalars(select(PeriodClose.year)))


def post(session: Session, *, kind: str, reason: str, legs: list[tuple[str, int]],
         posted_on: date | None = None, ref: tuple[str, Any] | None = None, reverses_id: int | None = None,
         field: str = "amount_fen") -> LedgerTransaction:
    """Post one balanced transaction; a fund leg that would overdraw is refused naming `field`.

    The entries are written first and each fund's running balance last, so the
    fund's row is locked only for the end of the worker's transaction. A refusal
    raises after writing: the worker's transaction must roll back (it does).
    """
    legs = rules.check_balanced(legs)
    now = today()
    day = posted_on or now
    if rules.books_may_be_closed(day, now):
        rules.check_year_open("on" if posted_on else "year", day.year, closed_years(session))
    # The accounts are the fixed set the migration seeds (rules.ACCOUNTS); no query needed for their kinds.
    missing = sorted({code for code, _ in legs} - set(rules.ACCOUNTS))
    if missing:
        raise NotFound(f"no fund {missing[0]!r}", {"code": ["no such fund"]})
    tx = LedgerTransaction(posted_on=day, year=day.year, kind=kind, reason=reason[:500],
                           ref_type=ref[0] if ref else None, ref_id=str(ref[1]) if ref else None,
                           reverses_id=reverses_id)
    session.add(tx)
    session.flush()
    session.execute(insert(LedgerEntry), [{"transaction_id": tx.id, "account_code": code, "amount_fen": amount}
                                          for code, amount in legs])
    for code, amount in sorted(legs):  # one lock order for every transaction
        if rules.ACCOUNTS[code][1] != "fund":
            continue
        after = session.execute(update(FundAccount).where(FundAccount.code == code)
                                .values(balance_fen=FundAccount.balance_fen + amount)
                                .returning(FundAccount.balance_fen)).scalar_one()
        if after < 0:
            rules.check_can_pay(field, code, after - amount, -amount)
    session.info.setdefault(_PENDING, []).append((kind, legs))
    return tx


def available(session: Session, code: str) -> int:
    """A fund's running balance (what a payout may spend), without locking it."""
    return int(session.scalar(select(FundAccount.balance_fen).where(FundAccount.code == code)) or 0)


def pay_out(session: Session, fund: str, amount_fen: int, *, kind: str, reason: str,
            ref: tuple[str, Any], field: str = "amount_fen", posted_on: date | None = None) -> LedgerTransaction:
    """Money leaves `fund` for a worker or an organisation."""
    return post(session, kind=kind, reason=reason, legs=[(fund, -amount_fen), (rules.EXTERNAL, amount_fen)],
                ref=ref, field=field, posted_on=posted_on)


def take_in(session: Session, fund: str, amount_fen: int, *, kind: str, reason: str,
            ref: tuple[str, Any] | None = None, posted_on: date | None = None) -> LedgerTransaction:
    """Money comes into `fund` from outside (deposits, premiums)."""
    return post(session, kind=kind, reason=reason, legs=[(fund, amount_fen), (rules.EXTERNAL, -amount_fen)],
                ref=ref, posted_on=posted_on)


# ---------------------------------------------------------------- reads

def account_view(acct: FundAccount, balance_fen: int) -> dict[str, Any]:
    return {"code": acct.code, "name": acct.name, "kind": acct.kind, "balance_fen": balance_fen}


def list_accounts(session: Session) -> dict[str, Any]:
    totals = balances(session)
    accounts = session.scalars(select(FundAccount).order_by(FundAccount.code))
    return {"items": [account_view(a, totals.get(a.code, 0)) for a in accounts], "next_cursor": None}


def transaction_view(session: Session, tx: LedgerTransaction) -> dict[str, Any]:
    entries = session.execute(select(LedgerEntry.account_code, LedgerEntry.amount_fen)
                              .where(LedgerEntry.transaction_id == tx.id).order_by(LedgerEntry.id))
    reversed_by = session.scalar(select(LedgerTransaction.id).where(LedgerTransaction.reverses_id == tx.id))
    return {
        "id": str(tx.id), "posted_on": tx.posted_on.isoformat(), "year": tx.year, "kind": tx.kind,
        "reason": tx.reason, "ref_type": tx.ref_type, "ref_id": tx.ref_id,
        "reverses_id": str(tx.reverses_id) if tx.reverses_id else None,
        "reversed_by_id": str(reversed_by) if reversed_by else None,
        "entries": [{"account_code": code, "amount_fen": amount} for code, amount in entries],
        "created_at": tx.created_at.isoformat() if tx.created_at else None,
    }


def get_transaction(session: Session, transaction_id: int) -> dict[str, Any]:
    tx = session.get(LedgerTransaction, transaction_id)
    if tx is None:
        raise NotFound(f"no transaction {transaction_id}")
    return transaction_view(session, tx)


def encode_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"id:{last_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> int | None:
    if not cursor:
        return None
    try:
        prefix, value = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode().split(":", 1)
        if prefix != "id":
            raise ValueError(prefix)
        return int(value)
    except (ValueError, UnicodeDecodeError):
        raise InvalidInput.field("cursor", "not a cursor this API returned") from None


def page_limit(query: dict[str, Any]) -> int:
    try:
        limit = int(query.get("limit") or 50)
    except (TypeError, ValueError):
        raise InvalidInput.field("limit", "must be a number") from None
    if not 1 <= limit <= 500:
        raise InvalidInput.field("limit", "must be between 1 and 500")
    return limit


def list_entries(session: Session, code: str, query: dict[str, Any]) -> dict[str, Any]:
    account(session, code)
    limit = page_limit(query)
    stmt = (select(LedgerEntry, LedgerTransaction).join(LedgerTransaction)
            .where(LedgerEntry.account_code == code).order_by(LedgerEntry.id.desc()).limit(limit + 1))
    after = decode_cursor(query.get("cursor"))
    if after is not None:
        stmt = stmt.where(LedgerEntry.id < after)
    rows = session.execute(stmt).all()
    more = len(rows) > limit
    rows = rows[:limit]
    items = [{"id": str(entry.id), "transaction_id": str(tx.id), "account_code": entry.account_code,
              "amount_fen": entry.amount_fen, "posted_on": tx.posted_on.isoformat(), "kind": tx.kind,
              "reason": tx.reason, "ref_type": tx.ref_type, "ref_id": tx.ref_id} for entry, tx in rows]
    return {"items": items, "next_cursor": encode_cursor(rows[-1][0].id) if more and rows else None}


def trial_balance(session: Session) -> dict[str, Any]:
    """The whole ledger's check: every transaction balances, so all entries sum to zero;
    no fund is below zero; every fund's running balance equals the sum of its entries."""
    total = int(session.scalar(select(func.coalesce(func.sum(LedgerEntry.amount_fen), 0))))
    per_tx = (select(LedgerEntry.transaction_id).group_by(LedgerEntry.transaction_id)
              .having(func.sum(LedgerEntry.amount_fen) != 0))
    unbalanced = int(session.scalar(select(func.count()).select_from(per_tx.subquery())))
    sums = balances(session)
    funds = session.execute(select(FundAccount.code, FundAccount.balance_fen).where(FundAccount.kind == "fund"))
    running = dict(funds.all())
    return {"total_fen": total, "unbalanced_transactions": unbalanced,
            "funds_below_zero": sorted(code for code, amount in sums.items() if amount < 0 and code in running),
            "running_balance_mismatches": sorted(code for code, amount in running.items()
                                                 if amount != sums.get(code, 0)),
            "balances": sums}


# ---------------------------------------------------------------- corrections and closes

def reverse(session: Session, transaction_id: int, reason: str) -> LedgerTransaction:
    """A correction: a new transaction, dated today, with every entry negated."""
    original = session.scalar(select(LedgerTransaction).where(LedgerTransaction.id == transaction_id)
                              .with_for_update())
    if original is None:
        raise NotFound(f"no transaction {transaction_id}")
    if original.reverses_id is not None:
        raise Conflict("a reversal is not reversed again; post a new transaction", {"transaction_id": ["a reversal"]})
    if session.scalar(select(LedgerTransaction.id).where(LedgerTransaction.reverses_id == transaction_id)):
        raise Conflict(f"transaction {transaction_id} is already reversed", {"transaction_id": ["already reversed"]})
    legs = [(code, -amount) for code, amount in session.execute(
        select(LedgerEntry.account_code, LedgerEntry.amount_fen).where(LedgerEntry.transaction_id == transaction_id))]
    return post(session, kind="reversal", reason=reason, legs=legs, ref=("transaction", transaction_id),
                reverses_id=transaction_id, field="transaction_id")


def close_year(session: Session, year: int, closed_by: str | None) -> dict[str, Any]:
    if year >= today().year:
        raise InvalidInput.field("year", "a year can be closed once it has ended")
    if session.get(PeriodClose, year) is not None:
        raise Conflict(f"the books of {year} are already closed", {"year": ["already closed"]})
    close = PeriodClose(year=year, closed_by=closed_by)
    session.add(close)
    session.flush()
    return close_view(close)


def close_view(close: PeriodClose) -> dict[str, Any]:
    return {"year": close.year, "closed_at": close.closed_at.isoformat() if close.closed_at else None,
            "closed_by": close.closed_by}


def list_closes(session: Session) -> dict[str, Any]:
    closes = session.scalars(select(PeriodClose).order_by(PeriodClose.year))
    return {"items": [close_view(c) for c in closes], "next_cursor": None}
