"""JSON log lines that carry the request id and never a whole ID number.

nameko configures logging from `deploy/nameko.yaml`, which names
`JsonFormatter`. The request id of the worker that logs is kept in a
greenthread-local (`current`), set by the telemetry dependency from the
nameko context, so it travels through RPC and event headers without every
call site passing it along.
"""

from __future__ import annotations

import json
import logging
import os
from datetime import UTC, datetime

from eventlet.corolocal import local

from services.chassis.identity import mask_identifiers_in_text

current = local()


def current_request_id() -> str | None:
    return getattr(current, "request_id", None)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id, extras."""

    RESERVED = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = current_request_id()
        if request_id:
            line["request_id"] = request_id
        service = os.environ.get("SERVICE_NAME")
        if service:
            line["service"] = service
        for key, value in vars(record).items():
            if key not in self.RESERVED and not key.startswith("_"):
                line[key] = value
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return mask_identifiers_in_text(json.dumps(line, ensure_ascii=False, default=str))
