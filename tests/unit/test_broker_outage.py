"""A broker outage seen from inside a process: the RPC deadline covers the publish; 503 or 504, never 500."""

from __future__ import annotations

import time

import eventlet
import pytest

from services.chassis import broker
from services.chassis.errors import Unavailable, UpstreamTimeout
from services.chassis.remote import TimedProxy


class Proxy:
    """Stands in for nameko's proxy: `send` is what publishing the request does."""

    def __init__(self, send, answer=lambda: "answered"):
        self._send = send
        self._answer = answer

    def __getattr__(self, method: str):
        proxy = self

        class Call:
            @staticmethod
            def call_async(*args, **kwargs):
                proxy._send()

                class Reply:
                    @staticmethod
                    def result():
                        return proxy._answer()

                return Reply()

        return Call()


@pytest.fixture
def discarded(monkeypatch) -> list[str]:
    calls: list[str] = []
    monkeypatch.setattr("kombu.pools.reset", lambda: calls.append("reset"))
    return calls


def test_a_publish_that_hangs_ends_at_the_deadline(discarded):
    proxy = TimedProxy(Proxy(send=lambda: eventlet.sleep(30)), "gateway", "membership", timeout=0.2)
    started = time.monotonic()
    # Whether the request left is not known, so it is a timeout (504), never "nothing happened" (503).
    with pytest.raises(UpstreamTimeout, match="membership"):
        proxy.register_member({})
    assert time.monotonic() - started < 5
    assert discarded == ["reset"]  # the connection it hung on is not reused


def test_a_broken_pooled_producer_is_an_outage_and_is_thrown_away(discarded):
    def broken():
        raise TypeError("'NoneType' object is not callable")  # py-amqp after the broker went away

    proxy = TimedProxy(Proxy(send=broken), "gateway", "membership", timeout=1)
    with pytest.raises(Unavailable):
        proxy.register_member({})
    assert discarded == ["reset"]


def test_a_refused_connection_is_an_outage_without_discarding_the_pools(discarded):
    def refused():
        raise ConnectionRefusedError(111, "ECONNREFUSED")

    proxy = TimedProxy(Proxy(send=refused), "gateway", "membership", timeout=1)
    with pytest.raises(Unavailable):
        proxy.register_member({})
    assert discarded == []


def test_a_service_that_does_not_answer_is_a_timeout_not_an_outage(discarded):
    proxy = TimedProxy(Proxy(send=lambda: None, answer=lambda: eventlet.sleep(30)), "gateway", "membership",
                       timeout=0.2)
    with pytest.raises(UpstreamTimeout, match="membership"):
        proxy.register_member({})
    assert discarded == []


def test_broker_errors_are_told_apart_from_programming_errors():
    from amqp.exceptions import ConnectionForced

    assert broker.is_broker_error(ConnectionResetError())
    assert broker.is_broker_error(ConnectionForced("broker shutting down"))
    assert not broker.is_broker_error(TypeError("x"))


def test_settling_a_message_survives_a_dropped_connection_but_not_a_bug():
    from services.chassis.entrypoints import settle

    def dropped(message):
        raise ConnectionResetError(104, "Connection reset by peer")

    def bug(message):
        raise TypeError("not a broker error")

    settle(dropped, object())  # logged; the broker hands the message out again
    with pytest.raises(TypeError):
        settle(bug, object())


def test_a_timed_out_call_forgets_its_reply_event():
    from types import SimpleNamespace

    waiting: dict = {}

    class Listening:
        reply_listener = SimpleNamespace(_reply_events=waiting)

        def __getattr__(self, method):
            class Call:
                @staticmethod
                def call_async(*args, **kwargs):
                    event = eventlet.event.Event()
                    waiting["correlation-1"] = event  # what nameko's proxy does before publishing
                    return SimpleNamespace(reply_event=event, result=event.wait)

            return Call()

    proxy = TimedProxy(Listening(), "gateway", "membership", timeout=0.1)
    with pytest.raises(UpstreamTimeout):
        proxy.register_member({})
    assert waiting == {}
