"""Domain errors that cross RPC as themselves.

nameko serialises an exception raised by an RPC worker; classes registered
with `deserialize_to_instance` are rebuilt as instances at the caller, so the
gateway can map them to HTTP statuses (see `gateway/problems.py`). Services
raise these classes directly: a subclass defined in a service package would
not be known to the caller.
"""

from __future__ import annotations

from nameko.exceptions import deserialize_to_instance

FieldErrors = dict[str, list[str]]


class DomainError(Exception):
    """Base of every error the caller may show to a person."""

    status = 400
    title = "Bad request"

    def __init__(self, detail: str, errors: FieldErrors | None = None):
        super().__init__(detail, errors or {})
        self.detail = detail
        self.errors: FieldErrors = errors or {}

    def __str__(self) -> str:
        return self.detail


@deserialize_to_instance
class InvalidInput(DomainError):
    """Input that breaks a rule; `errors` names each field."""

    status = 422
    title = "Invalid input"

    @classmethod
    def field(cls, name: str, message: str) -> InvalidInput:
        return cls(f"{name}: {message}", {name: [message]})


@deserialize_to_instance
class NotFound(DomainError):
    status = 404
    title = "Not found"


@deserialize_to_instance
class Conflict(DomainError):
    """The request is valid but clashes with the current state."""

    status = 409
    title = "Conflict"


@deserialize_to_instance
class Forbidden(DomainError):
    status = 403
    title = "Forbidden"


@deserialize_to_instance
class Unavailable(DomainError):
    """A dependency (database, broker) is down; the caller may retry."""

    status = 503
    title = "Service unavailable"


@deserialize_to_instance
class InternalError(DomainError):
    """An unexpected failure, reported without its details (they may hold personal data)."""

    status = 500
    title = "Internal error"


@deserialize_to_instance
class UpstreamTimeout(DomainError):
    """Another service did not answer in time."""

    status = 504
    title = "Upstream timeout"
