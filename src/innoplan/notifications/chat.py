"""Group-chat robots (群机器人) of 企业微信 (WeCom) and 钉钉 (DingTalk): how they are configured,
the messages they take, how DingTalk's signature is made and how their answers are read.

No Django import here: settings.py reads ``INNOPLAN_CHAT_WEBHOOKS`` through ``parse_webhooks``
at start-up, and the rules are tested on their own.

The configuration, one entry per robot (comma- or line-separated, so that a file named in
``INNOPLAN_CHAT_WEBHOOKS_FILE`` may list one a line)::

    wecom:NAME=https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=KEY
    dingtalk:NAME=https://oapi.dingtalk.com/robot/send?access_token=TOKEN
    dingtalk:NAME=https://oapi.dingtalk.com/robot/send?access_token=TOKEN#SECRET

``NAME`` (letters, digits, ``-`` and ``_``) is what the outbox records as the delivery's
target, so the URL with its token never reaches the database. ``#SECRET`` is DingTalk's
加签 secret: when given, every call carries ``timestamp`` and ``sign``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from dataclasses import dataclass
from urllib.parse import quote_plus, urlsplit

from innoplan.core.env import SettingError

WECOM = "wecom"
DINGTALK = "dingtalk"
KINDS = (WECOM, DINGTALK)

NAME = re.compile(r"^[A-Za-z0-9_-]{1,50}$")
# WeCom refuses markdown content over 4096 bytes; DingTalk's limit is larger. Stay under both.
MAX_CONTENT_BYTES = 4000


@dataclass(frozen=True)
class Webhook:
    """One group-chat robot: its kind (wecom, dingtalk), the name deliveries record, its URL
    (which holds the access token) and, for DingTalk, the signing secret."""

    kind: str
    name: str
    url: str
    secret: str = ""

    def __repr__(self) -> str:  # keep the token and the secret out of logs and tracebacks
        return f"Webhook(kind={self.kind!r}, name={self.name!r})"


def parse_webhooks(variable: str, entries: list[str]) -> tuple[Webhook, ...]:
    """The robots an environment variable configures; a ``SettingError`` naming the variable
    and the entry for anything that is not a robot this platform can call."""
    webhooks: list[Webhook] = []
    for entry in (part for item in entries for part in item.split()):
        kind, colon, rest = entry.partition(":")
        name, equals, url = rest.partition("=")
        shown = f"{kind}{colon}{name}"
        if not colon or not equals:
            raise SettingError(
                f"{variable}: entry {shown!r} is not KIND:NAME=URL "
                f"(for example wecom:ops=https://…)"
            )
        if kind not in KINDS:
            raise SettingError(
                f"{variable}: entry {shown!r}: the kind must be one of {', '.join(KINDS)}"
            )
        if not NAME.match(name):
            raise SettingError(
                f"{variable}: entry {shown!r}: the name must be 1 to 50 letters, digits, - or _"
            )
        if any(webhook.name == name for webhook in webhooks):
            raise SettingError(f"{variable}: the name {name!r} is given twice")
        url, _, secret = url.partition("#")
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise SettingError(f"{variable}: entry {shown!r}: the URL must be http(s)://host/…")
        if secret and kind != DINGTALK:
            raise SettingError(
                f"{variable}: entry {shown!r}: only a dingtalk robot takes a #secret"
            )
        webhooks.append(Webhook(kind=kind, name=name, url=url, secret=secret))
    return tuple(webhooks)


def parse_minutes(variable: str, entries: list[str]) -> tuple[int, ...]:
    """Minutes to wait before each retry, e.g. ``1,5,30,120,720``."""
    minutes = []
    for entry in entries:
        if not entry.isdigit() or int(entry) < 1:
            raise SettingError(f"{variable}: {entry!r} is not a whole number of minutes (≥ 1)")
        minutes.append(int(entry))
    if not minutes:
        raise SettingError(f"{variable}: give at least one delay in minutes")
    return tuple(minutes)


def parse_site_url(variable: str, value: str) -> str:
    """The site's address as users reach it (for links in mail and chat), without a final
    slash; empty when not set."""
    value = value.strip().rstrip("/")
    if not value:
        return ""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query:
        raise SettingError(f"{variable}={value!r}: expected http(s)://host[/path]")
    return value


def _clip(text: str, limit: int) -> str:
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    return data[: limit - 3].decode("utf-8", errors="ignore") + "…"


def message(kind: str, *, subject: str, body: str, link: str = "", link_label: str = "") -> dict:
    """The JSON a robot of ``kind`` takes for a markdown message."""
    lines = [body]
    if link:
        lines.append(f"[{link_label or link}]({link})")
    if kind == WECOM:
        content = f"**{subject}**\n" + "\n".join(lines)
        return {"msgtype": "markdown", "markdown": {"content": _clip(content, MAX_CONTENT_BYTES)}}
    if kind == DINGTALK:
        text = f"#### {subject}\n\n" + "\n\n".join(lines)
        return {
            "msgtype": "markdown",
            "markdown": {"title": _clip(subject, 200), "text": _clip(text, MAX_CONTENT_BYTES)},
        }
    raise ValueError(f"unknown robot kind {kind!r}")


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk's 加签: base64 of HMAC-SHA256(secret, "timestamp\\nsecret"), URL-encoded."""
    to_sign = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode("utf-8"), to_sign, hashlib.sha256).digest()
    return quote_plus(base64.b64encode(digest))


def call_url(webhook: Webhook, timestamp_ms: int) -> str:
    """The URL to post to: a signed DingTalk robot takes ``timestamp`` and ``sign``."""
    if webhook.kind == DINGTALK and webhook.secret:
        joiner = "&" if urlsplit(webhook.url).query else "?"
        sign = dingtalk_sign(webhook.secret, timestamp_ms)
        return f"{webhook.url}{joiner}timestamp={timestamp_ms}&sign={sign}"
    return webhook.url


def answer_problem(raw: bytes) -> str | None:
    """What is wrong with a robot's answer, or None when it took the message. Both answer
    HTTP 200 with ``{"errcode": 0, "errmsg": "ok"}`` on success and a non-zero errcode (bad
    token, bad signature, too many messages a minute, keyword missing) on failure."""
    try:
        answer = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return f"the answer is not JSON: {raw[:200]!r}"
    if not isinstance(answer, dict) or "errcode" not in answer:
        return f"the answer has no errcode: {raw[:200]!r}"
    if answer["errcode"] != 0:
        return f"errcode {answer['errcode']}: {answer.get('errmsg', '')}"
    return None
