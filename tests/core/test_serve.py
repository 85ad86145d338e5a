"""``innoplan serve`` as it runs in production: gunicorn behind the project's settings."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time

import pytest

SERVE = [sys.executable, "-m", "innoplan.cli", "serve", "--no-worker", "--workers", "1"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _first_answer(port: int, server: subprocess.Popen, seconds: int = 60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"innoplan serve ended ({server.returncode}) before answering")
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        try:
            # A redirect to the login page: an answer of the application that needs neither the
            # database nor the collected static files.
            connection.request("GET", "/")
            response = connection.getresponse()
            response.read()
            return response
        except OSError:
            time.sleep(0.3)
        finally:
            connection.close()
    pytest.fail("innoplan serve did not answer within a minute")


def test_the_server_does_not_name_its_software_in_its_answers(tmp_path):
    """A ``Server: gunicorn/…`` banner tells an attacker which exploits to try."""
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "innoplan.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite3'}",
    }
    server = subprocess.Popen(
        [*SERVE, "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        response = _first_answer(port, server)
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    assert response.status == 302
    server_header = response.getheader("Server")
    assert server_header is None or "gunicorn" not in server_header.lower(), server_header
    assert response.getheader("Content-Security-Policy")  # it was innoplan that answered
