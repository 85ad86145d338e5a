"""Batches of registry changes (imports), for those who watch the registry.

Inside ``change_batch()`` a receiver of the models' save signals can note the dates a change
touches in the batch (``current_batch()``) instead of acting on every row; when the batch ends,
``batch_finished`` is sent once with the earliest date touched. The metrics app drops its
cached snapshots this way once per import, not once per row.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date

from django.dispatch import Signal

# Sent with ``since``: the earliest date the batch touched (None: unknown, everything).
batch_finished = Signal()


@dataclass
class Batch:
    touched: bool = False
    since: date | None = None
    unbounded: bool = False

    def touch(self, since: date | None) -> None:
        self.touched = True
        if since is None:
            self.unbounded = True
        elif self.since is None or since < self.since:
            self.since = since


_current: ContextVar[Batch | None] = ContextVar("registry_change_batch", default=None)


def current_batch() -> Batch | None:
    return _current.get()


@contextmanager
def change_batch():
    batch = Batch()
    token = _current.set(batch)
    try:
        yield batch
    finally:
        _current.reset(token)
        if batch.touched:
            batch_finished.send(sender=Batch, since=None if batch.unbounded else batch.since)
