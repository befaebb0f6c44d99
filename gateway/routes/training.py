"""Training routes (API.md "Training"): the craftsman ladder, schools, competitions, safety, golden ideas.

Readers: admin, training officers, union chairs (their own unions) and
auditors. Writers: admin and training officers; union chairs also nominate,
object, enrol, enter competitions and submit proposals and hazard snapshots
for their own members. Reviewing is for admin and training officers.
"""

from __future__ import annotations

from werkzeug.wrappers import Request, Response

from gateway import training_schemas as s
from gateway.http import Doc, api, json_response
from gateway.routes.presenting import query_args
from gateway.schemas import PageQuerySchema
from services.chassis.schemas import load

READERS = ("admin", "training_officer", "union_chair", "auditor")
WRITERS = ("admin", "training_officer")
REVIEWERS = WRITERS
NOMINATORS = ("admin", "training_officer", "union_chair")
T = "training"
READ, WRITE = "training:read", "training:write"


class TrainingRoutes:
    @api(
        "POST",
        "/api/v1/craftsmen/nominations",
        roles=NOMINATORS,
        key_scope=WRITE,
        doc=Doc(
            "Nominate a member to the next craftsman level",
            T,
            body=s.NominationCreateSchema,
            response=s.NominationSchema,
            status=201,
        ),
    )
    def nominate(self, request: Request) -> Response:
        load(s.NominationCreateSchema, request.json_body)
        w = request.principal.scope
        actor = request.principal.username
        return json_response(self.training.nominate(request.json_body, within=w, actor=actor), 201)

    @api(
        "GET",
        "/api/v1/craftsmen/nominations",
        roles=READERS,
        key_scope=READ,
        doc=Doc(
            "Nominations with the member's record beside each",
            T,
            query=s.NominationQuerySchema,
            response=s.NominationSchema,
            many=True,
        ),
    )
    def list_nominations(self, request: Request) -> Response:
        q = query_args(request, s.NominationQuerySchema)
        w = request.principal.scope
        return json_response(self.training.list_nominations(q, within=w))

    @api(
        "GET",
        "/api/v1/craftsmen/nominations/<nomination_id>",
        roles=READERS,
        key_scope=READ,
        doc=Doc("One nomination with the member's record", T, response=s.NominationSchema),
    )
    def get_nomination(self, request: Request, nomination_id: str) -> Response:
        w = request.principal.scope
        return json_response(self.training.get_nomination(nomination_id, within=w))

    @api(
        "POST",
        "/api/v1/craftsmen/nominations/<nomination_id>/approve",
        roles=REVIEWERS,
        key_scope=WRITE,
        doc=Doc(
            "Approve: the public notice starts (objections may be raised until notice_ends_on)",
            T,
            body=s.ApproveSchema,
            response=s.NominationSchema,
        ),
    )
    def approve_nomination(self, request: Request, nomination_id: str) -> Response:
        load(s.ApproveSchema, request.json_body)
        w = request.principal.scope
        actor = request.principal.username
        return json_response(self.training.approve_nomination(nomination_id, request.json_body, within=w, actor=actor))

    @api(
        "POST",
        "/api/v1/craftsmen/nominations/<nomination_id>/reject",
        roles=REVIEWERS,
        key_scope=WRITE,
        doc=Doc("Reject a nomination, with the reason", T, body=s.ReasonSchema, response=s.NominationSchema),
    )
    def reject_nomination(self, request: Request, nomination_id: str) -> Response:
        load(s.ReasonSchema, request.json_body)
        w = request.principal.scope
        actor = request.principal.username
        return json_response(self.training.reject_nomination(nomination_id, request.json_body, within=w, actor=actor))

    @api(
        "POST",
        "/api/v1/craftsmen/nominations/<nomination_id>/objections",
        roles=NOMINATORS,
        key_scope=WRITE,
        doc=Doc("Raise an objection during the public notice", T, body=s.ReasonSchema, response=s.NominationSchema),
    )
    def object_to_nomination(self, request: Request, nomination_id: str) -> Response:
        load(s.ReasonSchema, request.json_body)
        w = request.principal.scope
        actor = request.principal.username
        return json_response(
            self.training.object_to_nomination(nomination_id, request.json_body, within=w, actor=actor)
        )

    @api(
        "GET",
        "/api/v1/craftsmen",
        roles=READERS,
        key_scope=READ,
        doc=Doc("Craftsmen by level", T, query=s.CraftsmanQuerySchema, response=s.CraftsmanSchema, many=True),
    )
    def list_craftsmen(self, request: Request) -> Response:
        q = query_args(request, s.CraftsmanQuerySchema)
        w = request.principal.scope
        return json_response(self.training.list_craftsmen(q, within=w))

    @api(
        "GET",
        "/api/v1/members/<member_id>/training-record",
        roles=READERS,
        key_scope=READ,
        doc=Doc(
            "A member's record here: level, competition ranks, training hours, adopted proposals",
            T,
            response=s.MemberRecordSchema,
        ),
    )
    def member_training_record(self, request: Request, member_id: str) -> Response:
        w = request.principal.scope
        return json_response(self.training.member_record(member_id, within=w))

    @api(
        "POST",
        "/api/v1/schools",
        roles=WRITERS,
        key_scope=WRITE,
        doc=Doc(
            "Open a craftsman school or the college", T, body=s.SchoolCreateSchema, response=s.SchoolSchema, status=201
        ),
    )
    def create_school(self, request: Request) -> Response:
        load(s.SchoolCreateSchema, request.json_body)
        w = request.principal.scope
        return json_response(self.training.create_school(request.json_body, within=w), 201)

    @api(
        "GET",
        "/api/v1/schools",
        roles=READERS,
        key_scope=READ,
        doc=Doc("Schools and the college", T, query=s.SchoolQuerySchema, response=s.SchoolSchema, many=True),
    )
    def list_schools(self, request: Request) -> Response:
        q = query_args(request, s.SchoolQuerySchema)
        w = request.principal.scope
        return json_response(self.training.list_schools(q, within=w))

    @api(
        "GET",
        "/api/v1/schools/<school_id>",
        roles=READERS,
        key_scope=READ,
        doc=Doc("One school with its courses and sessions", T, response=s.SchoolSchema),
    )
    def get_school(self, request: Request, school_id: str) -> Response:
        w = request.principal.scope
        return json_response(self.training.get_school(school_id, within=w))

    @api(
        "POST",
        "/api/v1/schools/<school_id>/courses",
        roles=WRITERS,
        key_scope=WRITE,
        doc=Doc("Add a course to a school", T, body=s.CourseCreateSchema, response=s.CourseSchema, status=201),
    )
    def create_course(self, request: Request, school_id: str) -> Response:
        load(s.CourseCreateSchema, request.json_body)
        w = request.principal.scope
        return json_response(self.training.create_course(school_id, request.json_body, within=w), 201)

    @api(
        "GET",
        "/api/v1/courses/<course_id>",
        roles=READERS,
        key_scope=READ,
        doc=Doc("One course with its sessions", T, response=s.CourseSchema),
    )
    def get_course(self, request: Request, course_id: str) -> Response:
        w = request.principal.scope
        return json_response(self.training.get_course(course_id, within=w))

    @api(
        "POST",
        "/api/v1/courses/<course_id>/sessions",
        roles=WRITERS,
        key_scope=WRITE,
        doc=Doc(
            "Add a session (a day and its hours) to a course",
            T,
            body=s.CourseSessionCreateSchema,
            response=s.CourseSessionSchema,
            status=201,
        ),
    )
    def add_course_session(self, request: Request, course_id: str) -> Response:
        load(s.CourseSessionCreateSchema, request.json_body)
        w = request.principal.scope
        return json_response(self.training.add_course_session(course_id, request.json_body, within=w), 201)

    @api(
        "POST",
        "/api/v1/courses/<course_id>/enrolments",
        roles=NOMINATORS,
        key_scope=WRITE,
        doc=Doc("Enrol a member in a course", T, body=s.MemberRefSchema, response=s.EnrolmentSchema, status=201),
    )
    def enrol(self, request: Request, course_id: str) -> Response:
        load(s.MemberRefSchema, request.json_body)
        w = request.principal.scope
        return json_response(self.training.enrol(course_id, request.json_body, within=w), 201)

    @api(
        "GET",
        "/api/v1/courses/<course_id>/enrolments",
        roles=READERS,
        key_scope=READ,
        doc=Doc("The course's enrolled members (a union's own only) with the sittings attended and their hours", T,
                response=s.CourseEnrolmentsSchema),
    )
    def list_enrolments(self, request: Request, course_id: str) -> Response:
        return json_response(self.training.list_enrolments(course_id, within=request.principal.scope))

    @api(
        "POST",
        "/api/v1/course-sessions/<course_session_id>/attendance",
        roles=WRITERS,
        key_scope=WRITE,
        doc=Doc(
            "Mark enrolled members present (their training hours)",
            T,
            body=s.AttendanceSchema,
            response=s.CourseSessionSchema,
        ),
    )
    def record_attendance(self, request: Request, course_session_id: str) -> Response:
        load(s.AttendanceSchema, request.json_body)
        w = request.principal.scope
        return json_response(self.training.record_attendance(course_session_id, request.json_body, within=w))

    @api(
        "POST",
        "/api/v1/competitions",
        roles=WRITERS,
        key_scope=WRITE,
        doc=Doc(
            "Create a labour or skill competition",
            T,
            body=s.CompetitionCreateSchema,
            response=s.CompetitionSchema,
            status=201,
        ),
    )
    def create_competition(self, request: Request) -> Response:
        load(s.CompetitionCreateSchema, request.json_body)
        w = request.principal.scope
        return json_response(self.training.create_competition(request.json_body, within=w), 201)

    @api(
        "GET",
        "/api/v1/competitions",
        roles=READERS,
        key_scope=READ,
        doc=Doc("Competitions", T, query=s.CompetitionQuerySchema, response=s.CompetitionSchema, many=True),
    )
    def list_competitions(self, request: Request) -> Response:
        q = query_args(request, s.CompetitionQuerySchema)
        w = request.principal.scope
        return json_response(self.training.list_competitions(q, within=w))

    @api(
        "GET",
        "/api/v1/competitions/<competition_id>",
        roles=READERS,
        key_scope=READ,
        doc=Doc("One competition", T, response=s.CompetitionSchema),
    )
    def get_competition(self, request: Request, competition_id: str) -> Response:
        w = request.principal.scope
        return json_response(self.training.get_competition(competition_id, within=w))

    @api(
        "GET",
        "/api/v1/competitions/<competition_id>/entries",
        roles=READERS,
        key_scope=READ,
        doc=Doc(
            "Entrants, with final score, rank and award once published",
            T,
            query=PageQuerySchema,
            response=s.EntrySchema,
            many=True,
        ),
    )
    def list_entries(self, request: Request, competition_id: str) -> Response:
        q = query_args(request, PageQuerySchema)
        w = request.principal.scope
        return json_response(self.training.list_entries(competition_id, q, within=w))

    @api(
        "POST",
        "/api/v1/competitions/<competition_id>/entries",
        roles=NOMINATORS,
        key_scope=WRITE,
        doc=Doc("Enter a member (once)", T, body=s.MemberRefSchema, response=s.EntrySchema, status=201),
    )
    def enter_competition(self, request: Request, competition_id: str) -> Response:
        load(s.MemberRefSchema, request.json_body)
        w = request.principal.scope
        return json_response(self.training.enter_competition(competition_id, request.json_body, within=w), 201)

    @api(
        "POST",
        "/api/v1/competitions/<competition_id>/entries/bulk",
        roles=NOMINATORS,
        key_scope=WRITE,
        doc=Doc("Enter up to 500 members at once, all or none (a field error names member_ids.N)", T,
                body=s.MemberRefsSchema, response=s.EntriesSchema, status=201),
    )
    def enter_competition_bulk(self, request: Request, competition_id: str) -> Response:
        load(s.MemberRefsSchema, request.json_body)
        w = request.principal.scope
        return json_response(self.training.enter_competition_many(competition_id, request.json_body, within=w), 201)

    @api(
        "POST",
        "/api/v1/competitions/<competition_id>/scores",
        roles=WRITERS,
        key_scope=WRITE,
        doc=Doc("Record one judge's marks", T, body=s.JudgeScoresSchema),
    )
    def record_scores(self, request: Request, competition_id: str) -> Response:
        load(s.JudgeScoresSchema, request.json_body)
        w = request.principal.scope
        return json_response(self.training.record_scores(competition_id, request.json_body, within=w))

    @api(
        "POST",
        "/api/v1/competitions/<competition_id>/results",
        roles=WRITERS,
        key_scope=WRITE,
        doc=Doc(
            "Publish the results: ranks and awards, then frozen",
            T,
            body=s.ResultsSchema,
            response=s.PublishedResultsSchema,
        ),
    )
    def publish_results(self, request: Request, competition_id: str) -> Response:
        load(s.ResultsSchema, request.json_body)
        w = request.principal.scope
        return json_response(self.training.publish_results(competition_id, request.json_body, within=w))

    @api(
        "POST",
        "/api/v1/safety-sessions",
        roles=WRITERS,
        key_scope=WRITE,
        doc=Doc(
            "Record a safety training or drill",
            T,
            body=s.SafetySessionCreateSchema,
            response=s.SafetySessionSchema,
            status=201,
        ),
    )
    def create_safety_session(self, request: Request) -> Response:
        load(s.SafetySessionCreateSchema, request.json_body)
        w = request.principal.scope
        return json_response(self.training.create_safety_session(request.json_body, within=w), 201)

    @api(
        "GET",
        "/api/v1/safety-sessions",
        roles=READERS,
        key_scope=READ,
        doc=Doc(
            "Safety trainings and drills",
            T,
            query=s.SafetySessionQuerySchema,
            response=s.SafetySessionSchema,
            many=True,
        ),
    )
    def list_safety_sessions(self, request: Request) -> Response:
        q = query_args(request, s.SafetySessionQuerySchema)
        w = request.principal.scope
        return json_response(self.training.list_safety_sessions(q, within=w))

    @api(
        "GET",
        "/api/v1/safety-sessions/<safety_session_id>",
        roles=READERS,
        key_scope=READ,
        doc=Doc("One safety training or drill", T, response=s.SafetySessionSchema),
    )
    def get_safety_session(self, request: Request, safety_session_id: str) -> Response:
        w = request.principal.scope
        return json_response(self.training.get_safety_session(safety_session_id, within=w))

    @api(
        "POST",
        "/api/v1/hazard-snapshots",
        roles=NOMINATORS,
        key_scope=WRITE,
        doc=Doc(
            "Submit a member's hazard snapshot",
            T,
            body=s.HazardSnapshotCreateSchema,
            response=s.HazardSnapshotSchema,
            status=201,
        ),
    )
    def submit_hazard(self, request: Request) -> Response:
        load(s.HazardSnapshotCreateSchema, request.json_body)
        w = request.principal.scope
        return json_response(self.training.submit_hazard(request.json_body, within=w), 201)

    @api(
        "GET",
        "/api/v1/hazard-snapshots",
        roles=READERS,
        key_scope=READ,
        doc=Doc("Hazard snapshots", T, query=s.HazardQuerySchema, response=s.HazardSnapshotSchema, many=True),
    )
    def list_hazards(self, request: Request) -> Response:
        q = query_args(request, s.HazardQuerySchema)
        w = request.principal.scope
        return json_response(self.training.list_hazards(q, within=w))

    @api(
        "POST",
        "/api/v1/hazard-snapshots/<hazard_id>/accept",
        roles=WRITERS,
        key_scope=WRITE,
        doc=Doc("Accept a hazard snapshot", T, body=s.HazardReviewSchema, response=s.HazardSnapshotSchema),
    )
    def accept_hazard(self, request: Request, hazard_id: str) -> Response:
        load(s.HazardReviewSchema, request.json_body)
        w = request.principal.scope
        return json_response(self.training.accept_hazard(hazard_id, request.json_body, within=w))

    @api(
        "POST",
        "/api/v1/hazard-snapshots/<hazard_id>/reject",
        roles=WRITERS,
        key_scope=WRITE,
        doc=Doc("Reject a hazard snapshot", T, body=s.HazardReviewSchema, response=s.HazardSnapshotSchema),
    )
    def reject_hazard(self, request: Request, hazard_id: str) -> Response:
        load(s.HazardReviewSchema, request.json_body)
        w = request.principal.scope
        return json_response(self.training.reject_hazard(hazard_id, request.json_body, within=w))

    @api(
        "POST",
        "/api/v1/proposals",
        roles=NOMINATORS,
        key_scope=WRITE,
        doc=Doc("Submit a golden-idea proposal", T, body=s.ProposalCreateSchema, response=s.ProposalSchema, status=201),
    )
    def submit_proposal(self, request: Request) -> Response:
        load(s.ProposalCreateSchema, request.json_body)
        w = request.principal.scope
        return json_response(self.training.submit_proposal(request.json_body, within=w), 201)

    @api(
        "GET",
        "/api/v1/proposals",
        roles=READERS,
        key_scope=READ,
        doc=Doc("Golden-idea proposals", T, query=s.ProposalQuerySchema, response=s.ProposalSchema, many=True),
    )
    def list_proposals(self, request: Request) -> Response:
        q = query_args(request, s.ProposalQuerySchema)
        w = request.principal.scope
        return json_response(self.training.list_proposals(q, within=w))

    @api(
        "GET",
        "/api/v1/proposals/<proposal_id>",
        roles=READERS,
        key_scope=READ,
        doc=Doc("One proposal with its status and the payout's outcome", T, response=s.ProposalSchema),
    )
    def get_proposal(self, request: Request, proposal_id: str) -> Response:
        w = request.principal.scope
        return json_response(self.training.get_proposal(proposal_id, within=w))

    @api(
        "POST",
        "/api/v1/proposals/<proposal_id>/scores",
        roles=REVIEWERS,
        key_scope=WRITE,
        doc=Doc("A reviewer's score (once per reviewer)", T, body=s.ProposalScoreSchema, response=s.ProposalSchema),
    )
    def score_proposal(self, request: Request, proposal_id: str) -> Response:
        load(s.ProposalScoreSchema, request.json_body)
        w = request.principal.scope
        actor = request.principal.username
        return json_response(self.training.score_proposal(proposal_id, request.json_body, within=w, actor=actor))

    @api(
        "POST",
        "/api/v1/proposals/<proposal_id>/review",
        roles=REVIEWERS,
        key_scope=WRITE,
        doc=Doc(
            "Adopt or reject (once); an adopted reward is asked of welfare",
            T,
            body=s.ProposalReviewSchema,
            response=s.ProposalSchema,
        ),
    )
    def review_proposal(self, request: Request, proposal_id: str) -> Response:
        load(s.ProposalReviewSchema, request.json_body)
        w = request.principal.scope
        actor = request.principal.username
        return json_response(self.training.review_proposal(proposal_id, request.json_body, within=w, actor=actor))
