"""Who may do what with notifications (django-rules). Each person reads only their own: the
views look notifications up among the user's (``selectors.inbox``), so another's is a 404."""

import rules

from innoplan.accounts.rules import is_business_user

# The plan owner, department reporters and leaders are told about the plan's work; the three
# administrators (三员) are not, and have no inbox.
rules.add_perm("notifications.view_inbox", is_business_user)


@rules.predicate
def is_recipient(user, notification):
    return notification is not None and notification.recipient_id == user.pk


rules.add_perm("notifications.read_notification", is_business_user & is_recipient)
