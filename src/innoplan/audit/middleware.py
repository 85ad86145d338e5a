"""django-auditlog's middleware, with the client address read as the rest of innoplan reads it
and kept for the audit records written while the request is served; and the record of every
refusal answered to a signed-in user."""

from auditlog.middleware import AuditlogMiddleware as _AuditlogMiddleware
from django.conf import settings

from innoplan.core.net import client_ip

from .context import client_address
from .denials import denials_recorded

# Answers that refuse a signed-in user: forbidden, and not found — another department's
# record answers 404, by design, so that its existence is not given away.
REFUSALS = (403, 404)


class AuditlogMiddleware(_AuditlogMiddleware):
    @staticmethod
    def _get_remote_addr(request):
        # django-auditlog believes the left-most X-Forwarded-For address, which any client
        # can write; only the addresses the trusted proxies appended count.
        return client_ip(request) or None

    def __call__(self, request):
        token = client_address.set(client_ip(request))
        try:
            # The denials ``authorise`` meets are recorded once the answer is made, outside the
            # view's and the services' transactions, with the method, path and status. A 403
            # or 404 that no ``authorise`` explained (a record outside the user's scope, a
            # check of another app) is recorded here, once.
            with denials_recorded(request) as denials:
                response = super().__call__(request)
                denials.status = response.status_code
                if (
                    response.status_code in REFUSALS
                    and not denials.seen
                    and _signed_in(request)
                    and not _is_static(request)
                ):
                    denials.add(actor=request.user)
            return response
        finally:
            client_address.reset(token)


def _signed_in(request) -> bool:
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)


def _is_static(request) -> bool:
    static = "/" + (settings.STATIC_URL or "").lstrip("/")
    return static != "/" and request.path_info.startswith(static)
