"""Notifications: the message a person reads in the site (站内通知) and the outbox of emails
and group-chat messages (发送队列) a background worker drains."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from innoplan.notifications.choices import Channel, DeliveryStatus


class Delivery(models.Model):
    """发送记录 — one email or group-chat message in the outbox. The worker sends it when it is
    due, and a failed send is tried again later (``next_attempt_at``) until it is sent or given
    up; either way the row stays, with the last error, so that nothing is lost silently."""

    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    target = models.CharField(
        _("target"),
        max_length=254,
        help_text=_("The email address, or the name of the group-chat robot."),
    )
    key = models.CharField(
        _("key"),
        max_length=120,
        help_text=_("What the message is about; one message per key and target."),
    )
    payload = models.JSONField(_("message"), default=dict)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=DeliveryStatus.choices,
        default=DeliveryStatus.PENDING,
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    created = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-created", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["key", "target"], name="delivery_unique_key_target"),
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="delivery_due_idx"),
        ]

    def __str__(self):
        return f"{self.get_channel_display()} → {self.target}: {self.key}"


class Notification(models.Model):
    """站内通知 — a message to one person, shown in the site until read: a reminder, a 督办
    notice, a completion to accept, a rejection. Reminders reach the person's mailbox in the
    daily digest, exceptions at once."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    link = models.CharField(_("link"), max_length=500, blank=True)
    key = models.CharField(
        _("key"),
        max_length=120,
        help_text=_("What the notification is about; one notification per key and person."),
    )
    urgent = models.BooleanField(
        _("urgent"), default=False, help_text=_("Emailed at once instead of in the daily digest.")
    )
    awaits_digest = models.BooleanField(_("awaits the daily digest"), default=False)
    digest = models.ForeignKey(
        Delivery,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("digest"),
    )
    created = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["key", "recipient"], name="notif_unique_key_recipient"),
        ]
        indexes = [
            models.Index(fields=["recipient", "-created"], name="notif_recipient_created_idx"),
            models.Index(fields=["awaits_digest", "created"], name="notif_awaits_digest_idx"),
        ]

    def __str__(self):
        return self.subject

    @property
    def unread(self) -> bool:
        return self.read_at is None
