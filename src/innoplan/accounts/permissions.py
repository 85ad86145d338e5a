"""The one permission check of innoplan, for views, services and the API alike.

    authorise(user, perm, obj=None, *, message=None) -> None

passes when ``user.has_perm(perm, obj)`` — the ``rules`` predicates each app declares in its
``rules.py`` — and otherwise records the refusal in the audit trail and raises
``PermissionDenied(message)``: Django answers it with the 403 page, the API with 403 JSON whose
``detail`` is the message. ``message`` (translated text) says why, in the reader's terms; without
it the refusal carries no text. The signature is stable: every app calls it, views with
``request.user`` and services again with their ``actor``.

    @requires(perm, *, message=None)           # a function view, before it runs
    class Page(Requires, View): permission = … # a class-based view, before dispatch

The refusal's record is an ``access.denied`` event with outcome ``denied``: the user, the
object (type, id, text) and the permission; while a request is served the audit middleware
adds the client IP, method, path and the status answered, and writes it once the answer is
made — outside the view's and the service's transactions, which the refusal usually rolls
back. Outside a request it is written at once (wrap a command's or a job's work in
``innoplan.audit.denials.denials_recorded()`` to defer it the same way).

What is not checked here: which records of a list a user sees (scoping lives in each app's
selectors, ``department_scope``), and a record outside the user's scope, which the selectors
answer with 404 so that its existence is not given away. The audit middleware records those
404s, and any 403 raised without ``authorise``, once per request.
"""

from __future__ import annotations

from functools import wraps

from django.core.exceptions import ImproperlyConfigured, PermissionDenied


def authorise(user, perm: str, obj=None, *, message=None) -> None:
    """Pass if ``user`` has ``perm`` (on ``obj``); else record the denial and raise
    ``PermissionDenied(message)``."""
    if user is not None and user.has_perm(perm, obj):
        return
    from innoplan.audit.denials import record_denial

    record_denial(actor=user, permission=perm, obj=obj)
    raise PermissionDenied(message) if message else PermissionDenied


def requires(perm: str, *, message=None):
    """Decorate a function view: ``authorise(request.user, perm)`` before it runs."""

    def decorate(view):
        @wraps(view)
        def checked(request, *args, **kwargs):
            authorise(request.user, perm, message=message)
            return view(request, *args, **kwargs)

        return checked

    return decorate


class Requires:
    """Mixin for a class-based view: ``authorise(request.user, self.permission)`` before
    ``dispatch``. Put it first among the bases. Object checks stay in the view, once the
    object is found: ``authorise(request.user, perm, obj)``."""

    permission: str = ""
    permission_message = None

    def get_permission_object(self):
        """What the permission is asked about before dispatch: None, the page as a whole; a
        view serving one register or kind of thing may name it (known from its URL
        configuration, not from the request)."""
        return None

    def dispatch(self, request, *args, **kwargs):
        if not self.permission:
            raise ImproperlyConfigured(f"{type(self).__name__} names no permission.")
        authorise(
            request.user,
            self.permission,
            self.get_permission_object(),
            message=self.permission_message,
        )
        return super().dispatch(request, *args, **kwargs)
