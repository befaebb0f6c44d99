"""Welfare routes: funds and the ledger, dues refunds, mutual aid, hardship relief, visits, subsidies.

Readers: admin, welfare_officer, union_chair (own unions only) and auditor;
the ledger itself is federation business (no union_chair). Writers: admin and
welfare_officer; a union_chair also enrols its members, files claims, opens
hardship cases and applies for subsidies, where a union naturally acts.
"""

from __future__ import annotations

from werkzeug.wrappers import Request, Response

from gateway import welfare_schemas as w
from gateway.http import Doc, api, json_response
from gateway.routes.presenting import query_args
from services.chassis.schemas import load

READERS = ("admin", "welfare_officer", "union_chair", "auditor")
LEDGER_READERS = ("admin", "welfare_officer", "auditor")
OFFICERS = ("admin", "welfare_officer")
UNION_WRITERS = ("admin", "welfare_officer", "union_chair")
READ, WRITE = "welfare:read", "welfare:write"
T = "welfare"


def body(request: Request, schema: type) -> dict:
    """The JSON body, checked at the door (the service checks again)."""
    load(schema, request.json_body)
    return request.json_body


class WelfareRoutes:
    # ---- funds and the ledger
    @api("GET", "/api/v1/funds", roles=LEDGER_READERS, key_scope=READ,
         doc=Doc("Fund accounts with their balances (from the ledger's entries)", T, response=w.FundSchema,
                 many=True))
    def list_funds(self, request: Request) -> Response:
        return json_response(self.welfare.list_funds(within=request.principal.scope))

    @api("GET", "/api/v1/funds/<code>/entries", roles=LEDGER_READERS, key_scope=READ,
         doc=Doc("A fund's ledger entries, newest first", T, query=w.PageQuerySchema, response=w.LedgerEntrySchema,
                 many=True))
    def fund_entries(self, request: Request, code: str) -> Response:
        query = query_args(request, w.PageQuerySchema)
        return json_response(self.welfare.fund_entries(code, query, within=request.principal.scope))

    @api("POST", "/api/v1/funds/<code>/deposits", roles=OFFICERS, key_scope=WRITE,
         doc=Doc("Deposit money into a fund", T, body=w.DepositSchema, response=w.TransactionSchema, status=201))
    def deposit(self, request: Request, code: str) -> Response:
        data = body(request, w.DepositSchema)
        return json_response(self.welfare.deposit(code, data, within=request.principal.scope), 201)

    @api("GET", "/api/v1/ledger/transactions/<transaction_id>", roles=LEDGER_READERS, key_scope=READ,
         doc=Doc("One ledger transaction with its entries", T, response=w.TransactionSchema))
    def get_transaction(self, request: Request, transaction_id: str) -> Response:
        return json_response(self.welfare.get_transaction(transaction_id, within=request.principal.scope))

    @api("POST", "/api/v1/ledger/transactions/<transaction_id>/reverse", roles=OFFICERS, key_scope=WRITE,
         doc=Doc("Correct a transaction with a reversing one, dated today", T, body=w.ReverseSchema,
                 response=w.TransactionSchema, status=201))
    def reverse_transaction(self, request: Request, transaction_id: str) -> Response:
        data = body(request, w.ReverseSchema)
        return json_response(self.welfare.reverse_transaction(transaction_id, data,
                                                              within=request.principal.scope), 201)

    @api("POST", "/api/v1/ledger/closes", roles=OFFICERS, key_scope=WRITE,
         doc=Doc("Close a year's books: its entries can no longer change", T, body=w.PeriodCloseCreateSchema,
                 response=w.PeriodCloseSchema, status=201))
    def close_year(self, request: Request) -> Response:
        data = body(request, w.PeriodCloseCreateSchema)
        return json_response(self.welfare.close_year(data, closed_by=request.principal.username,
                                                     within=request.principal.scope), 201)

    @api("GET", "/api/v1/ledger/closes", roles=LEDGER_READERS, key_scope=READ,
         doc=Doc("The closed years", T, response=w.PeriodCloseSchema, many=True))
    def list_closes(self, request: Request) -> Response:
        return json_response(self.welfare.list_closes(within=request.principal.scope))

    @api("GET", "/api/v1/ledger/trial-balance", roles=LEDGER_READERS, key_scope=READ,
         doc=Doc("The ledger's check: all entries sum to zero, no fund below zero", T,
                 response=w.TrialBalanceSchema))
    def trial_balance(self, request: Request) -> Response:
        return json_response(self.welfare.trial_balance(within=request.principal.scope))

    # ---- dues refund
    @api("POST", "/api/v1/dues-refunds", roles=OFFICERS, key_scope=WRITE,
         doc=Doc("Refund dues to a micro or small employer's union (once a year)", T,
                 body=w.DuesRefundCreateSchema, response=w.DuesRefundSchema, status=201))
    def refund_dues(self, request: Request) -> Response:
        data = body(request, w.DuesRefundCreateSchema)
        return json_response(self.welfare.refund_dues(data, within=request.principal.scope), 201)

    @api("GET", "/api/v1/dues-refunds", roles=READERS, key_scope=READ,
         doc=Doc("Dues refunds", T, query=w.DuesRefundQuerySchema, response=w.DuesRefundSchema, many=True))
    def list_dues_refunds(self, request: Request) -> Response:
        query = query_args(request, w.DuesRefundQuerySchema)
        return json_response(self.welfare.list_dues_refunds(query, within=request.principal.scope))

    # ---- mutual aid
    @api("POST", "/api/v1/mutual-aid/plans", roles=OFFICERS, key_scope=WRITE,
         doc=Doc("Set up the year's mutual-aid plan (one a year)", T, body=w.PlanCreateSchema,
                 response=w.PlanSchema, status=201))
    def create_plan(self, request: Request) -> Response:
        data = body(request, w.PlanCreateSchema)
        return json_response(self.welfare.create_plan(data, within=request.principal.scope), 201)

    @api("GET", "/api/v1/mutual-aid/plans", roles=READERS, key_scope=READ,
         doc=Doc("Mutual-aid plans", T, query=w.PlanQuerySchema, response=w.PlanSchema, many=True))
    def list_plans(self, request: Request) -> Response:
        query = query_args(request, w.PlanQuerySchema)
        return json_response(self.welfare.list_plans(query, within=request.principal.scope))

    @api("GET", "/api/v1/mutual-aid/plans/<plan_id>", roles=READERS, key_scope=READ,
         doc=Doc("One mutual-aid plan", T, response=w.PlanSchema))
    def get_plan(self, request: Request, plan_id: str) -> Response:
        return json_response(self.welfare.get_plan(plan_id, within=request.principal.scope))

    @api("POST", "/api/v1/mutual-aid/enrolments", roles=UNION_WRITERS, key_scope=WRITE,
         doc=Doc("Enrol a unit's members in a plan, charging premiums (all of them or none)", T,
                 body=w.EnrolmentCreateSchema, response=w.EnrolmentResultSchema, status=201))
    def enrol_in_mutual_aid(self, request: Request) -> Response:
        data = body(request, w.EnrolmentCreateSchema)
        return json_response(self.welfare.enrol(data, within=request.principal.scope), 201)

    @api("GET", "/api/v1/members/<member_id>/cover", roles=READERS, key_scope=READ,
         doc=Doc("A member's mutual-aid cover and what remains of each cap", T, response=w.CoverSchema))
    def member_cover(self, request: Request, member_id: str) -> Response:
        return json_response(self.welfare.member_cover(member_id, within=request.principal.scope))

    @api("POST", "/api/v1/mutual-aid/claims", roles=UNION_WRITERS, key_scope=WRITE,
         doc=Doc("File a mutual-aid claim", T, body=w.ClaimCreateSchema, response=w.ClaimSchema, status=201))
    def file_claim(self, request: Request) -> Response:
        data = body(request, w.ClaimCreateSchema)
        return json_response(self.welfare.file_claim(data, within=request.principal.scope), 201)

    @api("GET", "/api/v1/mutual-aid/claims", roles=READERS, key_scope=READ,
         doc=Doc("Mutual-aid claims", T, query=w.ClaimQuerySchema, response=w.ClaimSchema, many=True))
    def list_claims(self, request: Request) -> Response:
        query = query_args(request, w.ClaimQuerySchema)
        return json_response(self.welfare.list_claims(query, within=request.principal.scope))

    @api("GET", "/api/v1/mutual-aid/claims/<claim_id>", roles=READERS, key_scope=READ,
         doc=Doc("One mutual-aid claim", T, response=w.ClaimSchema))
    def get_claim(self, request: Request, claim_id: str) -> Response:
        return json_response(self.welfare.get_claim(claim_id, within=request.principal.scope))

    @api("POST", "/api/v1/mutual-aid/claims/<claim_id>/approve", roles=OFFICERS, key_scope=WRITE,
         doc=Doc("Approve a claim within the member's cover and remaining caps", T, body=w.ClaimApproveSchema,
                 response=w.ClaimSchema))
    def approve_claim(self, request: Request, claim_id: str) -> Response:
        data = body(request, w.ClaimApproveSchema)
        return json_response(self.welfare.approve_claim(claim_id, data, within=request.principal.scope))

    @api("POST", "/api/v1/mutual-aid/claims/<claim_id>/reject", roles=OFFICERS, key_scope=WRITE,
         doc=Doc("Reject a claim with a reason", T, body=w.RejectSchema, response=w.ClaimSchema))
    def reject_claim(self, request: Request, claim_id: str) -> Response:
        data = body(request, w.RejectSchema)
        return json_response(self.welfare.reject_claim(claim_id, data, within=request.principal.scope))

    @api("POST", "/api/v1/mutual-aid/claims/<claim_id>/pay", roles=OFFICERS, key_scope=WRITE,
         doc=Doc("Pay an approved claim from the mutual-aid fund (once: a paid claim is 409)", T,
                 body=w.NoBodySchema, response=w.ClaimSchema))
    def pay_claim(self, request: Request, claim_id: str) -> Response:
        body(request, w.NoBodySchema)
        return json_response(self.welfare.pay_claim(claim_id, within=request.principal.scope))

    @api("POST", "/api/v1/mutual-aid/claim-payments", roles=OFFICERS, key_scope=WRITE,
         doc=Doc("Pay several approved claims at once (all or none; errors name claim_ids.N)", T,
                 body=w.ClaimPaymentCreateSchema, response=w.ClaimPaymentResultSchema, status=201))
    def pay_claims(self, request: Request) -> Response:
        data = body(request, w.ClaimPaymentCreateSchema)
        return json_response(self.welfare.pay_claims(data, within=request.principal.scope), 201)

    # ---- hardship relief
    @api("POST", "/api/v1/hardship-cases", roles=UNION_WRITERS, key_scope=WRITE,
         doc=Doc("Open a hardship file for a member", T, body=w.CaseCreateSchema, response=w.CaseSchema,
                 status=201))
    def open_case(self, request: Request) -> Response:
        data = body(request, w.CaseCreateSchema)
        return json_response(self.welfare.open_case(data, within=request.principal.scope), 201)

    @api("GET", "/api/v1/hardship-cases", roles=READERS, key_scope=READ,
         doc=Doc("Hardship files", T, query=w.CaseQuerySchema, response=w.CaseSchema, many=True))
    def list_hardship_cases(self, request: Request) -> Response:
        query = query_args(request, w.CaseQuerySchema)
        return json_response(self.welfare.list_cases(query, within=request.principal.scope))

    @api("GET", "/api/v1/hardship-cases/<hardship_case_id>", roles=READERS, key_scope=READ,
         doc=Doc("One hardship file with its grants", T, response=w.CaseSchema))
    def get_hardship_case(self, request: Request, hardship_case_id: str) -> Response:
        return json_response(self.welfare.get_case(hardship_case_id, within=request.principal.scope))

    @api("POST", "/api/v1/hardship-cases/<hardship_case_id>/review", roles=OFFICERS, key_scope=WRITE,
         doc=Doc("Review a hardship file: approve (with a re-check date) or reject", T, body=w.CaseReviewSchema,
                 response=w.CaseSchema))
    def review_case(self, request: Request, hardship_case_id: str) -> Response:
        data = body(request, w.CaseReviewSchema)
        return json_response(self.welfare.review_case(hardship_case_id, data, within=request.principal.scope))

    @api("POST", "/api/v1/hardship-cases/<hardship_case_id>/grants", roles=OFFICERS, key_scope=WRITE,
         doc=Doc("Grant relief (regular or second_relief); it is paid after its public-notice period", T,
                 body=w.GrantCreateSchema, response=w.GrantSchema, status=201))
    def make_grant(self, request: Request, hardship_case_id: str) -> Response:
        data = body(request, w.GrantCreateSchema)
        return json_response(self.welfare.make_grant(hardship_case_id, data, within=request.principal.scope), 201)

    @api("GET", "/api/v1/hardship-grants", roles=READERS, key_scope=READ,
         doc=Doc("Relief grants", T, query=w.GrantQuerySchema, response=w.GrantSchema, many=True))
    def list_grants(self, request: Request) -> Response:
        query = query_args(request, w.GrantQuerySchema)
        return json_response(self.welfare.list_grants(query, within=request.principal.scope))

    @api("POST", "/api/v1/hardship-grants/<grant_id>/object", roles=UNION_WRITERS, key_scope=WRITE,
         doc=Doc("Record an objection during the notice period: the grant is not paid", T,
                 body=w.GrantObjectionSchema, response=w.GrantSchema))
    def object_to_grant(self, request: Request, grant_id: str) -> Response:
        data = body(request, w.GrantObjectionSchema)
        return json_response(self.welfare.object_to_grant(grant_id, data, within=request.principal.scope))

    @api("POST", "/api/v1/hardship-grants/<grant_id>/pay", roles=OFFICERS, key_scope=WRITE,
         doc=Doc("Pay a grant whose notice period is over", T, body=w.NoBodySchema, response=w.GrantSchema))
    def pay_grant(self, request: Request, grant_id: str) -> Response:
        body(request, w.NoBodySchema)
        return json_response(self.welfare.pay_grant(grant_id, within=request.principal.scope))

    # ---- condolence visits
    @api("POST", "/api/v1/condolence-visits", roles=OFFICERS, key_scope=WRITE,
         doc=Doc("Record a condolence visit, paid from the condolence fund", T, body=w.VisitCreateSchema,
                 response=w.VisitSchema, status=201))
    def record_visit(self, request: Request) -> Response:
        data = body(request, w.VisitCreateSchema)
        return json_response(self.welfare.record_visit(data, within=request.principal.scope), 201)

    @api("GET", "/api/v1/condolence-visits", roles=READERS, key_scope=READ,
         doc=Doc("Condolence visits", T, query=w.MemberQuerySchema, response=w.VisitSchema, many=True))
    def list_visits(self, request: Request) -> Response:
        query = query_args(request, w.MemberQuerySchema)
        return json_response(self.welfare.list_visits(query, within=request.principal.scope))

    # ---- education-upgrade subsidies
    @api("POST", "/api/v1/subsidies", roles=UNION_WRITERS, key_scope=WRITE,
         doc=Doc("Apply for an education-upgrade subsidy", T, body=w.SubsidyCreateSchema,
                 response=w.SubsidySchema, status=201))
    def apply_subsidy(self, request: Request) -> Response:
        data = body(request, w.SubsidyCreateSchema)
        return json_response(self.welfare.apply_subsidy(data, within=request.principal.scope), 201)

    @api("GET", "/api/v1/subsidies", roles=READERS, key_scope=READ,
         doc=Doc("Education-upgrade subsidies", T, query=w.SubsidyQuerySchema, response=w.SubsidySchema,
                 many=True))
    def list_subsidies(self, request: Request) -> Response:
        query = query_args(request, w.SubsidyQuerySchema)
        return json_response(self.welfare.list_subsidies(query, within=request.principal.scope))

    @api("GET", "/api/v1/subsidies/<subsidy_id>", roles=READERS, key_scope=READ,
         doc=Doc("One subsidy", T, response=w.SubsidySchema))
    def get_subsidy(self, request: Request, subsidy_id: str) -> Response:
        return json_response(self.welfare.get_subsidy(subsidy_id, within=request.principal.scope))

    @api("POST", "/api/v1/subsidies/<subsidy_id>/approve", roles=OFFICERS, key_scope=WRITE,
         doc=Doc("Approve a subsidy", T, body=w.SubsidyApproveSchema, response=w.SubsidySchema))
    def approve_subsidy(self, request: Request, subsidy_id: str) -> Response:
        data = body(request, w.SubsidyApproveSchema)
        return json_response(self.welfare.approve_subsidy(subsidy_id, data, within=request.principal.scope))

    @api("POST", "/api/v1/subsidies/<subsidy_id>/reject", roles=OFFICERS, key_scope=WRITE,
         doc=Doc("Reject a subsidy with a reason", T, body=w.RejectSchema, response=w.SubsidySchema))
    def reject_subsidy(self, request: Request, subsidy_id: str) -> Response:
        data = body(request, w.RejectSchema)
        return json_response(self.welfare.reject_subsidy(subsidy_id, data, within=request.principal.scope))

    @api("POST", "/api/v1/subsidies/<subsidy_id>/pay", roles=OFFICERS, key_scope=WRITE,
         doc=Doc("Pay an approved subsidy from the subsidies fund", T, body=w.NoBodySchema,
                 response=w.SubsidySchema))
    def pay_subsidy(self, request: Request, subsidy_id: str) -> Response:
        body(request, w.NoBodySchema)
        return json_response(self.welfare.pay_subsidy(subsidy_id, within=request.principal.scope))

    # ---- payouts asked for by other services
    @api("GET", "/api/v1/reward-payouts", roles=LEDGER_READERS, key_scope=READ,
         doc=Doc("Reward payouts training asked for, paid or refused", T, query=w.RewardQuerySchema,
                 response=w.RewardSchema, many=True))
    def list_rewards(self, request: Request) -> Response:
        query = query_args(request, w.RewardQuerySchema)
        return json_response(self.welfare.list_rewards(query, within=request.principal.scope))
