"""The inbox (站内通知): a person's own notifications, newest first, and marking them read.
Each person reaches only their own: another's notification is a 404, as if it did not exist."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from innoplan.accounts.permissions import requires
from innoplan.notifications import selectors, services

PER_PAGE = 30


@require_GET
@requires("notifications.view_inbox")
def inbox(request):
    page = Paginator(selectors.inbox(request.user), PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/inbox.html",
        {"page": page, "unread": selectors.unread_count(request.user)},
    )


@require_POST
@requires("notifications.view_inbox")
def read(request, pk: int):
    """Mark one notification read, then open what it is about (a path of this site only)."""
    notification = get_object_or_404(selectors.inbox(request.user), pk=pk)
    services.notification_read(notification=notification, actor=request.user)
    if notification.link and url_has_allowed_host_and_scheme(
        notification.link, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(notification.link)
    return redirect("notifications:inbox")


@require_POST
@requires("notifications.view_inbox")
def read_all(request):
    count = services.notifications_read_all(actor=request.user)
    if count:
        messages.success(
            request,
            ngettext(
                "%(count)s notification marked as read.",
                "%(count)s notifications marked as read.",
                count,
            )
            % {"count": count},
        )
    return redirect("notifications:inbox")
