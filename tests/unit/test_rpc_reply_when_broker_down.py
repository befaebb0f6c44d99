"""A reply that cannot be sent (the broker is gone) must not end the service's process."""

from __future__ import annotations

from types import SimpleNamespace

from kombu.exceptions import OperationalError

from services.chassis import entrypoints


class Consumer:
    def __init__(self) -> None:
        self.acked: list = []

    def ack_message(self, message) -> None:
        self.acked.append(message)


def consumer_with(monkeypatch, failure: BaseException) -> entrypoints.RpcConsumer:
    def send_response(self, result, exc_info):
        raise failure

    monkeypatch.setattr(entrypoints.TransientResponder, "send_response", send_response)
    rpc = entrypoints.RpcConsumer()
    rpc.container = SimpleNamespace(config={"AMQP_URI": "amqp://guest:guest@127.0.0.1:1/"})
    rpc.queue_consumer = Consumer()
    return rpc


def message() -> SimpleNamespace:
    return SimpleNamespace(properties={"content_type": "application/json", "reply_to": "r"},
                           delivery_info={"routing_key": "membership.register_member"})


def test_broker_down_while_replying_is_logged_not_raised(monkeypatch):
    rpc = consumer_with(monkeypatch, OperationalError("[Errno 111] ECONNREFUSED"))
    msg = message()
    assert rpc.handle_result(msg, {"id": "1"}, None) == ({"id": "1"}, None)
    assert rpc.queue_consumer.acked == [msg]


def test_other_reply_failures_are_logged_and_the_pools_thrown_away(monkeypatch, caplog):
    discarded: list[str] = []
    monkeypatch.setattr("kombu.pools.reset", lambda: discarded.append("reset"))
    rpc = consumer_with(monkeypatch, TypeError("'NoneType' object is not callable"))  # py-amqp, torn down
    msg = message()
    with caplog.at_level("ERROR", logger="services.chassis.entrypoints"):
        rpc.handle_result(msg, None, None)
    assert rpc.queue_consumer.acked == [msg]
    assert discarded == ["reset"]
    assert "the reply could not be sent" in caplog.text
