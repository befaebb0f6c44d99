"""The HTTP gateway: one API in front of the services (../shared/API.md).

Routes live in `gateway/routes/`, grouped by service, as mixins; this class
only holds what they share: the database (staff accounts, API keys, the
audit trail), the staff directory for token and key checks, and one RPC
proxy per service (nameko reuses one connection and reply queue per
process; never a proxy per request). Every call through a proxy carries
the caller's union scope (see `gateway/http.py` and `services/chassis/scope.py`).
"""

from __future__ import annotations

from typing import Any

from nameko.extensions import DependencyProvider

from gateway.models import Base
from gateway.routes.admin import AdminRoutes
from gateway.routes.auth import AuthRoutes
from gateway.routes.membership import MembershipRoutes
from gateway.routes.operations import OperationsRoutes
from gateway.routes.reports import ReportRoutes
from gateway.routes.rights import RightsRoutes
from gateway.routes.training import TrainingRoutes
from gateway.routes.web import WebRoutes
from gateway.routes.welfare import WelfareRoutes
from gateway.staff import StaffDirectory
from services.chassis.database import Database
from services.chassis.remote import RemoteService
from services.chassis.telemetry import ServiceBase


class EntrypointRegistry(DependencyProvider):
    """The gateway's own routes, for the OpenAPI document."""

    def get_dependency(self, worker_ctx: Any) -> list:
        return list(self.container.entrypoints)


class GatewayService(ServiceBase, AuthRoutes, AdminRoutes, MembershipRoutes, OperationsRoutes, ReportRoutes,
                     WelfareRoutes, TrainingRoutes, RightsRoutes, WebRoutes):
    name = "gateway"

    db = Database(Base.metadata)
    staff = StaffDirectory()
    entrypoint_registry = EntrypointRegistry()

    membership = RemoteService("membership")
    membership_export = RemoteService("membership", timeout=300)
    welfare = RemoteService("welfare")
    training = RemoteService("training")
    rights = RemoteService("rights")

    ready_services = ("membership", "welfare", "training", "rights")
