"""Reads of notifications: a person's inbox and unread count, and the outbox's state."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from innoplan.notifications.choices import DeliveryStatus
from innoplan.notifications.models import Delivery, Notification


def inbox(user) -> QuerySet[Notification]:
    """The user's own notifications, newest first (nobody sees another's)."""
    if not user.is_authenticated:
        return Notification.objects.none()
    return Notification.objects.filter(recipient=user).order_by("-created", "-pk")


def unread_count(user) -> int:
    return inbox(user).filter(read_at__isnull=True).count()


def outbox_counts() -> dict[str, int]:
    """How many deliveries are in each status."""
    counts = dict.fromkeys(DeliveryStatus.values, 0)
    for row in Delivery.objects.values("status").annotate(n=Count("pk")).order_by():
        counts[row["status"]] = row["n"]
    return counts


def troubled_deliveries(limit: int = 50) -> QuerySet[Delivery]:
    """Deliveries given up, or waiting after a failed attempt, most recent first."""
    return (
        Delivery.objects.filter(status__in=[DeliveryStatus.FAILED, DeliveryStatus.PENDING])
        .exclude(last_error="")
        .order_by("-next_attempt_at", "-pk")[:limit]
    )
