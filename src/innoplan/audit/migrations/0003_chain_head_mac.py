"""The chain head's seal (``mac``): an HMAC with the audit key over the last sequence number
and hash and the purge anchor, so that a trail cut back from its end, or wiped, with the head
moved to match, no longer verifies.

Existing heads are sealed here, as they stand: run ``innoplan audit verify`` on the old version
before upgrading, since whatever the head says now is what gets sealed. A database without a
head (one that never had an audit record) gets one. The seal is computed by a copy of
``chain.head_mac`` frozen here, so that later changes to the code do not change what this
migration wrote."""

import hashlib
import hmac
import json

from django.conf import settings
from django.db import migrations, models


def _seal(last_id, last_hash, anchor_id, anchor_hash) -> str:
    payload = "audit-chain-head:" + json.dumps(
        {
            "anchor_hash": anchor_hash,
            "anchor_id": anchor_id,
            "last_hash": last_hash,
            "last_id": last_id,
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    key = settings.INNOPLAN_AUDIT_KEY.encode()
    return hmac.new(key, payload.encode(), hashlib.sha256).hexdigest()


def seal_head(apps, schema_editor):
    ChainHead = apps.get_model("audit", "ChainHead")
    AuditEvent = apps.get_model("audit", "AuditEvent")
    head = ChainHead.objects.filter(pk=1).first()
    if head is None:
        last = AuditEvent.objects.order_by("-id").only("id", "hash").first()
        head = ChainHead(pk=1, last_id=last.id if last else 0, last_hash=last.hash if last else "")
    head.mac = _seal(head.last_id, head.last_hash, head.anchor_id, head.anchor_hash)
    head.save()


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_access_denied_event"),
    ]

    operations = [
        migrations.AddField(
            model_name="chainhead",
            name="mac",
            field=models.CharField(blank=True, max_length=64, verbose_name="seal"),
        ),
        migrations.RunPython(seal_head, migrations.RunPython.noop),
    ]
