"""An in-memory unit of work: a real SQLAlchemy session on SQLite, events collected in a list."""

from __future__ import annotations

from typing import Any

from sqlalchemy import create_engine
from sqlalchemy.orm import Session
from sqlalchemy.pool import StaticPool

from services.chassis.events import envelope


class FakeUnitOfWork:
    def __init__(self, metadata: Any):
        engine = create_engine("sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False})
        metadata.create_all(engine)
        self.session = Session(engine, expire_on_commit=False)
        self.events: list[dict[str, Any]] = []

    def publish(self, event_type: str, data: dict[str, Any], version: int = 1) -> dict[str, Any]:
        return self.publish_many(event_type, [data], version)[0]

    def publish_many(self, event_type: str, items: list[dict[str, Any]], version: int = 1) -> list[dict[str, Any]]:
        made = [envelope(event_type, data, version) for data in items]
        self.events.extend(made)
        return made

    def commit(self) -> None:
        self.session.commit()

    def types(self) -> list[str]:
        return [event["event_type"] for event in self.events]
