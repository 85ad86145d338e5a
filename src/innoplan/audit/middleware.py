"""django-auditlog's middleware, with the client address read as the rest of innoplan reads it
and kept for the audit records written while the request is served."""

from auditlog.middleware import AuditlogMiddleware as _AuditlogMiddleware

from innoplan.core.net import client_ip

from .context import client_address


class AuditlogMiddleware(_AuditlogMiddleware):
    @staticmethod
    def _get_remote_addr(request):
        # django-auditlog believes the left-most X-Forwarded-For address, which any client
        # can write; only the addresses the trusted proxies appended count.
        return client_ip(request) or None

    def __call__(self, request):
        token = client_address.set(client_ip(request))
        try:
            return super().__call__(request)
        finally:
            client_address.reset(token)
