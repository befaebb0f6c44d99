"""The entrypoints services use instead of nameko's own `rpc` and `event_handler`.

Both commit the worker's unit of work *before* replying or acking (see
`services.chassis.database`). The RPC entrypoint sends only domain errors to
the caller as themselves; anything unexpected becomes an `InternalError`
without its text, which may hold personal data. The event handler adds the
inbox (an event is processed once per handler), bounded retries with a
growing delay, and parking: after the last try the message moves to
`<queue>.parked`, counted in metrics, where `python -m services.chassis.parking`
lists and replays it.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from functools import partial
from typing import Any

import eventlet
import kombu.serialization
import nameko.events
import nameko.rpc
from kombu import Queue
from nameko.amqp.publish import Publisher
from nameko.constants import (
    AMQP_SSL_CONFIG_KEY,
    AMQP_URI_CONFIG_KEY,
    DEFAULT_SERIALIZER,
    LOGIN_METHOD_CONFIG_KEY,
    SERIALIZER_CONFIG_KEY,
)
from nameko.exceptions import BadRequest, ContainerBeingKilled, UnserializableValueError, serialize
from nameko.rpc import get_rpc_exchange
from sqlalchemy.exc import DBAPIError, DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from services.chassis import metrics
from services.chassis.broker import discard_pooled_connections, is_broker_error
from services.chassis.database import Database, dependency_of
from services.chassis.errors import DomainError, InternalError, Unavailable
from services.chassis.identity import mask_identifiers_in_text
from services.chassis.logs import current_request_id
from services.chassis.parking import parked_depth
from services.chassis.scope import HEADER as SCOPE_HEADER
from services.chassis.scope import apply_scope

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
RETRY_DELAYS = (1, 2, 5, 10, 30)  # seconds before try 2, 3, 4, 5 ...
PARKED_WATCH_INTERVAL = 15


def quorum_arguments() -> dict[str, str]:
    """Queue arguments for the services' own durable queues.

    With `RABBITMQ_QUORUM=1` (a RabbitMQ cluster) they are quorum queues, replicated
    across the cluster's nodes; reply queues stay classic (exclusive, short-lived).
    A queue's type is fixed when it is first declared: switch on a fresh vhost.
    """
    return {"x-queue-type": "quorum"} if os.environ.get("RABBITMQ_QUORUM") == "1" else {}


def public_error(exc: BaseException) -> BaseException:
    """What a caller may be told about `exc`."""
    if isinstance(exc, (DomainError, BadRequest)):
        return exc
    if isinstance(exc, (DisconnectionError, PoolTimeout, OperationalError, InterfaceError)) or (
        isinstance(exc, DBAPIError) and exc.connection_invalidated
    ):
        return Unavailable("the database is unavailable; try again shortly")
    return InternalError(f"internal error (request {current_request_id() or '-'})")


def finish_transaction(container: Any, worker_ctx: Any, exc_info: Any) -> Any:
    """Commit (or roll back) the worker's database work; return the final exc_info."""
    db = dependency_of(container, Database)
    return exc_info if db is None else db.finish(worker_ctx, exc_info)


def _as_exc_info(exc: BaseException, original: Any) -> Any:
    return (type(exc), exc, original[2])


class TransientPublisher(Publisher):
    """For RPC requests and replies: no publisher confirms, not written to disk.

    An RPC message lives only as long as its caller waits. Losing one (the
    broker dies mid-call) ends in the caller's timeout, never in a lost
    change: the worker commits before it replies. Confirms and persistence
    cost a broker round trip and a disk write on every call.
    """

    use_confirms = False
    delivery_mode = 1  # transient


class TransientResponder(nameko.rpc.Responder):
    """Sends the reply with `TransientPublisher`, serialising it once.

    nameko's own responder serialises every reply twice: once to check it
    can be, once to send it. A page of members makes that a real cost.
    """

    publisher_cls = TransientPublisher

    def send_response(self, result: Any, exc_info: Any) -> Any:
        content_type = self.message.properties["content_type"]
        serializer = kombu.serialization.registry.type_to_name[content_type]
        error = serialize(exc_info[1]) if exc_info is not None else None
        try:
            _, _, body = kombu.serialization.dumps({"result": result, "error": error}, serializer)
        except Exception:
            exc_info = sys.exc_info()
            error = serialize(UnserializableValueError(result))
            result = None
            _, _, body = kombu.serialization.dumps({"result": None, "error": error}, serializer)
        self.publisher_cls(self.amqp_uri, ssl=self.ssl, login_method=self.login_method).publish(
            body, serializer=None, content_type=content_type, content_encoding="utf-8",
            exchange=self.exchange, routing_key=self.message.properties["reply_to"],
            correlation_id=self.message.properties.get("correlation_id"),
        )
        return result, exc_info


class RpcConsumer(nameko.rpc.RpcConsumer):
    def setup(self) -> None:
        super().setup()
        self.queue.queue_arguments = {**(self.queue.queue_arguments or {}), **quorum_arguments()}

    def handle_result(self, message: Any, result: Any, exc_info: Any) -> Any:
        config = self.container.config
        responder = TransientResponder(
            config[AMQP_URI_CONFIG_KEY], get_rpc_exchange(config),
            config.get(SERIALIZER_CONFIG_KEY, DEFAULT_SERIALIZER), message,
            ssl=config.get(AMQP_SSL_CONFIG_KEY), login_method=config.get(LOGIN_METHOD_CONFIG_KEY),
        )
        try:
            result, exc_info = responder.send_response(result, exc_info)
        except Exception as exc:
            # An exception here would kill the whole container (nameko ends a process whose
            # handle_result raises), so a broker outage while replies were due took the service
            # down. The work is committed; the caller's deadline answers it (504).
            routing_key = message.delivery_info.get("routing_key")
            if is_broker_error(exc):
                log.warning("rpc %s: the reply could not be sent, the broker is unreachable: %s", routing_key, exc)
            else:  # a pooled producer left broken by an outage, or a bug: in the log, never the end of the service
                log.error("rpc %s: the reply could not be sent", routing_key, exc_info=True)
                discard_pooled_connections(exc)
        settle(self.queue_consumer.ack_message, message)
        return result, exc_info


class Rpc(nameko.rpc.Rpc):
    rpc_consumer = RpcConsumer()

    def __init__(self, expected_exceptions: Any = DomainError, **kwargs: Any):
        # A domain error is an answer, not a fault: nameko logs it as a warning.
        super().__init__(expected_exceptions=expected_exceptions, **kwargs)

    @property
    def request_handler(self) -> str:
        return f"rpc:{self.container.service_name}.{self.method_name}"

    def handle_message(self, body: Any, message: Any) -> None:
        """Apply the caller's union scope (sent by the gateway) before the method runs."""
        if self._answered_before(message):
            return
        scope = (message.headers or {}).get(SCOPE_HEADER)
        if scope is not None and isinstance(body, dict) and "args" in body and "kwargs" in body:
            method = getattr(self.container.service_cls, self.method_name)
            args, kwargs = apply_scope(method, self.method_name, body["args"], body["kwargs"], str(scope))
            body = {**body, "args": args, "kwargs": kwargs}
        super().handle_message(body, message)

    def _answered_before(self, message: Any) -> bool:
        """A redelivered request whose writes were committed is acked, not run again.

        The broker redelivers a request whose connection dropped before the ack,
        even if the worker had committed (and replied); only then is the inbox
        read, so a first delivery costs nothing extra. The caller has its answer
        already, or has given up on it (504: the outcome unknown to it).
        """
        request_id = message.properties.get("correlation_id")
        if not (message.delivery_info.get("redelivered") and request_id):
            return False
        db = dependency_of(self.container, Database)
        try:
            done = db is not None and db.already_processed(request_id, self.request_handler)
        except Exception as exc:  # database down: run it; unique constraints still guard the write
            log.warning("could not check a redelivered request: %s", exc)
            return False
        if done:
            log.warning("rpc %s: request %s was delivered again after it was done; not run twice",
                        self.method_name, request_id)
            metrics.RPC_REDELIVERED_DONE.labels(self.container.service_name, self.method_name).inc()
            settle(self.rpc_consumer.queue_consumer.ack_message, message)
        return done

    def handle_result(self, message: Any, worker_ctx: Any, result: Any, exc_info: Any) -> Any:
        request_id = message.properties.get("correlation_id")
        db = dependency_of(self.container, Database)
        if exc_info is None and request_id and db is not None and worker_ctx in db.units:
            db.units[worker_ctx].record_request(request_id, self.request_handler)
        exc_info = finish_transaction(self.container, worker_ctx, exc_info)
        if exc_info is not None:
            error = public_error(exc_info[1])
            if isinstance(error, InternalError):
                log.error(
                    "rpc %s failed",
                    self.method_name,
                    exc_info=exc_info,
                )
            exc_info = _as_exc_info(error, exc_info)
            result = None
        return super().handle_result(message, worker_ctx, result, exc_info)


rpc = Rpc.decorator


class EventHandler(nameko.events.EventHandler):
    """A service-pool handler with inbox, bounded retries and parking.

    The handler method receives the whole envelope
    `{event_id, event_type, occurred_at, version, data}`.
    """

    def __init__(self, source_service: str, event_type: str, max_attempts: int = MAX_ATTEMPTS, **kwargs: Any):
        super().__init__(source_service, event_type, reliable_delivery=True, requeue_on_error=False, **kwargs)
        self.max_attempts = max_attempts

    @property
    def handler_name(self) -> str:
        return f"{self.container.service_name}.{self.method_name}"

    def setup(self) -> None:
        super().setup()
        if not (self.queue.exclusive or self.queue.auto_delete):
            self.queue.queue_arguments = {**(self.queue.queue_arguments or {}), **quorum_arguments()}
        name = self.queue.name
        self.retry_queue = Queue(
            f"{name}.retry",
            durable=True,
            queue_arguments={"x-dead-letter-exchange": "", "x-dead-letter-routing-key": name, **quorum_arguments()},
        )
        self.parked_queue = Queue(f"{name}.parked", durable=True, queue_arguments=quorum_arguments())
        self.publisher = Publisher(self.container.config["AMQP_URI"])

    def start(self) -> None:
        super().start()
        self._watcher = self.container.spawn_managed_thread(self._watch_parked, identifier="parked_watch")

    def stop(self) -> None:
        watcher = getattr(self, "_watcher", None)
        if watcher is not None:
            watcher.kill()
        super().stop()

    def _watch_parked(self) -> None:
        """Keep the parked-messages gauge current, so operators see parked events."""
        from kombu import Connection

        gauge = metrics.PARKED_MESSAGES.labels(self.container.service_name, self.method_name)
        while True:
            try:
                with Connection(self.container.config["AMQP_URI"], connect_timeout=5) as conn:
                    gauge.set(parked_depth(conn, self.parked_queue.name))
            except Exception as exc:  # broker down: the gauge keeps its last value
                log.debug("parked depth unknown: %s", exc)
            eventlet.sleep(PARKED_WATCH_INTERVAL)

    def inbox_entry(self, worker_ctx: Any) -> tuple[str, str] | None:
        event_id = _event_id(worker_ctx.args[0] if worker_ctx.args else None)
        return (event_id, self.handler_name) if event_id else None

    def handle_message(self, body: Any, message: Any) -> None:
        if isinstance(body, (str, bytes)):
            try:
                body = json.loads(body)
            except ValueError:
                pass
        event_id = _event_id(body)
        db = dependency_of(self.container, Database)
        service = self.container.service_name
        try:
            if event_id and db is not None and db.already_processed(event_id, self.handler_name):
                metrics.EVENTS_CONSUMED.labels(service, self.method_name, "duplicate").inc()
                settle(self.queue_consumer.ack_message, message)
                return
        except Exception as exc:  # database down: let the broker hand it out again later
            log.warning("inbox check failed, requeueing: %s", exc)
            eventlet.sleep(1)
            settle(self.queue_consumer.requeue_message, message)
            return
        context_data = self.unpack_message_headers(message)
        handle_result = partial(self.handle_result, message)
        try:
            self.container.spawn_worker(
                self, (body,), {}, context_data=context_data, handle_result=handle_result
            )
        except ContainerBeingKilled:
            settle(self.queue_consumer.requeue_message, message)

    def handle_result(self, message: Any, worker_ctx: Any, result: Any = None, exc_info: Any = None) -> Any:
        exc_info = finish_transaction(self.container, worker_ctx, exc_info)
        service = self.container.service_name
        if exc_info is None:
            metrics.EVENTS_CONSUMED.labels(service, self.method_name, "handled").inc()
            settle(self.queue_consumer.ack_message, message)
            return result, exc_info
        metrics.EVENTS_CONSUMED.labels(service, self.method_name, "failed").inc()
        try:
            self._retry_or_park(message, exc_info[1])
        except Exception as exc:  # broker trouble: leave the message to the broker
            log.warning("could not schedule a retry, requeueing: %s", exc)
            settle(self.queue_consumer.requeue_message, message)
            return result, exc_info
        settle(self.queue_consumer.ack_message, message)
        return result, exc_info

    def _retry_or_park(self, message: Any, error: BaseException) -> None:
        headers = dict(message.headers or {})
        attempts = int(headers.get("x-attempts", 1))
        headers["x-attempts"] = attempts + 1
        headers["x-last-error"] = mask_identifiers_in_text(f"{type(error).__name__}: {error}")[:500]
        service = self.container.service_name
        common = dict(
            headers=headers,
            content_type=message.content_type,
            content_encoding=message.content_encoding,
            serializer=None,
            exchange="",
        )
        if attempts >= self.max_attempts:
            headers["x-attempts"] = attempts  # tries made
            log.error(
                "event %s parked after %s tries: %s", self.handler_name, attempts, headers["x-last-error"]
            )
            self.publisher.publish(
                message.body, routing_key=self.parked_queue.name, declare=[self.parked_queue], **common
            )
            metrics.EVENTS_PARKED.labels(service, self.method_name).inc()
            return
        delay = RETRY_DELAYS[min(attempts - 1, len(RETRY_DELAYS) - 1)]
        log.warning(
            "event %s failed (try %s of %s), retrying in %ss: %s",
            self.handler_name, attempts, self.max_attempts, delay, headers["x-last-error"],
        )
        self.publisher.publish(
            message.body,
            routing_key=self.retry_queue.name,
            declare=[self.retry_queue],
            expiration=delay,
            **common,
        )
        metrics.EVENTS_RETRIED.labels(service, self.method_name).inc()


def settle(action: Any, message: Any) -> None:
    """Ack or requeue `message`, surviving a connection the broker has just dropped.

    An exception here would end the whole container (nameko ends a process
    whose result handler raises). A message left unsettled on a dropped
    connection is handed out again by the broker; the inbox drops a repeated
    event, and an RPC caller has long given up on its reply.
    """
    try:
        action(message)
    except Exception as exc:
        if not is_broker_error(exc):
            raise
        log.warning("could not settle a message, the broker connection is gone (it will be redelivered): %s", exc)


def _event_id(body: Any) -> str | None:
    if isinstance(body, dict):
        value = body.get("event_id")
        return str(value) if value else None
    return None




event_handler = EventHandler.decorator
