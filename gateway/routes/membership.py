"""Membership routes: organisations, members, transfers, leaving, honours, import and export."""

from __future__ import annotations

import base64
from datetime import date

from werkzeug.wrappers import Request, Response

from gateway import schemas as s
from gateway.accounts import STAFF_ROLES
from gateway.http import Doc, api, json_response
from gateway.problems import BadRequest
from gateway.routes.presenting import present_member, present_page, query_args
from services.chassis.schemas import load

WRITERS = ("admin", "membership_clerk", "union_chair")
# Every staff role reads members: officers of welfare, training and rights look them up.
READERS = STAFF_ROLES
READ, WRITE = "members:read", "members:write"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
T = "membership"


class MembershipRoutes:
    @api("POST", "/api/v1/organisations", roles=WRITERS, key_scope=WRITE,
         doc=Doc("Register an organisation (union)", T, body=s.OrganisationCreateSchema,
                 response=s.OrganisationSchema, status=201))
    def create_organisation(self, request: Request) -> Response:
        load(s.OrganisationCreateSchema, request.json_body)
        org = self.membership.create_organisation(request.json_body, within=request.principal.scope)
        return json_response(org, 201)

    @api("GET", "/api/v1/organisations", roles=READERS, key_scope=READ,
         doc=Doc("List organisations with member counts", T, query=s.OrganisationQuerySchema,
                 response=s.OrganisationSchema, many=True))
    def list_organisations(self, request: Request) -> Response:
        query = query_args(request, s.OrganisationQuerySchema)
        return json_response(self.membership.list_organisations(query, within=request.principal.scope))

    @api("GET", "/api/v1/organisations/<organisation_id>", roles=READERS, key_scope=READ,
         doc=Doc("One organisation with member counts", T, response=s.OrganisationSchema))
    def get_organisation(self, request: Request, organisation_id: str) -> Response:
        return json_response(self.membership.get_organisation(organisation_id, within=request.principal.scope))

    @api("POST", "/api/v1/members", roles=WRITERS, key_scope=WRITE,
         doc=Doc("Register a member", T, body=s.MemberCreateSchema, response=s.MemberSchema, status=201))
    def register_member(self, request: Request) -> Response:
        load(s.MemberCreateSchema, request.json_body)
        member = self.membership.register_member(request.json_body, within=request.principal.scope)
        return json_response(present_member(member, request.principal), 201)

    @api("GET", "/api/v1/members", roles=READERS, key_scope=READ,
         doc=Doc("Search members", T, query=s.MemberQuerySchema, response=s.MemberSchema, many=True))
    def search_members(self, request: Request) -> Response:
        query = query_args(request, s.MemberQuerySchema)
        found = self.membership.search_members(query, within=request.principal.scope)
        return json_response(present_page(found, request.principal))

    @api("GET", "/api/v1/members/export", roles=READERS, key_scope=READ,
         doc=Doc("Export members to Excel (same filters as the search)", T, query=s.MemberQuerySchema,
                 content=XLSX))
    def export_members(self, request: Request) -> Response:
        query = query_args(request, s.MemberQuerySchema)
        query.pop("limit", None)
        query.pop("cursor", None)
        workbook = self.membership_export.export_members(
            query, within=request.principal.scope, full_identifiers=request.principal.may_see_pii
        )
        filename = f"members-{date.today():%Y%m%d}.xlsx"
        return Response(base64.b64decode(workbook), mimetype=XLSX,
                        headers={"Content-Disposition": f'attachment; filename="{filename}"'})

    @api("GET", "/api/v1/members/<member_id>", roles=READERS, key_scope=READ,
         doc=Doc("One member with transfers and honours", T, response=s.MemberSchema))
    def get_member(self, request: Request, member_id: str) -> Response:
        member = self.membership.get_member(member_id, within=request.principal.scope)
        return json_response(present_member(member, request.principal))

    @api("PATCH", "/api/v1/members/<member_id>", roles=WRITERS, key_scope=WRITE,
         doc=Doc("Change a member's name, phone, employment form or occupation", T,
                 body=s.MemberUpdateSchema, response=s.MemberSchema))
    def update_member(self, request: Request, member_id: str) -> Response:
        load(s.MemberUpdateSchema, request.json_body)
        member = self.membership.update_member(member_id, request.json_body, within=request.principal.scope)
        return json_response(present_member(member, request.principal))

    @api("POST", "/api/v1/members/<member_id>/transfer", roles=WRITERS, key_scope=WRITE,
         doc=Doc("Transfer a member to another organisation", T, body=s.TransferSchema, response=s.MemberSchema))
    def transfer_member(self, request: Request, member_id: str) -> Response:
        load(s.TransferSchema, request.json_body)
        member = self.membership.transfer_member(member_id, request.json_body, within=request.principal.scope)
        return json_response(present_member(member, request.principal))

    @api("POST", "/api/v1/members/<member_id>/leave", roles=WRITERS, key_scope=WRITE,
         doc=Doc("Record that a member left", T, body=s.LeaveSchema, response=s.MemberSchema))
    def leave_member(self, request: Request, member_id: str) -> Response:
        load(s.LeaveSchema, request.json_body)
        member = self.membership.leave_member(member_id, request.json_body, within=request.principal.scope)
        return json_response(present_member(member, request.principal))

    @api("POST", "/api/v1/members/<member_id>/honours", roles=WRITERS, key_scope=WRITE,
         doc=Doc("Award an honour", T, body=s.HonourCreateSchema, response=s.HonourSchema, status=201))
    def award_honour(self, request: Request, member_id: str) -> Response:
        load(s.HonourCreateSchema, request.json_body)
        honour = self.membership.award_honour(member_id, request.json_body, within=request.principal.scope)
        return json_response(honour, 201)

    @api("POST", "/api/v1/members/imports", roles=WRITERS, key_scope=WRITE, upload=True,
         doc=Doc("Import a roster (CSV or XLSX) in the background", T, response=s.RosterImportSchema,
                 status=202, content="multipart/form-data"))
    def start_import(self, request: Request) -> Response:
        upload = request.files.get("file")
        if upload is not None:
            filename, content = upload.filename or "roster.csv", upload.read()
        else:
            filename = request.args.get("filename") or _filename_for(request.mimetype)
            content = request.get_data()
        if not content:
            raise BadRequest("attach the roster as the form field 'file' (CSV or XLSX)",
                             {"file": ["no file was uploaded"]})
        job = self.membership.start_import(
            filename, base64.b64encode(content).decode(),
            requested_by=request.principal.username, within=request.principal.scope,
        )
        return json_response(job, 202, headers={"Location": f"/api/v1/members/imports/{job['id']}"})

    @api("GET", "/api/v1/members/imports/<import_id>", roles=READERS, key_scope=READ,
         doc=Doc("Progress and row errors of a roster import", T, response=s.RosterImportSchema))
    def get_import(self, request: Request, import_id: str) -> Response:
        return json_response(self.membership.get_import(import_id, within=request.principal.scope))


def _filename_for(mimetype: str) -> str:
    return "roster.xlsx" if "spreadsheet" in mimetype or "excel" in mimetype else "roster.csv"
