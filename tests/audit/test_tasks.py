"""The daily anchor: the sealed head of the trail written to the operations log, so that a
copy outside the database shows a trail cut back or wiped since."""

from __future__ import annotations

import logging
from datetime import date

import pytest

from innoplan.audit.events import Event
from innoplan.audit.models import ChainHead
from innoplan.audit.services import record_event
from innoplan.core.schedule import daily_jobs

pytestmark = pytest.mark.django_db

ANCHOR_LOGGER = "innoplan.audit.anchor"


def test_the_daily_job_writes_the_head_to_the_operations_log(caplog):
    for _ in range(3):
        record_event(Event.LOGOUT)
    head = ChainHead.objects.get()
    with caplog.at_level(logging.INFO, logger=ANCHOR_LOGGER):
        outcome = daily_jobs()["audit_anchor"](date(2026, 12, 1))
    [line] = [r for r in caplog.records if r.name == ANCHOR_LOGGER]
    assert line.levelno == logging.INFO
    assert f"sequence {head.last_id}" in line.getMessage()
    assert f"last hash {head.last_hash}" in line.getMessage()
    assert "2026-12-01" in line.getMessage()
    assert head.last_hash in outcome


def test_a_head_whose_seal_does_not_match_is_logged_as_an_error(caplog):
    record_event(Event.LOGOUT)
    ChainHead.objects.filter(pk=1).update(last_id=99)
    with caplog.at_level(logging.INFO, logger=ANCHOR_LOGGER):
        daily_jobs()["audit_anchor"](date(2026, 12, 1))
    [line] = [r for r in caplog.records if r.name == ANCHOR_LOGGER]
    assert line.levelno == logging.ERROR
    assert "seal" in line.getMessage()
