"""Sending one outbox delivery: an email through ``django.core.mail`` (the console backend by
default, SMTP by settings), or a message to a group-chat robot over HTTP with urllib.

A send either returns or raises ``SendError`` (or whatever the mail backend raises); the
outbox (``services.drain``) records the outcome and decides on a retry.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import translation
from django.utils.translation import gettext as _

from innoplan.notifications import chat
from innoplan.notifications.choices import Channel
from innoplan.notifications.models import Delivery

# Seconds to wait for a robot's answer.
WEBHOOK_TIMEOUT = 10
# Bytes of a robot's answer read at most (they answer a few dozen).
MAX_ANSWER_BYTES = 64 * 1024


class SendError(Exception):
    """A delivery could not be sent; the message says why."""


def send(delivery: Delivery) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        if delivery.channel == Channel.EMAIL:
            send_email(delivery)
        elif delivery.channel == Channel.WEBHOOK:
            send_webhook(delivery)
        else:
            raise SendError(f"unknown channel {delivery.channel!r}")


def email_text(payload: dict) -> str:
    body = payload.get("body", "")
    if payload.get("link"):
        body = f"{body}\n\n{_('Open')}: {payload['link']}"
    return body


def send_email(delivery: Delivery) -> None:
    payload = delivery.payload
    message = EmailMessage(
        subject=payload.get("subject", ""),
        body=email_text(payload),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[delivery.target],
    )
    if message.send(fail_silently=False) != 1:
        raise SendError("the mail backend sent nothing")


def webhook_named(name: str) -> chat.Webhook:
    for webhook in settings.INNOPLAN_CHAT_WEBHOOKS:
        if webhook.name == name:
            return webhook
    raise SendError(f"no group-chat robot named {name!r} is configured (INNOPLAN_CHAT_WEBHOOKS)")


def send_webhook(delivery: Delivery) -> None:
    webhook = webhook_named(delivery.target)
    payload = delivery.payload
    data = chat.message(
        webhook.kind,
        subject=payload.get("subject", ""),
        body=payload.get("body", ""),
        link=payload.get("link", ""),
        link_label=_("Open"),
    )
    request = urllib.request.Request(
        chat.call_url(webhook, int(time.time() * 1000)),
        data=json.dumps(data, ensure_ascii=False).encode("utf-8"),
        headers={"Content-Type": "application/json; charset=utf-8"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT) as response:
            raw = response.read(MAX_ANSWER_BYTES)
    except urllib.error.HTTPError as error:
        raise SendError(f"robot {webhook.name}: HTTP {error.code} {error.reason}") from error
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise SendError(f"robot {webhook.name}: {reason}") from error
    problem = chat.answer_problem(raw)
    if problem:
        raise SendError(f"robot {webhook.name}: {problem}")
