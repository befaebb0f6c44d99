"""What a broker outage looks like from inside a process, and how to recover from one.

nameko publishes RPC requests, replies and events through kombu's process-wide
pools of connections and producers. When the broker goes away mid-publish, a
pooled producer can keep a channel of a connection that py-amqp has already
torn down; the next publish on it fails with a `TypeError` or
`AttributeError` rather than a connection error, which kombu's retry does not
recognise, so that producer would fail every later publish even after the
broker is back. `discard_pooled_connections` throws the pools away: the next
publish opens a fresh connection.
"""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)


def is_broker_error(exc: BaseException) -> bool:
    """True for the errors a broker outage raises (refused, reset, closed, timed out)."""
    from amqp.exceptions import AMQPError
    from kombu.exceptions import OperationalError

    return isinstance(exc, (OSError, ConnectionError, AMQPError, OperationalError))


def discard_pooled_connections(reason: BaseException | str) -> None:
    """Close every pooled broker connection of this process, so the next publish starts afresh.

    Publishes in flight on those connections fail and are answered as the
    outage they are (503, or the caller's deadline); the pools refill on demand.
    """
    from kombu import pools

    log.warning("discarding pooled broker connections after %s: %s",
                type(reason).__name__ if isinstance(reason, BaseException) else "a failed publish", reason)
    pools.reset()
