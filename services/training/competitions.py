"""Labour and skill competitions: entries, judges' marks, results published once, then frozen.

Competitions, like schools, are open to every reader (the city's results are
public and a union chair enters their own members); marking and publishing
are for the host's training officers. Marks are kept in hundredths of a point,
so equal scores are equal and ties share a rank.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.exc import IntegrityError

from services.chassis.database import UnitOfWork
from services.chassis.errors import Conflict, InvalidInput
from services.chassis.events import utcnow
from services.chassis.schemas import load
from services.training import domain, schemas
from services.training.common import active_member, find, iso, organisation_path, paged, scope_of, year_bounds
from services.training.models import Competition, Entry, JudgeScore, directory


def competition_view(db: UnitOfWork, competition: Competition) -> dict[str, Any]:
    entrants = db.session.scalar(select(func.count()).select_from(Entry)
                                 .where(Entry.competition_id == competition.id))
    return {
        "id": str(competition.id), "name": competition.name, "kind": competition.kind,
        "organisation_id": str(competition.organisation_id), "held_on": iso(competition.held_on),
        "max_score": competition.max_score, "prizes": dict(competition.prizes or {}),
        "status": competition.status, "published_at": iso(competition.published_at),
        "entrants": int(entrants or 0),
    }


def entry_view(entry: Entry, names: dict[int, str], marks: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    view = {
        "id": str(entry.id), "competition_id": str(entry.competition_id), "member_id": str(entry.member_id),
        "member_name": names.get(entry.member_id),
        "final_score": entry.final_score_centi / 100 if entry.final_score_centi is not None else None,
        "rank": entry.rank, "award": entry.award,
    }
    if marks is not None:
        view["scores"] = marks
    return view


def judges_marks(db: UnitOfWork, entry_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """Each entry's marks, judge by judge, for the entries listed.

    Sorted by the judge's name here, not in SQL, so the order is the same on every database's collation.
    """
    marks: dict[int, list[dict[str, Any]]] = defaultdict(list)
    if entry_ids:
        rows = db.session.execute(select(JudgeScore.entry_id, JudgeScore.judge, JudgeScore.score_centi)
                                  .where(JudgeScore.entry_id.in_(entry_ids)))
        for entry_id, judge, centi in sorted(rows, key=lambda row: (row[0], row[1])):
            marks[entry_id].append({"judge": judge, "score": centi / 100})
    return marks


def create_competition(db: UnitOfWork, data: dict[str, Any], within: Any = None) -> dict[str, Any]:
    data = load(schemas.CompetitionCreateSchema, data)
    session = db.session
    path = organisation_path(session, data["organisation_id"], scope_of(session, within))
    competition = Competition(**data, organisation_path=path, status="open")
    session.add(competition)
    session.flush()
    return competition_view(db, competition)


def list_competitions(db: UnitOfWork, query: dict[str, Any]) -> dict[str, Any]:
    query = load(schemas.PageSchema, {k: v for k, v in query.items() if v not in (None, "")})
    session = db.session
    stmt = select(Competition)
    if query["year"]:
        stmt = stmt.where(Competition.held_on.between(*year_bounds(query["year"])))
    if query["kind"]:
        stmt = stmt.where(Competition.kind == query["kind"])
    if query["status"]:
        stmt = stmt.where(Competition.status == query["status"])
    if query["organisation_id"]:
        stmt = stmt.where(Competition.organisation_path.startswith(scope_of(session, query["organisation_id"])))
    return paged(session, stmt, Competition, query, lambda c: competition_view(db, c))


def get_competition(db: UnitOfWork, competition_id: Any) -> dict[str, Any]:
    return competition_view(db, find(db.session, Competition, competition_id, None, "competition"))


def list_entries(db: UnitOfWork, competition_id: Any, query: dict[str, Any]) -> dict[str, Any]:
    """Entries in id order; once published each has its final score, rank and award."""
    query = load(schemas.PageSchema, {k: v for k, v in query.items() if v not in (None, "")})
    session = db.session
    competition = find(session, Competition, competition_id, None, "competition")
    rows: list[Entry] = []
    result = paged(session, select(Entry).where(Entry.competition_id == competition.id), Entry, query,
                   lambda e: rows.append(e) or e)
    names = directory.member_names(session, [e.member_id for e in rows])
    marks = judges_marks(db, [e.id for e in rows])
    result["items"] = [entry_view(e, names, marks.get(e.id, [])) for e in rows]
    return result


def enter(db: UnitOfWork, competition_id: Any, data: dict[str, Any], within: Any = None) -> dict[str, Any]:
    """Enter a member (in the caller's scope, still a member), once, while results are open."""
    data = load(schemas.MemberRefSchema, data)
    session = db.session
    competition = find(session, Competition, competition_id, None, "competition")
    domain.check_not_published(competition.status)
    member = active_member(session, data["member_id"], scope_of(session, within))
    if session.scalar(select(Entry.id).where(Entry.competition_id == competition.id,
                                             Entry.member_id == member["member_id"])):
        raise Conflict("the member has already entered this competition")
    entry = Entry(competition_id=competition.id, member_id=member["member_id"])
    session.add(entry)
    try:
        session.flush()
    except IntegrityError:
        raise Conflict("the member has already entered this competition") from None
    return entry_view(entry, {member["member_id"]: member["name"]})


def enter_many(db: UnitOfWork, competition_id: Any, data: dict[str, Any], within: Any = None) -> dict[str, Any]:
    """Enter many members at once, all or none: each member must be as `enter` wants it; what is
    wrong is a field error naming the member's place in the list (`member_ids.3`)."""
    data = load(schemas.MemberRefsSchema, data)
    session = db.session
    competition = find(session, Competition, competition_id, None, "competition", for_update=True)
    domain.check_not_published(competition.status)
    prefix = scope_of(session, within)
    wanted = [int(m) for m in data["member_ids"]]
    members = directory.members
    copies = {row.member_id: row for row in session.execute(
        select(members.c.member_id, members.c.name, members.c.status, members.c.organisation_path)
        .where(members.c.member_id.in_(wanted)))}
    entered = set(session.scalars(select(Entry.member_id).where(Entry.competition_id == competition.id,
                                                                Entry.member_id.in_(wanted))))
    errors: dict[str, list[str]] = {}
    seen: set[int] = set()
    for place, member_id in enumerate(wanted):
        copy = copies.get(member_id)
        if copy is None or (prefix and not copy.organisation_path.startswith(prefix)):
            errors[f"member_ids.{place}"] = ["no such member"]
        elif copy.status != "active":
            errors[f"member_ids.{place}"] = ["the member has left"]
        elif member_id in seen:
            errors[f"member_ids.{place}"] = ["a member appears more than once"]
        elif member_id in entered:
            errors[f"member_ids.{place}"] = ["the member has already entered this competition"]
        seen.add(member_id)
    if errors:
        first = next(iter(errors.items()))
        raise InvalidInput(f"{first[0]}: {first[1][0]}", errors)
    rows = [Entry(competition_id=competition.id, member_id=member_id) for member_id in wanted]
    session.add_all(rows)
    try:
        session.flush()
    except IntegrityError:
        raise Conflict("a member has already entered this competition") from None
    names = {member_id: copy.name for member_id, copy in copies.items()}
    return {"items": [entry_view(row, names) for row in rows]}


def _for_marking(db: UnitOfWork, competition_id: Any, within: Any) -> Competition:
    session = db.session
    competition = find(session, Competition, competition_id, scope_of(session, within), "competition",
                       for_update=True)
    domain.check_not_published(competition.status)
    return competition


def _entries_of(db: UnitOfWork, competition: Competition) -> dict[int, int]:
    """member_id -> entry id."""
    rows = db.session.execute(select(Entry.member_id, Entry.id).where(Entry.competition_id == competition.id))
    return dict(rows.all())


def _check_entrants(wanted: list[int], entries: dict[int, int], field: str) -> None:
    strangers = [m for m in wanted if m not in entries]
    if strangers:
        raise InvalidInput.field(field, f"not entrants of this competition: {', '.join(map(str, strangers[:20]))}")
    if len(set(wanted)) != len(wanted):
        raise InvalidInput.field(field, "a member appears more than once")


def record_scores(db: UnitOfWork, competition_id: Any, data: dict[str, Any], within: Any = None) -> dict[str, Any]:
    """One judge's marks for some entrants; a judge marking an entrant again replaces the mark."""
    data = load(schemas.JudgeScoresSchema, data)
    session = db.session
    competition = _for_marking(db, competition_id, within)
    entries = _entries_of(db, competition)
    marks = data["scores"]
    _check_entrants([m["member_id"] for m in marks], entries, "scores")
    centi = {entries[m["member_id"]]: domain.to_centi(m["score"], competition.max_score, "scores")
             for m in marks}
    existing = dict(session.execute(select(JudgeScore.entry_id, JudgeScore.id).where(
        JudgeScore.judge == data["judge"], JudgeScore.entry_id.in_(list(centi)))).all())
    fresh = [{"entry_id": e, "judge": data["judge"], "score_centi": c} for e, c in centi.items() if e not in existing]
    if fresh:
        session.execute(JudgeScore.__table__.insert(), fresh)
    changed = [{"sid": existing[e], "value": c} for e, c in centi.items() if e in existing]
    if changed:
        table = JudgeScore.__table__
        session.execute(update(table).where(table.c.id == bindparam("sid"))
                        .values(score_centi=bindparam("value")).execution_options(synchronize_session=False),
                        changed)
    return {"competition_id": str(competition.id), "judge": data["judge"], "recorded": len(centi)}


def publish_results(db: UnitOfWork, competition_id: Any, data: dict[str, Any] | None,
                    within: Any = None) -> dict[str, Any]:
    """Compute every final score and rank, award the prizes, publish; afterwards nothing changes.

    With `results` the scores come in the request (a final `score`, or the
    judges' `scores` per entrant); without, from the judges' recorded marks.
    """
    data = load(schemas.ResultsSchema, data or {})
    session = db.session
    competition = _for_marking(db, competition_id, within)
    entries = _entries_of(db, competition)
    finals: dict[int, int] = {}
    if data["results"]:
        _check_entrants([r["member_id"] for r in data["results"]], entries, "results")
        for result in data["results"]:
            if "score" in result:
                finals[entries[result["member_id"]]] = domain.to_centi(result["score"], competition.max_score,
                                                                       "results")
            else:
                finals[entries[result["member_id"]]] = domain.final_score(
                    [domain.to_centi(s, competition.max_score, "results") for s in result["scores"]])
    else:
        marks: dict[int, list[int]] = defaultdict(list)
        rows = session.execute(select(JudgeScore.entry_id, JudgeScore.score_centi)
                               .join(Entry, Entry.id == JudgeScore.entry_id)
                               .where(Entry.competition_id == competition.id))
        for entry_id, score in rows:
            marks[entry_id].append(score)
        finals = domain.results_from_scores(entries.values(), marks)
    if not finals:
        raise InvalidInput.field("results", "no entrant has a score yet")
    ranks = domain.rank(finals)
    prizes = competition.prizes or domain.DEFAULT_PRIZES
    table = Entry.__table__
    session.execute(
        update(table).where(table.c.id == bindparam("eid"))
        .values(final_score_centi=bindparam("final"), rank=bindparam("place"), award=bindparam("prize"))
        .execution_options(synchronize_session=False),
        [{"eid": e, "final": finals[e], "place": ranks[e], "prize": domain.award_for(ranks[e], prizes)}
         for e in finals],
    )
    competition.status = "published"
    competition.published_at = utcnow()
    session.flush()
    by_entry = {entry_id: member_id for member_id, entry_id in entries.items()}
    ordered = sorted(finals, key=lambda e: (ranks[e], e))
    return {
        **competition_view(db, competition),
        "results": [{"member_id": str(by_entry[e]), "final_score": finals[e] / 100, "rank": ranks[e],
                     "award": domain.award_for(ranks[e], prizes)} for e in ordered],
    }
