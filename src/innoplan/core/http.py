"""Reading request parameters that several pages share."""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _


def as_of_from(request) -> tuple[date, str | None]:
    """The ``?as_of=YYYY-MM-DD`` date of a page, else today; with a message when it is bad."""
    today = timezone.localdate()
    text = request.GET.get("as_of", "").strip()
    if not text:
        return today, None
    try:
        return date.fromisoformat(text), None
    except ValueError:
        return today, _(
            "“%(text)s” is not a date (use YYYY-MM-DD, e.g. 2025-06-30); showing today instead."
        ) % {"text": text[:40]}
