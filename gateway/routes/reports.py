"""The annual report: the year's figures, assembled from every service's `annual_stats`.

Each service answers for its own part of the work report (API.md "Reports");
the gateway asks them all at once and puts the answers side by side. A union
chair gets their own unions' figures only: the services count within the
caller's scope. A service that is missing or does not answer makes the whole
report a 503 naming it: a report with a part silently left out would be read
as zeros.
"""

from __future__ import annotations

import importlib.util
import io
from datetime import date
from typing import Any

import eventlet
from nameko.exceptions import MethodNotFound
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from werkzeug.wrappers import Request, Response

from gateway import reports_schemas as rs
from gateway.http import Doc, api, json_response
from gateway.routes.presenting import query_args
from services.chassis.errors import Unavailable, UpstreamTimeout
from services.chassis.schemas import load

READERS = ("admin", "auditor", "union_chair", "membership_clerk", "welfare_officer", "training_officer",
           "rights_officer")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
T = "reports"

# The services whose `annual_stats` make up the report, in the report's order. While the
# platform is being built, a service whose gateway routes do not exist yet is left out
# (development only); in the finished platform all four are there and each must answer.
ALL_SERVICES = ("membership", "welfare", "training", "rights")


def _built(name: str) -> bool:
    return name == "membership" or importlib.util.find_spec(f"gateway.routes.{name}") is not None


REPORTED_SERVICES: tuple[str, ...] = tuple(name for name in ALL_SERVICES if _built(name))

# The workbook's layout: the work report's parts, each figure with its Chinese
# label and unit. Money (`*_fen`) is shown in yuan.
SECTIONS: tuple[tuple[str, str, tuple[tuple[str, str, str], ...]], ...] = (
    ("membership", "夯实基层基础", (
        ("new_organisations", "新建工会组织", "个"),
        ("new_members", "新发展会员", "人"),
        ("new_form_members", "其中新就业形态会员", "人"),
        ("members_total", "年末会员总数", "人"),
        ("members_left", "本年减少会员", "人"),
        ("model_workers", "评选表扬劳动模范", "人"),
        ("honours_awarded", "会员获得荣誉", "项"),
    )),
    ("training", "服务高质量发展", (
        ("seed_craftsmen", "培育企业种子工匠", "名"),
        ("craftsmen", "工匠", "名"),
        ("chief_craftsmen", "首席工匠", "名"),
        ("gold_craftsmen", "金牌工匠", "名"),
        ("schools", "劳模工匠学校", "所"),
        ("competitions", "劳动竞赛、技术创新活动", "项"),
        ("competition_entrants", "参赛职工", "人"),
        ("safety_trainings", "安全技能培训", "场次"),
        ("safety_drills", "安全应急演练", "场次"),
        ("proposals_rewarded", "评选优秀金点子", "个"),
        ("proposal_rewards_fen", "金点子奖励", "元"),
    )),
    ("welfare", "帮扶保障", (
        ("dues_refunded_fen", "返还小微企业工会经费", "元"),
        ("mutual_aid_units", "参加互助保障计划单位", "个"),
        ("mutual_aid_members", "参加互助保障计划职工", "名"),
        ("mutual_aid_raised_fen", "互助保障筹资", "元"),
        ("claims_paid", "办理互助保障理赔", "名"),
        ("claims_paid_fen", "互助保障赔付金额", "元"),
        ("second_relief_members", "“二次救助”困难会员", "人"),
        ("second_relief_fen", "发放“二次救助金”", "元"),
    )),
    ("rights", "职工维权服务", (
        ("cases_closed", "办结劳动纠纷案件", "件"),
        ("enterprises_with_contracts", "签订“1+3”集体合同企业", "家"),
        ("hotline_orders", "维权热线处理工单", "件"),
        ("hotline_wage_fen", "工单涉及职工工资", "元"),
        ("legal_events", "线上线下普法宣传活动", "场"),
        ("brochures", "发放宣传册", "份"),
    )),
)


class ReportRoutes:
    @api("GET", "/api/v1/reports/annual", roles=READERS, key_scope="reports:read",
         doc=Doc("The year's figures per service, like the work report's (union chairs: their unions only)", T,
                 query=rs.AnnualQuerySchema, response=rs.AnnualReportSchema))
    def annual_report(self, request: Request) -> Response:
        year = load(rs.AnnualQuerySchema, query_args(request, rs.AnnualQuerySchema))["year"]
        return json_response(self.annual_figures(year, request.principal.scope))

    @api("GET", "/api/v1/reports/annual/export", roles=READERS, key_scope="reports:read",
         doc=Doc("The year's figures as an Excel workbook with the work report's labels", T,
                 query=rs.AnnualQuerySchema, content=XLSX))
    def export_annual_report(self, request: Request) -> Response:
        year = load(rs.AnnualQuerySchema, query_args(request, rs.AnnualQuerySchema))["year"]
        report = self.annual_figures(year, request.principal.scope)
        scope_name = None
        if report["organisation_id"] is not None:
            scope_name = self.membership.get_organisation(report["organisation_id"],
                                                          within=request.principal.scope)["name"]
        filename = f"annual-report-{year}.xlsx"
        return Response(annual_workbook(report, scope_name), mimetype=XLSX,
                        headers={"Content-Disposition": f'attachment; filename="{filename}"'})

    def annual_figures(self, year: int, within: str | None) -> dict[str, Any]:
        """Every service's figures for `year`, asked in parallel."""

        def ask(name: str) -> tuple[str, Any]:
            try:
                return name, getattr(self, name).annual_stats(year, within=within)
            except Exception as exc:  # handed back to the request's greenlet, which decides
                return name, exc

        pool = eventlet.GreenPool(len(REPORTED_SERVICES))
        answers = dict(pool.imap(ask, REPORTED_SERVICES))
        missing: dict[str, list[str]] = {}
        for name, answer in answers.items():
            if isinstance(answer, (UpstreamTimeout, Unavailable)):
                missing[name] = [f"the {name} service did not answer"]
            elif isinstance(answer, MethodNotFound):
                missing[name] = [f"the {name} service does not offer annual_stats"]
        if missing:
            raise Unavailable(
                f"the annual report needs every service; not answering: {', '.join(sorted(missing))}", missing)
        for answer in answers.values():
            if isinstance(answer, BaseException):
                raise answer  # a domain error (bad year, scope gone) or a failure: as for any route
        return {"year": year, "organisation_id": within, **answers}


def yuan(fen: int) -> float:
    return fen / 100


def annual_workbook(report: dict[str, Any], scope_name: str | None = None) -> bytes:
    """The report as one sheet: part, figure, value, unit, in the work report's words."""
    book = Workbook()
    sheet = book.active
    sheet.title = f"{report['year']}年工作数据"
    bold = Font(bold=True)
    sheet.append([f"{report['year']}年度工会工作主要数据"])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([f"范围：{scope_name or '全市'}", None, f"导出日期：{date.today().isoformat()}"])
    sheet.append([])
    sheet.append(["板块", "指标", "数值", "单位"])
    for cell in sheet[sheet.max_row]:
        cell.font = bold
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    for service, part, figures in SECTIONS:
        block = report.get(service)
        if block is None:
            continue
        first = True
        known = set()
        for key, label, unit in figures:
            known.add(key)
            if key not in block:
                continue
            _figure_row(sheet, part if first else None, label, block[key], unit, key)
            first = False
        for key in sorted(set(block) - known):  # a figure the service added since
            _figure_row(sheet, part if first else None, key, block[key], "元" if key.endswith("_fen") else "", key)
            first = False
    sheet.column_dimensions["A"].width = 18
    sheet.column_dimensions["B"].width = 30
    sheet.column_dimensions["C"].width = 18
    sheet.column_dimensions["D"].width = 8
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _figure_row(sheet: Any, part: str | None, label: str, value: Any, unit: str, key: str) -> None:
    money = key.endswith("_fen")
    sheet.append([part, label, yuan(value) if money and isinstance(value, int) else value, unit])
    cell = sheet.cell(row=sheet.max_row, column=3)
    cell.number_format = "#,##0.00" if money else "#,##0"
    cell.alignment = Alignment(horizontal="right")
    if part:
        sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)

