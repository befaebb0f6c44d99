"""The envelope every integration event travels in.

`{event_id, event_type, occurred_at, version, data}`. Each service describes
its own events (name, version, payload fields) in its `events.py`.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any


def utcnow() -> datetime:
    return datetime.now(UTC)


def envelope(event_type: str, data: dict[str, Any], version: int = 1) -> dict[str, Any]:
    return {
        "event_id": str(uuid.uuid4()),
        "event_type": event_type,
        "occurred_at": utcnow().isoformat(),
        "version": version,
        "data": data,
    }
