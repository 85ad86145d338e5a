"""The audit trail: append-only records, each chained to the one before by a keyed hash."""

from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .events import Event, Outcome


class AppendOnlyError(Exception):
    """An attempt to change or remove an audit record outside the purge."""


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        # Deleting a user nulls the unhashed convenience link (on_delete=SET_NULL); nothing
        # else may change.
        if kwargs.keys() == {"actor"} and kwargs["actor"] is None:
            return super().update(**kwargs)
        raise AppendOnlyError(_("Audit records cannot be changed."))

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnlyError(_("Audit records cannot be changed."))

    def delete(self):
        raise AppendOnlyError(_("Audit records cannot be deleted; only the purge removes them."))

    delete.queryset_only = True

    def _purge(self) -> int:
        """Removes the rows without signals; only ``services.purge`` calls this."""
        return self._raw_delete(self.db)


def object_type_name(label: str) -> str:
    """The name of the kind of object an ``object_type`` stands for, as its model calls it
    ("registry.organisation" -> 机构); the stored label itself for a model that is gone."""
    if not label:
        return ""
    try:
        return str(apps.get_model(label)._meta.verbose_name)
    except (LookupError, ValueError):
        return label


class AuditEvent(models.Model):
    """审计记录 — one security event or data change: who, from where, what, on which
    object, with what outcome; chained to the previous record by ``prev_hash``."""

    id = models.BigIntegerField(primary_key=True, verbose_name=_("sequence"))
    occurred_at = models.DateTimeField(verbose_name=_("time"), db_index=True)
    # A convenience link that survives the user's deletion as NULL; the hashed copies are
    # ``actor_uid`` and ``actor_name``.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("user"),
    )
    actor_uid = models.BigIntegerField(null=True, blank=True, verbose_name=_("user id"))
    actor_name = models.CharField(max_length=150, blank=True, verbose_name=_("user name"))
    ip = models.CharField(max_length=45, blank=True, verbose_name=_("IP address"))
    event = models.CharField(max_length=40, choices=Event.choices, verbose_name=_("event"))
    outcome = models.CharField(
        max_length=10, choices=Outcome.choices, default=Outcome.SUCCESS, verbose_name=_("outcome")
    )
    object_type = models.CharField(max_length=100, blank=True, verbose_name=_("object type"))
    object_id = models.CharField(max_length=64, blank=True, verbose_name=_("object id"))
    object_repr = models.CharField(max_length=200, blank=True, verbose_name=_("object"))
    detail = models.JSONField(default=dict, blank=True, verbose_name=_("detail"))
    log_entry_id = models.BigIntegerField(
        null=True, blank=True, db_index=True, verbose_name=_("change log entry")
    )
    log_digest = models.CharField(max_length=64, blank=True, verbose_name=_("change log digest"))
    prev_hash = models.CharField(max_length=64, verbose_name=_("previous hash"))
    hash = models.CharField(max_length=64, verbose_name=_("hash"))

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        db_table = "audit_event"
        ordering = ["-id"]
        verbose_name = _("audit record")
        verbose_name_plural = _("audit records")
        indexes = [
            models.Index(fields=["event", "occurred_at"], name="audit_event_evt_idx"),
            models.Index(fields=["actor_name", "occurred_at"], name="audit_event_actor_idx"),
        ]

    def __str__(self):
        return f"#{self.id} {self.event} {self.actor_name}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError(_("Audit records cannot be changed."))
        raise AppendOnlyError(_("Audit records are appended through innoplan.audit.services."))

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(_("Audit records cannot be deleted; only the purge removes them."))

    @property
    def object_type_name(self) -> str:
        return object_type_name(self.object_type)


class ChainHead(models.Model):
    """链头 — the single row that appends lock, so that two writers cannot fork the chain;
    it holds the last record and, after a purge, the anchor the remaining chain starts from,
    sealed with the audit key (``mac``) so that a trail cut back from its end does not verify."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_id = models.BigIntegerField(default=0, verbose_name=_("last sequence"))
    last_hash = models.CharField(max_length=64, blank=True, verbose_name=_("last hash"))
    anchor_id = models.BigIntegerField(default=0, verbose_name=_("anchor sequence"))
    anchor_hash = models.CharField(max_length=64, blank=True, verbose_name=_("anchor hash"))
    # chain.head_mac over the four fields above, renewed in the same locked append; empty or
    # wrong once the head was moved without the audit key, and it stays so.
    mac = models.CharField(max_length=64, blank=True, verbose_name=_("seal"))

    class Meta:
        db_table = "audit_chain_head"
        verbose_name = _("audit chain head")
        verbose_name_plural = _("audit chain head")

    def __str__(self):
        return f"{self.last_id}:{self.last_hash[:12]}"
