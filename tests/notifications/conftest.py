"""A real group-chat robot for the tests: an HTTP server on 127.0.0.1 that records every call
and answers as WeCom and DingTalk do (HTTP 200 with an errcode), checking DingTalk's
signature when it has a secret. Tests queue the answers they want (an error code, HTTP 500)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from innoplan.notifications.chat import parse_webhooks


@dataclass
class Call:
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: dict


@dataclass
class Robot:
    url: str
    secret: str = ""
    calls: list[Call] = field(default_factory=list)
    # (HTTP status, body) answers to give, in order; then {"errcode": 0}.
    answers: list[tuple[int, dict | bytes]] = field(default_factory=list)

    def answer(self, status: int = 200, body: dict | bytes | None = None, times: int = 1):
        for _ in range(times):
            self.answers.append((status, body if body is not None else {"errcode": 0}))


def _handler(robot: Robot):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length", 0))
            raw = self.rfile.read(length)
            parts = urlsplit(self.path)
            query = {key: values[0] for key, values in parse_qs(parts.query).items()}
            robot.calls.append(
                Call(parts.path, query, dict(self.headers.items()), json.loads(raw or b"{}"))
            )
            status, body = robot.answers.pop(0) if robot.answers else (200, {"errcode": 0})
            if robot.secret and status == 200 and not self._signed(query):
                body = {"errcode": 310000, "errmsg": "sign not match"}
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _signed(self, query) -> bool:
            # As DingTalk checks it: HMAC-SHA256 over "timestamp\nsecret", base64.
            if "timestamp" not in query or "sign" not in query:
                return False
            to_sign = f"{query['timestamp']}\n{robot.secret}".encode()
            digest = hmac.new(robot.secret.encode(), to_sign, hashlib.sha256).digest()
            return hmac.compare_digest(base64.b64encode(digest).decode(), query["sign"])

        def log_message(self, *args):
            pass

    return Handler


@pytest.fixture
def robot_server():
    """``robot_server(secret="")``: a started robot; stopped after the test."""
    servers = []

    def start(secret: str = "") -> Robot:
        robot = Robot(url="", secret=secret)
        server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(robot))
        robot.url = f"http://127.0.0.1:{server.server_address[1]}"
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        servers.append(server)
        return robot

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture
def mail(settings):
    """Mail goes to django.core.mail.outbox."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.INNOPLAN_SITE_URL = "https://innoplan.example.gov.cn"
    settings.INNOPLAN_CHAT_WEBHOOKS = ()
    from django.core import mail as django_mail

    return django_mail


@pytest.fixture
def broken_mail_server(settings):
    """SMTP to a port on this machine where nothing listens: every send fails for real."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_TIMEOUT = 2
    return port


@pytest.fixture
def with_email(reporter_a, reporter_b, plan_owner):
    for user, address in (
        (reporter_a, "a@dept-a.example.cn"),
        (reporter_b, "b@dept-b.example.cn"),
        (plan_owner, "owner@kw.example.cn"),
    ):
        user.email = address
        user.save(update_fields=["email"])
    return reporter_a, reporter_b, plan_owner


def robots(settings, *entries: str):
    settings.INNOPLAN_CHAT_WEBHOOKS = parse_webhooks("INNOPLAN_CHAT_WEBHOOKS", list(entries))
