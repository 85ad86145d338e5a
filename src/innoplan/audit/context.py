"""The client address of the request being served, for records written where no request is
at hand (a service, or django-auditlog under ``set_actor``, which drops the address)."""

from contextvars import ContextVar

client_address: ContextVar[str] = ContextVar("audit_client_address", default="")
