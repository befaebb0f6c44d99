"""Calling another service by RPC, with a deadline.

nameko 2.14's `RpcProxy` waits for a reply for ever; a stuck service would
hang its caller. `RemoteService` keeps nameko's proxy (one reply queue per
process, reused by every worker) and bounds each call with a timeout,
records its latency, and turns broker trouble into `Unavailable`.

It is also a bulkhead: a process has at most `max_workers * 3 // 4` calls
in flight to one service. A service that stops answering would otherwise
hold every worker of its caller until their deadlines, and the gateway
would stop answering on all routes, even those that never call it; past the
bound a call fails at once with `Unavailable` (503, try again).
"""

from __future__ import annotations

import time
import warnings
from typing import Any

import eventlet
from eventlet.semaphore import Semaphore
from nameko.rpc import RpcProxy

from services.chassis import metrics
from services.chassis.broker import discard_pooled_connections, is_broker_error
from services.chassis.errors import Unavailable, UpstreamTimeout

DEFAULT_TIMEOUT = 10.0

# nameko publishes RPC requests as mandatory (to detect a service that never
# existed) and warns that this needs confirms, which RemoteService turns off:
# a call to a missing service ends in the deadline instead.
warnings.filterwarnings("ignore", message="Mandatory delivery was requested")


class RemoteService(RpcProxy):
    def __init__(self, target_service: str, timeout: float | None = None, **options: Any):
        # Requests are transient and unconfirmed, like the replies (see TransientPublisher).
        options.setdefault("use_confirms", False)
        options.setdefault("delivery_mode", 1)
        super().__init__(target_service, **options)
        self.timeout = timeout

    def setup(self) -> None:
        super().setup()
        self.in_flight = Semaphore(max(1, self.container.max_workers * 3 // 4))

    def get_dependency(self, worker_ctx: Any) -> TimedProxy:
        timeout = self.timeout or float(self.container.config.get("RPC_TIMEOUT", DEFAULT_TIMEOUT))
        return TimedProxy(super().get_dependency(worker_ctx), self.container.service_name,
                          self.target_service, timeout, self.in_flight)


class TimedProxy:
    def __init__(self, proxy: Any, caller: str, target: str, timeout: float, in_flight: Semaphore | None = None):
        self._proxy = proxy
        self._caller = caller
        self._target = target
        self._timeout = timeout
        self._in_flight = in_flight or Semaphore(1_000_000)

    def __getattr__(self, method: str) -> Any:
        def call(*args: Any, **kwargs: Any) -> Any:
            return self._call(method, args, kwargs)

        return call

    def _call(self, method: str, args: tuple, kwargs: dict) -> Any:
        if not self._in_flight.acquire(blocking=False):
            metrics.RPC_CALLS_OUT.labels(self._caller, self._target, method, "busy").observe(0)
            raise Unavailable(f"the {self._target} service is not keeping up; try again shortly")
        try:
            return self._timed_call(method, args, kwargs)
        finally:
            self._in_flight.release()

    def _timed_call(self, method: str, args: tuple, kwargs: dict) -> Any:
        started = time.perf_counter()
        outcome = "ok"
        try:
            # One deadline for the whole call, the publish included: kombu retries a
            # publish to an unreachable broker for many seconds on its own.
            deadline = eventlet.Timeout(self._timeout)
            reply = None
            try:
                reply = self._send(method, args, kwargs, deadline)
                return reply.result()
            except eventlet.Timeout as exc:
                if exc is not deadline:
                    raise
                outcome = "timeout"
                if reply is not None:
                    self._forget(reply)
                raise UpstreamTimeout(
                    f"the {self._target} service did not answer within {self._timeout:g}s"
                ) from None
            except Unavailable:
                outcome = "unavailable"
                raise
            except Exception:
                outcome = "error"
                raise
            finally:
                deadline.cancel()
        finally:
            metrics.RPC_CALLS_OUT.labels(self._caller, self._target, method, outcome).observe(
                time.perf_counter() - started
            )

    def _forget(self, reply: Any) -> None:
        """Drop a timed-out call's reply event: nameko keeps it until a reply comes, which may be never."""
        waiting = getattr(getattr(self._proxy, "reply_listener", None), "_reply_events", None)
        event = getattr(reply, "reply_event", None)
        if not waiting or event is None:
            return
        for correlation_id, pending in list(waiting.items()):
            if pending is event:
                waiting.pop(correlation_id, None)
                return

    def _send(self, method: str, args: tuple, kwargs: dict, deadline: eventlet.Timeout) -> Any:
        """Publish the request; a failure here means it never reached the service: 503, safe to retry."""
        from kombu.exceptions import EncodeError

        try:
            return getattr(self._proxy, method).call_async(*args, **kwargs)
        except EncodeError:
            raise  # a programming error, not an outage
        except eventlet.Timeout as exc:
            if exc is not deadline:
                raise
            # Whether the request left before the deadline is not known: a timeout (504), not 503.
            discard_pooled_connections("the publish outlasted the deadline")
            raise
        except Exception as exc:
            if not is_broker_error(exc):
                discard_pooled_connections(exc)
            raise Unavailable("the message broker is unavailable; try again shortly") from exc
