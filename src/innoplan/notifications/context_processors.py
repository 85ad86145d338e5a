"""What every page's frame needs from notifications: the signed-in user's unread count."""

from functools import cache


def unread_count(request):
    """``notifications_unread``: the number of the user's unread notifications, counted when a
    template first reads it (one query per page, none on pages that do not show it); absent
    for whoever has no inbox (the administrators)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.has_perm("notifications.view_inbox"):
        return {}
    from innoplan.notifications.selectors import unread_count as count

    @cache
    def unread() -> int:
        return count(user)

    return {"notifications_unread": unread}
