"""What `make run` decides before it starts anything."""

from __future__ import annotations

import pytest

from deploy import launch


def test_components_are_the_services_that_exist_then_the_gateway():
    names = launch.components()
    assert names[-1] == "gateway"
    assert {"membership", "welfare"} <= set(names)
    assert all(name in launch.SERVICE_CLASSES for name in names)


def test_an_unreachable_broker_that_cannot_be_started_says_what_to_install(monkeypatch):
    monkeypatch.setattr(launch, "broker_reachable", lambda uri: False)
    monkeypatch.setattr(launch, "_rabbitmq_server", lambda: None)
    monkeypatch.setattr(launch, "apt_install", lambda package: False)
    with pytest.raises(SystemExit) as stopped:
        launch.ensure_rabbitmq("amqp://guest:guest@127.0.0.1:5672/")
    assert "apt-get install rabbitmq-server" in str(stopped.value)
    assert "guest:guest" not in str(stopped.value)  # no credentials in the message


def test_a_remote_broker_is_never_installed_locally(monkeypatch):
    installs = []
    monkeypatch.setattr(launch, "broker_reachable", lambda uri: False)
    monkeypatch.setattr(launch, "apt_install", lambda package: installs.append(package) or True)
    with pytest.raises(SystemExit):
        launch.ensure_rabbitmq("amqp://union:secret@rabbitmq.internal:5672/")
    assert installs == []


def test_profile_dir_runs_each_process_under_cprofile_with_a_file_of_its_own(monkeypatch, tmp_path):
    commands = []
    monkeypatch.setattr(launch.subprocess, "Popen", lambda command, **options: commands.append(command))
    launch.start("membership", {"PROFILE_DIR": str(tmp_path)}, instance=1)
    launch.start("welfare", {})
    profiled, plain = commands
    assert profiled[1:5] == ["-m", "cProfile", "-o", str(tmp_path / "membership-1.pstats")]
    assert profiled[5:8] == ["-m", "nameko", "run"] and plain[1:4] == ["-m", "nameko", "run"]
