"""The annual report's assembly and workbook, and the demo's plan, without a broker."""

from __future__ import annotations

import io
import random
from datetime import date

import openpyxl
import pytest
from nameko.exceptions import MethodNotFound

from demo.identities import IdentityMaker
from demo.plan import Targets, build_city, expected_membership
from gateway.routes import reports
from gateway.routes.reports import ReportRoutes, annual_workbook
from services.chassis.errors import InvalidInput, Unavailable, UpstreamTimeout
from services.chassis.identity import validate_credit_code, validate_mobile, validate_resident_id


class Answers:
    def __init__(self, answer):
        self.answer = answer
        self.calls = []

    def annual_stats(self, year, within=None):
        self.calls.append((year, within))
        if isinstance(self.answer, BaseException):
            raise self.answer
        return self.answer


class FakeGateway(ReportRoutes):
    def __init__(self, **services):
        for name, answer in services.items():
            setattr(self, name, Answers(answer))


@pytest.fixture
def all_four(monkeypatch):
    monkeypatch.setattr(reports, "REPORTED_SERVICES", ("membership", "welfare", "training", "rights"))


def test_every_service_is_asked_with_the_callers_scope(all_four):
    gateway = FakeGateway(membership={"new_members": 3}, welfare={"claims_paid": 1}, training={"schools": 2},
                          rights={"brochures": 9})
    report = gateway.annual_figures(2022, "42")
    assert report == {"year": 2022, "organisation_id": "42", "membership": {"new_members": 3},
                      "welfare": {"claims_paid": 1}, "training": {"schools": 2}, "rights": {"brochures": 9}}
    assert all(getattr(gateway, name).calls == [(2022, "42")] for name in ("membership", "welfare", "rights"))


def test_a_service_not_answering_is_a_503_naming_it(all_four):
    gateway = FakeGateway(membership={}, welfare=UpstreamTimeout("late"), training=MethodNotFound("annual_stats"),
                          rights={})
    with pytest.raises(Unavailable) as raised:
        gateway.annual_figures(2022, None)
    assert set(raised.value.errors) == {"welfare", "training"}
    assert "training" in raised.value.detail and "welfare" in raised.value.detail


def test_a_domain_error_passes_through(all_four):
    gateway = FakeGateway(membership=InvalidInput.field("year", "bad"), welfare={}, training={}, rights={})
    with pytest.raises(InvalidInput):
        gateway.annual_figures(1800, None)


def test_the_workbook_has_the_work_reports_labels_and_yuan():
    book = annual_workbook({"year": 2022, "organisation_id": None,
                            "membership": {"new_organisations": 63, "new_members": 13000, "extra_figure": 5},
                            "welfare": {"dues_refunded_fen": 101_000_000}}, None)
    sheet = openpyxl.load_workbook(io.BytesIO(book)).active
    rows = [row for row in sheet.iter_rows(values_only=True)]
    assert rows[0][0] == "2022年度工会工作主要数据" and rows[1][0] == "范围：全市"
    by_label = {row[1]: (row[0], row[2], row[3]) for row in rows[4:]}
    assert by_label["新建工会组织"] == ("夯实基层基础", 63, "个")
    assert by_label["新发展会员"] == (None, 13000, "人")
    assert by_label["返还小微企业工会经费"] == ("帮扶保障", 1_010_000, "元")
    assert by_label["extra_figure"][1] == 5


def test_the_plan_meets_its_targets_and_is_reproducible():
    for seed in range(3):
        targets = Targets.drawn(random.Random(seed))
        city = build_city(targets, seed, "测试市总工会")
        figures = expected_membership(city)
        assert figures["new_organisations"] == targets.new_organisations
        assert figures["new_members"] == targets.new_members
        assert figures["new_form_members"] == targets.new_form_members
        assert figures["members_total"] == targets.members_total
        assert figures["model_workers"] == targets.model_workers
        assert figures["members_left"] == targets.new_members_left + targets.old_members_left
        again = build_city(targets, seed, "测试市总工会")
        assert [p.id_number for p in again.people] == [p.id_number for p in city.people]
        # A street's figures are part of the city's.
        street = city.organisations[1]
        assert expected_membership(city, street.index)["members_total"] <= figures["members_total"]


def test_made_up_identifiers_pass_the_platforms_checks():
    made = IdentityMaker(random.Random(9))
    for _ in range(500):
        validate_resident_id(made.resident_id(), today=date(2026, 1, 1))
        validate_credit_code(made.credit_code())
        validate_mobile(made.mobile())


def test_every_area_of_a_small_scenario_meets_its_drawn_targets():
    from demo import scenario as demo

    for seed in range(3):
        planned = demo.build(seed, True, "测试市总工会")
        figures = demo.expected(planned)
        welfare, rights, training = planned.welfare.targets, planned.rights.targets, planned.training.targets
        assert figures["welfare"]["claims_paid"] == welfare.claims_paid
        assert figures["welfare"]["mutual_aid_members"] == welfare.mutual_aid_members
        assert figures["welfare"]["second_relief_fen"] == welfare.second_relief_fen
        assert figures["rights"]["cases_closed"] == rights.cases_closed
        assert figures["rights"]["hotline_wage_fen"] == rights.hotline_wage_fen
        assert figures["rights"]["brochures"] == rights.brochures
        assert figures["training"]["competition_entrants"] == training.competition_entrants
        assert figures["training"]["safety_drills"] == training.safety_drills
        assert demo.expected(demo.build(seed, True, "测试市总工会")) == figures
