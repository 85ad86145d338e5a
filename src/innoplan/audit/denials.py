"""Refused access in the audit trail: one ``access.denied`` record per refusal, written once
the request (or job) is answered, so that the rollback a refusal causes does not take its
record along. ``accounts.permissions.authorise`` reports its refusals here; the audit
middleware wraps each request in ``denials_recorded`` and adds the 403s and 404s answered to a
signed-in user that no ``authorise`` explained."""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar

from .events import Event, Outcome
from .services import record_event

# The denials of the request (or job) being served, recorded when it ends; None outside one.
_pending_denials: ContextVar[DenialCollector | None] = ContextVar(
    "innoplan_pending_denials", default=None
)


class DenialCollector:
    """The denials met while one request (or job) is served. A refusal usually rolls back the
    transaction it happened in, which would take its audit record along; they are therefore
    kept here and recorded by ``flush`` once the request is answered, outside any
    transaction of the view or the service. ``status`` is the answer's status code."""

    def __init__(self, request=None):
        self.request = request
        self.pending: list[dict] = []
        self.status: int | None = None
        self.seen = False  # a denial was met: the request is marked as recorded

    def add(self, *, actor, obj=None, permission: str = "") -> None:
        self.pending.append({"actor": actor, "obj": obj, "permission": permission})
        self.seen = True

    def flush(self) -> None:
        pending, self.pending = self.pending, []
        for denial in pending:
            record_event(
                Event.ACCESS_DENIED,
                request=self.request,
                actor=denial["actor"],
                obj=denial["obj"],
                outcome=Outcome.DENIED,
                detail=_denial_detail(self.request, denial["permission"], self.status),
            )


def _denial_detail(request, permission: str, status: int | None) -> dict:
    detail = {"permission": permission} if permission else {}
    if request is not None:
        # The path without its query string, which may hold what someone searched for.
        detail.update(method=request.method, path=request.path)
    if status is not None:
        detail["status"] = status
    return detail


@contextmanager
def denials_recorded(request=None):
    """Collect the denials met inside the block and record them when it ends (the audit
    middleware wraps every request in it; a command or a job may wrap its work too)."""
    collector = DenialCollector(request)
    token = _pending_denials.set(collector)
    try:
        yield collector
    finally:
        _pending_denials.reset(token)
        collector.flush()


def record_denial(*, actor, permission: str = "", obj=None) -> None:
    """An ``access.denied`` record of ``actor`` refused ``permission`` (on ``obj``): kept for
    the end of the request being served, or written at once outside one."""
    collector = _pending_denials.get()
    if collector is not None:
        collector.add(actor=actor, obj=obj, permission=permission)
        return
    record_event(
        Event.ACCESS_DENIED,
        actor=actor,
        obj=obj,
        outcome=Outcome.DENIED,
        detail=_denial_detail(None, permission, None),
    )
