"""``innoplan serve``: the production web server (gunicorn serving the WSGI app, WhiteNoise
serving static files) and the background task worker (django-tasks-db's ``db_worker``) together,
for a single-machine deployment and for ``make demo``.

This command stays in the foreground and watches its two children: a SIGTERM or Ctrl+C is
passed on to both, once; when either ends, the other is stopped and ``serve`` exits with the
status of the first. On Linux each child is also told to receive SIGTERM should ``serve`` itself
die without that chance (SIGKILL), so no worker outlives its server. The children run in their
own process group, so that a Ctrl+C in the terminal reaches them through ``serve`` only: the
worker takes a second signal as "stop the running task now".

Where web and worker hosts are separate, run ``innoplan serve --no-worker`` on the web hosts
and ``innoplan db_worker`` on the worker hosts.

Before it starts the server it collects the static files (``collectstatic``) when they are
missing or older than their sources: without the manifest WhiteNoise builds, every page that
names a stylesheet would answer 500.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)


def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    """Ask Linux to send this process SIGTERM when its parent dies."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGTERM)
    except (OSError, AttributeError):
        pass  # not Linux: the signal forwarding below still stops the children


def gunicorn_argv(*, host: str, port: int, workers: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "innoplan.wsgi:application",
        # No "Server: gunicorn" banner in the answers.
        "--config",
        "python:innoplan.core.gunicorn_config",
        "--bind",
        f"{host}:{port}",
        "--workers",
        str(workers),
        "--access-logfile",
        "-",
        "--forwarded-allow-ips",
        ",".join(getattr(settings, "TRUSTED_PROXIES", [])) or "127.0.0.1",
    ]


def static_files_stale() -> str | None:
    """Why the collected static files must be collected (again), or None when they are up to
    date: no manifest yet, or a source file the manifest does not hold or that changed after
    it was written. It only lists and stats the sources, as ``collectstatic`` finds them."""
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    try:
        written = manifest.stat().st_mtime
        collected = json.loads(manifest.read_text(encoding="utf-8")).get("paths", {})
    except (OSError, ValueError):
        return "not collected yet"
    ignore = apps.get_app_config("staticfiles").ignore_patterns
    for finder in finders.get_finders():
        for path, storage in finder.list(ignore):
            name = getattr(storage, "prefix", None)
            name = f"{name}/{path}" if name else path
            if name.replace(os.sep, "/") not in collected:
                return f"{name} is new"
            if storage.get_modified_time(path).timestamp() > written:
                return f"{name} changed"
    return None


def worker_argv() -> list[str]:
    # The same project settings: DJANGO_SETTINGS_MODULE is in the environment it inherits.
    return [sys.executable, "-m", "innoplan.cli", "db_worker", "--no-reload", "--verbosity", "1"]


class Command(BaseCommand):
    help = "Run the production web server (gunicorn + WhiteNoise) and the background worker."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("INNOPLAN_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("INNOPLAN_PORT", 8000)))
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("INNOPLAN_WORKERS", 3))
        )
        parser.add_argument(
            "--no-collectstatic",
            action="store_true",
            help="do not collect the static files, even when they are missing or stale "
            "(they were collected when the release was built)",
        )
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="serve the web only; background tasks are run by `innoplan db_worker` elsewhere",
        )

    def handle(self, *args, host, port, workers, no_worker, no_collectstatic, **options):
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "innoplan.settings")
        children: dict[str, subprocess.Popen] = {}
        stopping = False

        def stop(signum=None, frame=None):
            nonlocal stopping
            if stopping and signum is None:
                return
            # A second Ctrl+C is passed on as such: the worker then ends its task at once.
            forwarded = signal.SIGINT if stopping and signum == signal.SIGINT else signal.SIGTERM
            stopping = True
            for child in children.values():
                if child.poll() is None:
                    child.send_signal(forwarded)

        if not no_collectstatic:
            self._collect_static()
        previous = {signum: signal.signal(signum, stop) for signum in STOP_SIGNALS}
        try:
            sys.stdout.flush()
            if not no_worker:
                from innoplan.core.schedule import schedule_next

                # The daily jobs (supervision ladder, digests) are queued for the worker.
                when = schedule_next()
                if when is not None:
                    self.stdout.write(
                        f"daily jobs next run at {timezone.localtime(when):%Y-%m-%d %H:%M}"
                    )
                from innoplan.notifications.services import schedule_drain

                # Messages left waiting by a stop go out now, not at the next retry time.
                schedule_drain()
                children["worker"] = self._start(worker_argv())
            children["web"] = self._start(gunicorn_argv(host=host, port=port, workers=workers))
            self.stdout.write(
                f"innoplan serving on http://{host}:{port}/"
                + ("" if no_worker else " (with the background worker)")
            )
            status = self._wait_for_first(children)
            stop()
            for child in children.values():
                child.wait()
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)
            for child in children.values():
                if child.poll() is None:  # only when this command itself failed
                    child.kill()
                    child.wait()
        if status:
            sys.exit(status if status > 0 else 128 - status)  # -N: ended by signal N

    def _collect_static(self) -> None:
        """Collect the static files when they are missing or stale; collectstatic copies only
        what changed, so running it again costs little."""
        reason = static_files_stale()
        if reason is None:
            return
        self.stdout.write(f"collecting static files into {settings.STATIC_ROOT} ({reason})")
        try:
            call_command("collectstatic", interactive=False, verbosity=0)
        except OSError as error:
            raise CommandError(
                f"cannot collect the static files into {settings.STATIC_ROOT}: {error}; "
                "run `innoplan collectstatic --noinput` as a user who may write there"
            ) from error
        self.stdout.write("static files collected")

    def _start(self, argv: list[str]) -> subprocess.Popen:
        sys.stdout.flush()
        return subprocess.Popen(argv, process_group=0, preexec_fn=_die_with_parent)

    def _wait_for_first(self, children: dict[str, subprocess.Popen]) -> int:
        while True:
            for name, child in children.items():
                status = child.poll()
                if status is not None:
                    if status:
                        self.stderr.write(f"innoplan serve: the {name} process ended ({status})")
                    return status
            time.sleep(0.5)
