"""RemoteService's bulkhead: past its bound, a call fails at once instead of taking a worker."""

from __future__ import annotations

import pytest
from eventlet.semaphore import Semaphore

from services.chassis.errors import Unavailable
from services.chassis.remote import TimedProxy


class AnsweringProxy:
    """Stands in for nameko's proxy: every call answers at once."""

    def __getattr__(self, method: str):
        class Call:
            @staticmethod
            def call_async(*args, **kwargs):
                class Reply:
                    @staticmethod
                    def result():
                        return f"{method} answered"

                return Reply()

        return Call()


def test_a_call_past_the_bound_fails_at_once_and_a_finished_call_frees_its_place():
    in_flight = Semaphore(1)
    proxy = TimedProxy(AnsweringProxy(), "gateway", "membership", timeout=1, in_flight=in_flight)
    assert proxy.ping() == "ping answered"
    assert in_flight.balance == 1  # the finished call gave its place back
    in_flight.acquire()  # another worker is waiting on membership
    with pytest.raises(Unavailable, match="membership"):
        proxy.ping()
    in_flight.release()
    assert proxy.ping() == "ping answered"
