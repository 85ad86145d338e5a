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


def _first_answer(port: int, server: subprocess.Popen, seconds: int = 60, path: str = "/"):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"innoplan serve ended ({server.returncode}) before answering")
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        try:
            # A redirect to the login page: an answer of the application that needs neither the
            # database nor the collected static files.
            connection.request("GET", path)
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
        # The redirect it asks for names no static file: no need to collect them (40 s).
        [*SERVE, "--no-collectstatic", "--port", str(port)],
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


def test_serve_collects_the_static_files_it_misses_before_it_answers(tmp_path):
    """Started on a fresh checkout (no ``collectstatic`` yet), the login page used to answer
    500: its stylesheet had no entry in the static manifest. ``serve`` collects them first,
    and says so."""
    port = _free_port()
    static = tmp_path / "static"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "innoplan.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite3'}",
        "INNOPLAN_STATIC_ROOT": str(static),
    }
    server = subprocess.Popen(
        [*SERVE, "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        response = _first_answer(port, server, seconds=120, path="/accounts/login/")
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            output, errors = server.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            output, errors = server.communicate()
    assert response.status == 200, errors[-2000:]
    assert (static / "staticfiles.json").exists()
    assert "static files" in output.lower(), output


def test_the_static_files_are_stale_when_a_source_is_new_or_changed(tmp_path, settings):
    """The check ``serve`` runs at each start: cheap (it only lists and stats the sources),
    so the 40 s of ``collectstatic`` are spent only when something is to be collected."""
    from django.core.management import call_command

    from innoplan import settings as project_settings
    from innoplan.core.management.commands.serve import static_files_stale

    sources = tmp_path / "sources"
    (sources / "site").mkdir(parents=True)
    (sources / "site" / "site.css").write_text("body { color: #000; }\n")
    settings.STATICFILES_DIRS = [sources]
    settings.STATICFILES_FINDERS = ["django.contrib.staticfiles.finders.FileSystemFinder"]
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = project_settings.STORAGES

    assert static_files_stale() == "not collected yet"
    call_command("collectstatic", interactive=False, verbosity=0)
    assert static_files_stale() is None

    later = time.time() + 60
    os.utime(sources / "site" / "site.css", (later, later))
    assert static_files_stale() == "site/site.css changed"
    call_command("collectstatic", interactive=False, verbosity=0)
    os.utime(settings.STATIC_ROOT / "staticfiles.json", (later + 1, later + 1))
    assert static_files_stale() is None

    (sources / "site" / "new.js").write_text("'use strict';\n")
    assert static_files_stale() == "site/new.js is new"
