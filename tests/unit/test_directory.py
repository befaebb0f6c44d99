"""The local copy of membership's organisations and members kept by welfare, training and rights."""

from __future__ import annotations

import pytest
from sqlalchemy import MetaData, create_engine
from sqlalchemy.orm import Session

from services.chassis.directory import Directory, add_directory_tables
from services.chassis.errors import InvalidInput, NotFound

ORG = {"organisation_id": "7", "name": "机械厂工会", "kind": "grassroots", "parent_id": "1", "path": "/1/7/",
       "employer_size": "small", "established_on": "2020-01-01"}
MEMBER = {"member_id": "5", "name": "张三", "organisation_id": "7", "organisation_path": "/1/7/",
          "employment_form": "standard", "occupation": None, "status": "active", "joined_on": "2020-01-01",
          "left_on": None, "revision": 2}


@pytest.fixture
def copy():
    metadata = MetaData()
    add_directory_tables(metadata)
    engine = create_engine("sqlite://")
    metadata.create_all(engine)
    with Session(engine) as session:
        directory = Directory(metadata)
        directory.apply_organisation(session, ORG)
        directory.apply_member(session, MEMBER)
        yield directory, session


def test_an_older_or_repeated_snapshot_changes_nothing(copy):
    directory, session = copy
    assert not directory.apply_member(session, {**MEMBER, "name": "旧名", "revision": 1})
    assert not directory.apply_member(session, MEMBER)
    assert directory.member(session, 5)["name"] == "张三"
    assert directory.apply_member(session, {**MEMBER, "name": "张叁", "revision": 3})
    assert directory.member(session, 5)["name"] == "张叁"


def test_a_member_outside_the_scope_is_not_found_like_a_missing_one(copy):
    directory, session = copy
    assert directory.member(session, 5, "/1/")["organisation_id"] == 7
    with pytest.raises(NotFound):
        directory.member(session, 5, "/2/")
    with pytest.raises(NotFound):
        directory.member(session, 6)


def test_an_unknown_organisation_scopes_to_nothing_not_everything(copy):
    directory, session = copy
    assert directory.scope_path(session, None) is None
    assert directory.scope_path(session, "7") == "/1/7/"
    assert directory.scope_path(session, "99") == "/nothing/"
    assert directory.scope_path(session, "x") == "/nothing/"


def test_a_member_who_left_is_a_field_error_where_an_active_one_is_needed(copy):
    directory, session = copy
    directory.apply_member(session, {**MEMBER, "status": "left", "left_on": "2021-01-01", "revision": 3})
    with pytest.raises(InvalidInput) as raised:
        directory.active_member(session, 5, field="member_id")
    assert raised.value.errors == {"member_id": ["the member has left"]}


def test_a_chunk_of_snapshots_is_applied_at_once_keeping_the_newest_of_each(copy):
    directory, session = copy
    newer_of_5 = {**MEMBER, "name": "张叁", "revision": 3}
    older_of_5 = {**MEMBER, "name": "旧名", "revision": 1}
    fresh = [{**MEMBER, "member_id": str(i), "name": f"导入{i}", "revision": 1} for i in (6, 7)]
    twice = {**fresh[0], "name": "导入6改", "revision": 2}  # the same member twice in one chunk: the newest wins
    assert directory.apply_members(session, [older_of_5, *fresh, newer_of_5, twice]) == 3
    assert directory.member(session, 5)["name"] == "张叁"
    assert directory.member(session, 6)["name"] == "导入6改" and directory.member(session, 6)["revision"] == 2
    assert directory.member(session, 7)["organisation_path"] == "/1/7/"
    # delivered again: nothing changes
    assert directory.apply_members(session, [older_of_5, *fresh, newer_of_5, twice]) == 0
    assert directory.apply_members(session, []) == 0
    assert directory.member(session, 6)["name"] == "导入6改"
