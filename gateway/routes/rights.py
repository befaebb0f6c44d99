"""Rights routes: collective contracts, labour dispute cases, hotline work orders, legal education.

Readers: admin, rights officers, union chairs (their own unions and the ones
below) and auditors. Writers: admin and rights officers. A case file holds
sensitive data: only rights officers and admins see a case's details (the
claimant, the employer, the story, the lawyer); others see its course and
figures. Phone numbers are masked unless the caller has `pii`.
"""

from __future__ import annotations

from typing import Any

from werkzeug.wrappers import Request, Response

from gateway import rights_schemas as s
from gateway.accounts import Principal
from gateway.http import Doc, api, json_response
from gateway.routes.presenting import query_args
from services.chassis.identity import mask_mobile
from services.chassis.schemas import load

READERS = ("admin", "rights_officer", "union_chair", "auditor")
WRITERS = ("admin", "rights_officer")
CASE_READERS_IN_FULL = ("admin", "rights_officer")
READ, WRITE = "rights:read", "rights:write"
T = "rights"
CASE_FILE_FIELDS = ("claimant_name", "claimant_phone", "employer_name", "description", "lawyer_name")


def present_case(case: dict[str, Any], principal: Principal | None) -> dict[str, Any]:
    """The case file in full for rights officers and admins (phone masked unless pii); its course otherwise."""
    if principal is not None and principal.has_any(CASE_READERS_IN_FULL):
        shown = {**case, "details": True}
        if not principal.may_see_pii:
            shown["claimant_phone"] = mask_mobile(case.get("claimant_phone")) or None
        return shown
    shown = {key: value for key, value in case.items() if key not in CASE_FILE_FIELDS}
    if shown.get("hardship_referral"):
        shown["hardship_referral"] = {**shown["hardship_referral"], "reason": None}
    if "history" in shown:
        shown["history"] = [{**step, "note": None} for step in shown["history"]]
    shown["details"] = False
    return shown


def present_order(order: dict[str, Any], principal: Principal | None) -> dict[str, Any]:
    if principal is not None and principal.may_see_pii:
        return order
    return {**order, "phone": mask_mobile(order.get("phone"))}


def present_items(page: dict[str, Any], present: Any, principal: Principal | None) -> dict[str, Any]:
    return {**page, "items": [present(item, principal) for item in page["items"]]}


class RightsRoutes:
    # ------------------------------------------------------------ collective negotiation
    @api("POST", "/api/v1/contract-negotiations", roles=WRITERS, key_scope=WRITE,
         doc=Doc("Start a collective negotiation for a contract of one kind", T, body=s.NegotiationStartSchema,
                 response=s.NegotiationSchema, status=201))
    def start_negotiation(self, request: Request) -> Response:
        load(s.NegotiationStartSchema, request.json_body)
        return json_response(self.rights.start_negotiation(request.json_body, within=request.principal.scope), 201)

    @api("GET", "/api/v1/contract-negotiations", roles=READERS, key_scope=READ,
         doc=Doc("List collective negotiations", T, query=s.NegotiationQuerySchema, response=s.NegotiationSchema,
                 many=True))
    def list_negotiations(self, request: Request) -> Response:
        query = query_args(request, s.NegotiationQuerySchema)
        return json_response(self.rights.list_negotiations(query, within=request.principal.scope))

    @api("GET", "/api/v1/contract-negotiations/<negotiation_id>", roles=READERS, key_scope=READ,
         doc=Doc("One collective negotiation", T, response=s.NegotiationSchema))
    def get_negotiation(self, request: Request, negotiation_id: str) -> Response:
        return json_response(self.rights.get_negotiation(negotiation_id, within=request.principal.scope))

    @api("POST", "/api/v1/contract-negotiations/<negotiation_id>/rounds", roles=WRITERS, key_scope=WRITE,
         doc=Doc("Record a round at the table", T, body=s.NegotiationRoundSchema, response=s.NegotiationSchema))
    def negotiation_round(self, request: Request, negotiation_id: str) -> Response:
        load(s.NegotiationRoundSchema, request.json_body)
        return json_response(self.rights.negotiation_round(negotiation_id, request.json_body,
                                                           within=request.principal.scope))

    @api("POST", "/api/v1/contract-negotiations/<negotiation_id>/congress-vote", roles=WRITERS, key_scope=WRITE,
         doc=Doc("Record the workers' congress vote on the draft (quorum two thirds; approval by more than "
                 "half of all delegates)", T, body=s.CongressVoteCastSchema, response=s.NegotiationSchema))
    def congress_vote(self, request: Request, negotiation_id: str) -> Response:
        load(s.CongressVoteCastSchema, request.json_body)
        return json_response(self.rights.congress_vote(negotiation_id, request.json_body,
                                                       within=request.principal.scope))

    @api("POST", "/api/v1/contract-negotiations/<negotiation_id>/sign", roles=WRITERS, key_scope=WRITE,
         doc=Doc("Sign the approved draft: the collective contract is recorded", T, body=s.NegotiationSignSchema,
                 response=s.NegotiationSchema, status=201))
    def sign_negotiated(self, request: Request, negotiation_id: str) -> Response:
        load(s.NegotiationSignSchema, request.json_body)
        return json_response(self.rights.sign_negotiated(negotiation_id, request.json_body,
                                                         within=request.principal.scope), 201)

    # ------------------------------------------------------------ collective contracts
    @api("POST", "/api/v1/collective-contracts", roles=WRITERS, key_scope=WRITE,
         doc=Doc('Record a signed collective contract ("1+3": comprehensive, wages, female workers, safety)', T,
                 body=s.ContractCreateSchema, response=s.ContractSchema, status=201))
    def sign_contract(self, request: Request) -> Response:
        load(s.ContractCreateSchema, request.json_body)
        return json_response(self.rights.sign_contract(request.json_body, within=request.principal.scope), 201)

    @api("GET", "/api/v1/collective-contracts", roles=READERS, key_scope=READ,
         doc=Doc("List collective contracts (e.g. those expiring within N days)", T,
                 query=s.ContractQuerySchema, response=s.ContractSchema, many=True))
    def list_contracts(self, request: Request) -> Response:
        query = query_args(request, s.ContractQuerySchema)
        return json_response(self.rights.list_contracts(query, within=request.principal.scope))

    @api("GET", "/api/v1/collective-contracts/enterprises", roles=READERS, key_scope=READ,
         doc=Doc('Enterprises with contracts in force, the kinds they hold and whether the "1+3" set is full', T,
                 query=s.EnterpriseQuerySchema, response=s.EnterpriseSchema, many=True))
    def list_contract_enterprises(self, request: Request) -> Response:
        query = query_args(request, s.EnterpriseQuerySchema)
        return json_response(self.rights.list_enterprises(query, within=request.principal.scope))

    @api("GET", "/api/v1/collective-contracts/<contract_id>", roles=READERS, key_scope=READ,
         doc=Doc("One collective contract with its filing and renewal", T, response=s.ContractSchema))
    def get_contract(self, request: Request, contract_id: str) -> Response:
        return json_response(self.rights.get_contract(contract_id, within=request.principal.scope))

    @api("POST", "/api/v1/collective-contracts/<contract_id>/filing", roles=WRITERS, key_scope=WRITE,
         doc=Doc("Record its submission to the labour authority (within 10 days of signing)", T,
                 body=s.ContractFilingSchema, response=s.ContractSchema))
    def file_contract(self, request: Request, contract_id: str) -> Response:
        load(s.ContractFilingSchema, request.json_body)
        return json_response(self.rights.file_contract(contract_id, request.json_body,
                                                       within=request.principal.scope))

    @api("POST", "/api/v1/collective-contracts/<contract_id>/review", roles=WRITERS, key_scope=WRITE,
         doc=Doc("Record the labour authority's review (an objection within 15 days)", T,
                 body=s.ContractReviewSchema, response=s.ContractSchema))
    def review_contract(self, request: Request, contract_id: str) -> Response:
        load(s.ContractReviewSchema, request.json_body)
        return json_response(self.rights.review_contract(contract_id, request.json_body,
                                                         within=request.principal.scope))

    @api("POST", "/api/v1/collective-contracts/<contract_id>/renew", roles=WRITERS, key_scope=WRITE,
         doc=Doc("Renew a contract: a new one of the same kind, linked to the old", T,
                 body=s.ContractRenewSchema, response=s.ContractSchema, status=201))
    def renew_contract(self, request: Request, contract_id: str) -> Response:
        load(s.ContractRenewSchema, request.json_body)
        return json_response(self.rights.renew_contract(contract_id, request.json_body,
                                                        within=request.principal.scope), 201)

    # ------------------------------------------------------------ dispute cases
    @api("POST", "/api/v1/dispute-cases", roles=WRITERS, key_scope=WRITE,
         doc=Doc("Take on a labour dispute case", T, body=s.DisputeCaseCreateSchema,
                 response=s.DisputeCaseSchema, status=201))
    def file_case(self, request: Request) -> Response:
        load(s.DisputeCaseCreateSchema, request.json_body)
        case = self.rights.file_case(request.json_body, within=request.principal.scope)
        return json_response(present_case(case, request.principal), 201)

    @api("GET", "/api/v1/dispute-cases", roles=READERS, key_scope=READ,
         doc=Doc("List dispute cases", T, query=s.DisputeCaseQuerySchema, response=s.DisputeCaseSchema, many=True))
    def list_dispute_cases(self, request: Request) -> Response:
        query = query_args(request, s.DisputeCaseQuerySchema)
        found = self.rights.list_cases(query, within=request.principal.scope)
        return json_response(present_items(found, present_case, request.principal))

    @api("GET", "/api/v1/dispute-cases/<dispute_case_id>", roles=READERS, key_scope=READ,
         doc=Doc("One dispute case with its history", T, response=s.DisputeCaseSchema))
    def get_dispute_case(self, request: Request, dispute_case_id: str) -> Response:
        return json_response(present_case(self.rights.get_case(dispute_case_id, within=request.principal.scope),
                                          request.principal))

    @api("POST", "/api/v1/dispute-cases/<dispute_case_id>/assign", roles=WRITERS, key_scope=WRITE,
         doc=Doc("Assign the case to a legal-aid lawyer", T, body=s.CaseAssignSchema, response=s.DisputeCaseSchema))
    def assign_case(self, request: Request, dispute_case_id: str) -> Response:
        load(s.CaseAssignSchema, request.json_body)
        case = self.rights.assign_case(dispute_case_id, request.json_body, within=request.principal.scope)
        return json_response(present_case(case, request.principal))

    def _advance(self, request: Request, dispute_case_id: str, action: str) -> Response:
        load(s.CaseStageSchema, request.json_body)
        case = self.rights.advance_case(dispute_case_id, action, request.json_body, within=request.principal.scope)
        return json_response(present_case(case, request.principal))

    @api("POST", "/api/v1/dispute-cases/<dispute_case_id>/mediate", roles=WRITERS, key_scope=WRITE,
         doc=Doc("Start mediation (15 days)", T, body=s.CaseStageSchema, response=s.DisputeCaseSchema))
    def mediate_case(self, request: Request, dispute_case_id: str) -> Response:
        return self._advance(request, dispute_case_id, "mediate")

    @api("POST", "/api/v1/dispute-cases/<dispute_case_id>/arbitrate", roles=WRITERS, key_scope=WRITE,
         doc=Doc("Apply for arbitration (45 days)", T, body=s.CaseStageSchema, response=s.DisputeCaseSchema))
    def arbitrate_case(self, request: Request, dispute_case_id: str) -> Response:
        return self._advance(request, dispute_case_id, "arbitrate")

    @api("POST", "/api/v1/dispute-cases/<dispute_case_id>/litigate", roles=WRITERS, key_scope=WRITE,
         doc=Doc("Go to court after arbitration", T, body=s.CaseStageSchema, response=s.DisputeCaseSchema))
    def litigate_case(self, request: Request, dispute_case_id: str) -> Response:
        return self._advance(request, dispute_case_id, "litigate")

    @api("POST", "/api/v1/dispute-cases/<dispute_case_id>/close", roles=WRITERS, key_scope=WRITE,
         doc=Doc("Close the case with its outcome; optionally refer the worker to welfare", T,
                 body=s.CaseCloseSchema, response=s.DisputeCaseSchema))
    def close_case(self, request: Request, dispute_case_id: str) -> Response:
        load(s.CaseCloseSchema, request.json_body)
        case = self.rights.close_case(dispute_case_id, request.json_body, within=request.principal.scope)
        return json_response(present_case(case, request.principal))

    @api("POST", "/api/v1/dispute-cases/<dispute_case_id>/hardship-referral", roles=WRITERS, key_scope=WRITE,
         doc=Doc("Refer the worker of a closed wage-arrears case to welfare (once)", T,
                 body=s.HardshipReferralSchema, response=s.DisputeCaseSchema))
    def refer_hardship(self, request: Request, dispute_case_id: str) -> Response:
        load(s.HardshipReferralSchema, request.json_body)
        case = self.rights.refer_hardship(dispute_case_id, request.json_body, within=request.principal.scope)
        return json_response(present_case(case, request.principal))

    # ------------------------------------------------------------ hotline orders
    @api("POST", "/api/v1/hotline-orders", roles=WRITERS, key_scope=WRITE,
         doc=Doc("Take a hotline call as a work order; its due time follows the category's service level", T,
                 body=s.HotlineOrderCreateSchema, response=s.HotlineOrderSchema, status=201))
    def receive_order(self, request: Request) -> Response:
        load(s.HotlineOrderCreateSchema, request.json_body)
        order = self.rights.receive_order(request.json_body, within=request.principal.scope)
        return json_response(present_order(order, request.principal), 201)

    @api("GET", "/api/v1/hotline-orders", roles=READERS, key_scope=READ,
         doc=Doc("List hotline orders (?overdue=true for those past due)", T, query=s.HotlineOrderQuerySchema,
                 response=s.HotlineOrderSchema, many=True))
    def list_orders(self, request: Request) -> Response:
        query = query_args(request, s.HotlineOrderQuerySchema)
        found = self.rights.list_orders(query, within=request.principal.scope)
        return json_response(present_items(found, present_order, request.principal))

    @api("GET", "/api/v1/hotline-orders/service-levels", roles=READERS, key_scope=READ,
         doc=Doc("Working days allowed per category, and the holidays not counted", T,
                 response=s.ServiceLevelSchema))
    def hotline_service_levels(self, request: Request) -> Response:
        return json_response(self.rights.service_levels(within=request.principal.scope))

    @api("GET", "/api/v1/hotline-orders/<order_id>", roles=READERS, key_scope=READ,
         doc=Doc("One hotline order", T, response=s.HotlineOrderSchema))
    def get_order(self, request: Request, order_id: str) -> Response:
        return json_response(present_order(self.rights.get_order(order_id, within=request.principal.scope),
                                           request.principal))

    def _act(self, request: Request, order_id: str, action: str, schema: Any) -> Response:
        load(schema, request.json_body)
        order = self.rights.act_on_order(order_id, action, request.json_body, within=request.principal.scope)
        return json_response(present_order(order, request.principal))

    @api("POST", "/api/v1/hotline-orders/<order_id>/assign", roles=WRITERS, key_scope=WRITE,
         doc=Doc("Assign the order to a handler", T, body=s.HotlineAssignSchema, response=s.HotlineOrderSchema))
    def assign_order(self, request: Request, order_id: str) -> Response:
        return self._act(request, order_id, "assign", s.HotlineAssignSchema)

    @api("POST", "/api/v1/hotline-orders/<order_id>/resolve", roles=WRITERS, key_scope=WRITE,
         doc=Doc("Record how the order was resolved", T, body=s.HotlineResolveSchema, response=s.HotlineOrderSchema))
    def resolve_order(self, request: Request, order_id: str) -> Response:
        return self._act(request, order_id, "resolve", s.HotlineResolveSchema)

    @api("POST", "/api/v1/hotline-orders/<order_id>/visit", roles=WRITERS, key_scope=WRITE,
         doc=Doc("Record the return visit and the caller's satisfaction", T, body=s.HotlineVisitSchema,
                 response=s.HotlineOrderSchema))
    def visit_order(self, request: Request, order_id: str) -> Response:
        return self._act(request, order_id, "visit", s.HotlineVisitSchema)

    @api("POST", "/api/v1/hotline-orders/<order_id>/close", roles=WRITERS, key_scope=WRITE,
         doc=Doc("Close the order", T, body=s.HotlineCloseSchema, response=s.HotlineOrderSchema))
    def close_order(self, request: Request, order_id: str) -> Response:
        return self._act(request, order_id, "close", s.HotlineCloseSchema)

    @api("POST", "/api/v1/hotline-orders/<order_id>/escalate", roles=WRITERS, key_scope=WRITE,
         doc=Doc("Escalate the order into a dispute case (linked both ways)", T, body=s.HotlineEscalateSchema,
                 response=s.HotlineOrderSchema))
    def escalate_order(self, request: Request, order_id: str) -> Response:
        load(s.HotlineEscalateSchema, request.json_body)
        order = self.rights.escalate_order(order_id, request.json_body, within=request.principal.scope)
        return json_response(present_order(order, request.principal))

    # ------------------------------------------------------------ legal education and figures
    @api("POST", "/api/v1/legal-events", roles=WRITERS, key_scope=WRITE,
         doc=Doc("Record a legal-education event", T, body=s.LegalEventCreateSchema, response=s.LegalEventSchema,
                 status=201))
    def record_legal_event(self, request: Request) -> Response:
        load(s.LegalEventCreateSchema, request.json_body)
        return json_response(self.rights.record_legal_event(request.json_body, within=request.principal.scope), 201)

    @api("GET", "/api/v1/legal-events", roles=READERS, key_scope=READ,
         doc=Doc("List legal-education events", T, query=s.LegalEventQuerySchema, response=s.LegalEventSchema,
                 many=True))
    def list_legal_events(self, request: Request) -> Response:
        query = query_args(request, s.LegalEventQuerySchema)
        return json_response(self.rights.list_legal_events(query, within=request.principal.scope))

    @api("GET", "/api/v1/legal-events/<event_id>", roles=READERS, key_scope=READ,
         doc=Doc("One legal-education event", T, response=s.LegalEventSchema))
    def get_legal_event(self, request: Request, event_id: str) -> Response:
        return json_response(self.rights.get_legal_event(event_id, within=request.principal.scope))

    @api("GET", "/api/v1/rights/figures", roles=READERS, key_scope="reports:read",
         doc=Doc("The rights figures of a year (the annual report's and more)", T, query=s.RightsYearQuerySchema,
                 response=s.RightsFiguresSchema))
    def rights_figures(self, request: Request) -> Response:
        year = load(s.RightsYearQuerySchema, query_args(request, s.RightsYearQuerySchema))["year"]
        return json_response(self.rights.figures(year, within=request.principal.scope))
