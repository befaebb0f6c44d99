"""The chassis on a real broker and database: outbox, inbox, retries, parking, typed errors."""

from __future__ import annotations

import json

import pytest
from kombu import Connection
from nameko.standalone.events import event_dispatcher
from nameko.standalone.rpc import ServiceRpcProxy
from sqlalchemy import Integer, String, create_engine, func, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from services.chassis import entrypoints, parking
from services.chassis.database import Database
from services.chassis.entrypoints import event_handler, rpc
from services.chassis.errors import InternalError, InvalidInput, UpstreamTimeout
from services.chassis.events import envelope
from services.chassis.outbox import OutboxRelay
from services.chassis.remote import RemoteService
from services.chassis.tables import add_chassis_tables
from services.chassis.telemetry import ServiceBase
from tests.helpers import EventTap, wait_until


class Base(DeclarativeBase):
    pass


add_chassis_tables(Base.metadata)


class Tally(Base):
    __tablename__ = "tally"
    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)


FAILING = {"handler": True}


def bump(session, name: str) -> None:
    tally = session.get(Tally, name)
    if tally is None:
        session.add(Tally(name=name, count=1))
    else:
        tally.count += 1


class LedgerService(ServiceBase):
    """A stand-in service with the chassis and one table."""

    name = "chassis_probe"
    db = Database(Base.metadata)
    slow = RemoteService("chassis_slow", timeout=0.5)

    @rpc
    def record(self, name: str, fail: bool = False) -> str:
        bump(self.db.session, name)
        self.db.publish("tallied", {"name": name})
        if fail:
            raise RuntimeError("boom with 370781199001011234 inside")
        return name

    @rpc
    def reject(self) -> None:
        raise InvalidInput("amount_fen: must be positive", {"amount_fen": ["must be positive"]})

    @rpc
    def ask_slow(self) -> str:
        return self.slow.wait()

    @event_handler("probe_source", "counted")
    def handle_counted(self, event: dict) -> None:
        bump(self.db.session, event["data"]["name"])

    @event_handler("probe_source", "flaky")
    def handle_flaky(self, event: dict) -> None:
        bump(self.db.session, event["data"]["name"])
        if FAILING["handler"]:
            raise ValueError("cannot handle this yet")


class SlowService(ServiceBase):
    name = "chassis_slow"

    @rpc
    def wait(self) -> str:
        import eventlet

        eventlet.sleep(3)
        return "late"


@pytest.fixture
def probe(container_factory, service_config, db_backend, postgres, tmp_path, monkeypatch):
    monkeypatch.setattr(entrypoints, "RETRY_DELAYS", (0.05,))
    url = f"sqlite:///{tmp_path / 'probe.db'}" if db_backend == "sqlite" else postgres.create("probe")
    engine = create_engine(url)
    Base.metadata.create_all(engine)
    config = service_config(url)
    container = container_factory(LedgerService, config)
    container.start()
    with ServiceRpcProxy("chassis_probe", config, timeout=20) as proxy:
        yield proxy, engine, config, container
    engine.dispose()


def tally(engine, name: str) -> int:
    with engine.connect() as conn:
        return conn.scalar(select(Tally.count).where(Tally.name == name)) or 0


def outbox_rows(engine) -> int:
    outbox = Base.metadata.tables["outbox"]
    with engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(outbox))


def test_event_leaves_only_if_the_transaction_commits(probe, amqp_uri):
    proxy, engine, _, _ = probe
    tap = EventTap(amqp_uri, "chassis_probe", ["tallied"])
    with pytest.raises(InternalError) as raised:
        proxy.record("failed", fail=True)
    assert "370781" not in str(raised.value)  # no details (personal data) cross to the caller
    assert proxy.record("kept") == "kept"
    seen = tap.wait_for(lambda es: any(e["data"]["name"] == "kept" for e in es))
    assert [e["data"]["name"] for e in seen] == ["kept"]
    assert tally(engine, "failed") == 0 and tally(engine, "kept") == 1
    assert outbox_rows(engine) == 1
    tap.close()


def test_the_request_id_travels_from_rpc_into_the_event(probe, amqp_uri):
    _, _, config, _ = probe
    tap = EventTap(amqp_uri, "chassis_probe", ["tallied"])
    with ServiceRpcProxy("chassis_probe", config, context_data={"request_id": "trace-123"}) as traced:
        traced.record("traced")
    tap.wait_for(lambda es: len(es) >= 1)
    assert tap.headers[0]["nameko.request_id"] == "trace-123"
    tap.close()


def test_domain_errors_cross_rpc_as_themselves(probe):
    proxy, *_ = probe
    with pytest.raises(InvalidInput) as raised:
        proxy.reject()
    assert raised.value.errors == {"amount_fen": ["must be positive"]}


def test_a_slow_service_times_out_instead_of_hanging(probe, container_factory, service_config):
    proxy, _, config, _ = probe
    container_factory(SlowService, config).start()
    with pytest.raises(UpstreamTimeout):
        proxy.ask_slow()


def outbox_with(db_backend, postgres, tmp_path, name: str, events: list[str]):
    """A database of its own whose outbox holds committed, unpublished `tallied` events named `events`."""
    url = f"sqlite:///{tmp_path / (name + '.db')}" if db_backend == "sqlite" else postgres.create(name)
    engine = create_engine(url)
    Base.metadata.create_all(engine)
    outbox = Base.metadata.tables["outbox"]
    with engine.begin() as conn:
        for event_name in events:
            env = envelope("tallied", {"name": event_name})
            conn.execute(outbox.insert().values(event_id=env["event_id"], event_type="tallied",
                                                payload=json.dumps(env), created_at=func.now(), attempts=0))
    return url, engine, outbox


def test_relay_keeps_events_while_the_broker_is_down_and_sends_them_after(
    db_backend, postgres, tmp_path, service_config, amqp_uri
):
    url, engine, outbox = outbox_with(db_backend, postgres, tmp_path, "relay", ["queued-while-down"])
    config = service_config(url)
    down = OutboxRelay("chassis_probe", engine, outbox, {**config, "AMQP_URI": "amqp://guest:guest@127.0.0.1:1/"})
    with pytest.raises(Exception):  # noqa: B017 - any connection error
        down.publish_batch()
    pending = select(func.count()).select_from(outbox).where(outbox.c.published_at.is_(None))
    with engine.connect() as conn:
        assert conn.scalar(pending) == 1
    tap = EventTap(amqp_uri, "chassis_probe", ["tallied"])
    back = OutboxRelay("chassis_probe", engine, outbox, config)
    assert back.publish_batch() == 1
    assert back.publish_batch() == 0  # published once, not again
    seen = tap.wait_for(lambda es: len(es) >= 1)
    assert [e["data"]["name"] for e in seen] == ["queued-while-down"]
    with engine.connect() as conn:
        assert conn.scalar(pending) == 0
    back.stop()
    tap.close()
    engine.dispose()


def test_a_stopping_relay_finishes_the_batch_in_hand_before_letting_go(
    db_backend, postgres, tmp_path, service_config, amqp_uri
):
    """Stopped mid-batch, the relay publishes and marks it first: nothing is sent again at the next start."""
    import eventlet

    names = [f"in-hand-{n}" for n in range(3)]
    url, engine, outbox = outbox_with(db_backend, postgres, tmp_path, "relay_stop", names)
    tap = EventTap(amqp_uri, "chassis_probe", ["tallied"])
    relay = OutboxRelay("chassis_probe", engine, outbox, service_config(url))
    in_hand = eventlet.event.Event()
    publish = relay._publish

    def slow_publish(rows):  # the batch is in flight when the stop comes
        in_hand.send(True)
        eventlet.sleep(0.5)
        publish(rows)

    relay._publish = slow_publish
    runner = eventlet.spawn(relay.run)
    in_hand.wait()
    relay.stop()
    pending = select(func.count()).select_from(outbox).where(outbox.c.published_at.is_(None))
    with engine.connect() as conn:
        assert conn.scalar(pending) == 0  # marked before stop() returned
    assert runner.dead
    seen = tap.wait_for(lambda es: len(es) >= 3)
    assert sorted(e["data"]["name"] for e in seen) == names
    tap.close()
    engine.dispose()


def test_the_same_event_twice_is_handled_once(probe, amqp_uri):
    _, engine, config, _ = probe
    dispatch = event_dispatcher(config)
    env = envelope("counted", {"name": "once"})
    dispatch("probe_source", "counted", env)
    dispatch("probe_source", "counted", env)
    dispatch("probe_source", "counted", envelope("counted", {"name": "once"}))  # a different event
    wait_until(lambda: tally(engine, "once") >= 2)
    inbox = Base.metadata.tables["inbox"]
    with engine.connect() as conn:
        wait_until(lambda: conn.scalar(select(func.count()).select_from(inbox)) == 2)
    import time

    time.sleep(0.5)  # a third application would show by now
    assert tally(engine, "once") == 2


def send_request(conn, name: str, correlation_id: str, reply_to: str) -> None:
    """An RPC request to chassis_probe.record, as nameko's proxy sends one."""
    conn.Producer(serializer="json").publish(
        {"args": [name], "kwargs": {}}, exchange="nameko-rpc", routing_key="chassis_probe.record",
        correlation_id=correlation_id, reply_to=reply_to, headers={}, declare=[])


def deliver_without_ack(conn, queue: str, count: int) -> None:
    """Take `count` messages off `queue` and drop the channel unacked: the broker redelivers them."""
    channel = conn.channel()
    for _ in range(count):
        wait_until(lambda: channel.basic_get(queue, no_ack=False) is not None)
    channel.close()


def test_a_request_delivered_again_after_it_was_done_is_not_run_twice(probe, amqp_uri, container_factory):
    import uuid

    from kombu import Exchange, Queue

    from services.chassis import metrics

    proxy, engine, config, container = probe
    done = metrics.RPC_REDELIVERED_DONE.labels("chassis_probe", "record")
    before = done._value.get()
    replies = f"probe-replies-{uuid.uuid4().hex}"
    twice, fresh = str(uuid.uuid4()), str(uuid.uuid4())
    with Connection(amqp_uri) as conn:
        Queue(replies, Exchange("nameko-rpc", type="topic", durable=True), routing_key=replies,
              auto_delete=True)(conn.default_channel).declare()
        send_request(conn, "twice", twice, replies)
        wait_until(lambda: tally(engine, "twice") == 1)
        inbox = Base.metadata.tables["inbox"]
        with engine.connect() as db:
            assert db.scalar(select(inbox.c.handler).where(inbox.c.event_id == twice)) == \
                "rpc:chassis_probe.record"  # it wrote, so the request is in the inbox

        # The connection dropped after the commit and before the ack: the broker hands it out again.
        container.stop()
        send_request(conn, "twice", twice, replies)
        send_request(conn, "fresh", fresh, replies)  # never done: a redelivery of it runs
        deliver_without_ack(conn, "rpc-chassis_probe", 2)
        container_factory(LedgerService, config).start()

        wait_until(lambda: tally(engine, "fresh") == 1)
        # (>=: the first delivery may come again too, if its ack was lost as the container stopped)
        wait_until(lambda: done._value.get() >= before + 1)
    proxy.record("after")  # sent after the redeliveries: they are through by its answer
    assert tally(engine, "twice") == 1
    assert outbox_rows(engine) == 3  # one event per run (twice, fresh, after), none for the repeat


def test_a_failing_handler_is_retried_then_parked_and_can_be_replayed(probe, amqp_uri):
    _, engine, config, container = probe
    FAILING["handler"] = True
    dispatch = event_dispatcher(config)
    dispatch("probe_source", "flaky", envelope("flaky", {"name": "poison"}))
    dispatch("probe_source", "counted", envelope("counted", {"name": "healthy"}))
    queue = "evt-probe_source-flaky--chassis_probe.handle_flaky.parked"
    with Connection(amqp_uri) as conn:
        wait_until(lambda: parking.parked_depth(conn, queue) == 1, timeout=30)
    assert tally(engine, "poison") == 0  # every try rolled back
    assert tally(engine, "healthy") == 1  # other events kept flowing
    shown = parking.show(queue, amqp_uri)
    assert shown[0]["attempts"] == entrypoints.MAX_ATTEMPTS
    assert "cannot handle this yet" in shown[0]["last_error"]
    FAILING["handler"] = False
    assert parking.replay(queue, amqp_uri) == 1
    wait_until(lambda: tally(engine, "poison") == 1)
    with Connection(amqp_uri) as conn:
        assert parking.parked_depth(conn, queue) == 0


class QuorumProbe(ServiceBase):
    name = "chassis_quorum"

    db = Database(Base.metadata)

    @rpc
    def ping(self) -> str:
        return "pong"

    @event_handler("chassis_probe", "tallied")
    def on_tallied(self, event: dict) -> None:
        pass


def test_with_rabbitmq_quorum_the_services_queues_are_quorum_queues(
        container_factory, service_config, vhost_factory, tmp_path, monkeypatch):
    import shutil
    import subprocess

    rabbitmqctl = shutil.which("rabbitmqctl")
    if rabbitmqctl is None:
        pytest.skip("needs rabbitmqctl to read the queues' types")
    uri = vhost_factory("quorum")
    monkeypatch.setenv("RABBITMQ_QUORUM", "1")
    url = f"sqlite:///{tmp_path / 'quorum.db'}"
    Base.metadata.create_all(create_engine(url))
    config = {**service_config(url), "AMQP_URI": uri}
    container = container_factory(QuorumProbe, config)
    container.start()
    with ServiceRpcProxy("chassis_quorum", config, timeout=20) as proxy:
        assert proxy.ping() == "pong"
    vhost = uri.rsplit("/", 1)[-1]
    listed = subprocess.run([rabbitmqctl, "-q", "list_queues", "-p", vhost, "name", "type"],
                            capture_output=True, text=True, check=True).stdout
    types = dict(line.split("\t") for line in listed.strip().splitlines()[1:] if "\t" in line)
    handler_queue = "evt-chassis_probe-tallied--chassis_quorum.on_tallied"
    assert types["rpc-chassis_quorum"] == "quorum"
    assert types[handler_queue] == "quorum"
    # the retry and parked queues are declared when first used, with the same arguments
    assert {t for name, t in types.items() if name.startswith("rpc.reply")} <= {"classic"}
