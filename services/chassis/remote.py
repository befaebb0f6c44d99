"""Calling another service by RPC, with a deadline.

nameko 2.14's `RpcProxy` waits for a reply for ever; a stuck service would
hang its caller. `RemoteService` keeps nameko's proxy (one reply queue per
process, reused by every worker) and bounds each call with a timeout,
records its latency, and turns broker trouble into `Unavailable`.
"""

from __future__ import annotations

import time
import warnings
from typing import Any

import eventlet
from nameko.rpc import RpcProxy

from services.chassis import metrics
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

    def get_dependency(self, worker_ctx: Any) -> TimedProxy:
        timeout = self.timeout or float(self.container.config.get("RPC_TIMEOUT", DEFAULT_TIMEOUT))
        return TimedProxy(super().get_dependency(worker_ctx), self.container.service_name,
                          self.target_service, timeout)


class TimedProxy:
    def __init__(self, proxy: Any, caller: str, target: str, timeout: float):
        self._proxy = proxy
        self._caller = caller
        self._target = target
        self._timeout = timeout

    def __getattr__(self, method: str) -> Any:
        def call(*args: Any, **kwargs: Any) -> Any:
            return self._call(method, args, kwargs)

        return call

    def _call(self, method: str, args: tuple, kwargs: dict) -> Any:
        started = time.perf_counter()
        outcome = "ok"
        try:
            try:
                reply = getattr(self._proxy, method).call_async(*args, **kwargs)
            except (OSError, ConnectionError) as exc:
                outcome = "unavailable"
                raise Unavailable("the message broker is unavailable; try again shortly") from exc
            except Exception as exc:
                if _is_broker_error(exc):
                    outcome = "unavailable"
                    raise Unavailable("the message broker is unavailable; try again shortly") from exc
                raise
            try:
                with eventlet.Timeout(self._timeout):
                    return reply.result()
            except eventlet.Timeout as exc:
                outcome = "timeout"
                raise UpstreamTimeout(
                    f"the {self._target} service did not answer within {self._timeout:g}s"
                ) from exc
            except Exception:
                outcome = "error"
                raise
        finally:
            metrics.RPC_CALLS_OUT.labels(self._caller, self._target, method, outcome).observe(
                time.perf_counter() - started
            )


def _is_broker_error(exc: Exception) -> bool:
    from amqp.exceptions import AMQPError
    from kombu.exceptions import OperationalError

    return isinstance(exc, (AMQPError, OperationalError))
