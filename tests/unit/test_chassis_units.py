"""Chassis pieces that need no broker: error mapping, schemas, logging, problems, OpenAPI paths."""

from __future__ import annotations

import json
import logging

import pytest
from sqlalchemy.exc import OperationalError

from gateway.openapi import PATH_PARAM
from gateway.problems import problem_response
from services.chassis.entrypoints import public_error
from services.chassis.errors import Conflict, InternalError, InvalidInput, NotFound, Unavailable
from services.chassis.logs import JsonFormatter
from services.chassis.schemas import IdField, StrictSchema, flatten_errors, load


def test_public_error_hides_unexpected_failures():
    assert isinstance(public_error(NotFound("x")), NotFound)
    hidden = public_error(KeyError("370781199001011234"))
    assert isinstance(hidden, InternalError) and "370781" not in str(hidden)
    down = public_error(OperationalError("SELECT 1", {}, Exception("could not connect")))
    assert isinstance(down, Unavailable)


def test_flatten_errors_names_nested_fields():
    assert flatten_errors({"employer": {"credit_code": ["bad"]}, "x": ["Unknown field."]}) == {
        "employer.credit_code": ["bad"], "x": ["unknown field"]}


class Thing(StrictSchema):
    id = IdField(required=True)


def test_load_rejects_non_objects_and_unknown_fields():
    with pytest.raises(InvalidInput) as raised:
        load(Thing(), ["not", "an", "object"])
    assert "_body" in raised.value.errors
    with pytest.raises(InvalidInput) as raised:
        load(Thing(), {"id": "7", "extra": 1})
    assert raised.value.errors == {"extra": ["unknown field"]}
    assert load(Thing(), {"id": "7"}) == {"id": 7}
    for bad in (True, "x", 0, -3):
        with pytest.raises(InvalidInput):
            load(Thing(), {"id": bad})


def test_log_lines_are_json_and_never_hold_a_whole_id_number():
    record = logging.LogRecord("t", logging.INFO, __file__, 1, "member %s phone %s", ("37078119900101123X",
                                                                                      "13812345678"), None)
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "member 370781********123X phone 138****5678"
    assert line["level"] == "info"


def test_problem_responses_carry_status_and_field_errors():
    response = problem_response(InvalidInput("bad", {"phone": ["wrong"]}), "rid-1")
    body = json.loads(response.get_data())
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert body["errors"] == {"phone": ["wrong"]} and body["request_id"] == "rid-1"
    assert problem_response(Conflict("dup")).status_code == 409
    assert problem_response(Unavailable("down")).headers["Retry-After"] == "5"
    hidden = json.loads(problem_response(RuntimeError("secret 370781199001011234")).get_data())
    assert hidden["status"] == 500 and "370781" not in hidden["detail"]


def test_openapi_paths_use_braces():
    assert PATH_PARAM.sub(r"{\1}", "/api/v1/members/<member_id>/leave") == "/api/v1/members/{member_id}/leave"
