"""The daily anchor (``core.schedule``): the chain head — sequence, last hash, number of
records, whether its seal holds — written to the operations log, so that a copy of it lives
outside the database. A trail cut back or wiped and begun again since shows against that copy:
``innoplan audit verify --kept SEQUENCE:HASH`` checks a kept line."""

from __future__ import annotations

import logging
from datetime import date

from innoplan.core.schedule import daily

from . import chain
from .models import AuditEvent, ChainHead

# Configured in settings.LOGGING to be written at INFO whatever the root level; route it to
# syslog or the central log collection there (operations.md, Audit trail).
logger = logging.getLogger("innoplan.audit.anchor")


@daily("audit_anchor")
def log_chain_head(day: date) -> str:
    head = ChainHead.objects.filter(pk=1).first()
    if head is None:
        line = f"audit trail head on {day.isoformat()}: missing"
        logger.error(line)
        return line
    sealed = chain.head_sealed(head)
    line = (
        f"audit trail head on {day.isoformat()}: sequence {head.last_id}, "
        f"last hash {head.last_hash or '-'}, {AuditEvent.objects.count()} records, "
        f"seal {'valid' if sealed else 'DOES NOT MATCH'}"
    )
    logger.log(logging.INFO if sealed else logging.ERROR, line)
    return line
