"""The REST API (Django Ninja): OpenAPI schema and docs at /api/docs.

Every operation needs a logged-in session (CSRF-protected for writes) and a permission.
"""

from django.core.exceptions import PermissionDenied
from ninja import NinjaAPI
from ninja.security import SessionAuth

from innoplan.plans.api import router as plans_router

api = NinjaAPI(
    title="innoplan",
    version="1",
    description="Targets, figures and tasks of the innovation plan.",
    auth=SessionAuth(),
    urls_namespace="api",
)


@api.exception_handler(PermissionDenied)
def permission_denied(request, exc):
    return api.create_response(request, {"detail": str(exc) or "permission denied"}, status=403)


api.add_router("/plans", plans_router)
