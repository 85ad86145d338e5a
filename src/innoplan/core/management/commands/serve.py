"""``innoplan serve``: the production web server (gunicorn serving the WSGI app, WhiteNoise
serving static files) for a single-machine deployment and for ``make demo``."""

import os
import sys

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the production web server (gunicorn + WhiteNoise)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("INNOPLAN_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("INNOPLAN_PORT", 8000)))
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("INNOPLAN_WORKERS", 3))
        )

    def handle(self, *args, host, port, workers, **options):
        argv = [
            sys.executable,
            "-m",
            "gunicorn",
            "innoplan.wsgi:application",
            "--bind",
            f"{host}:{port}",
            "--workers",
            str(workers),
            "--access-logfile",
            "-",
            "--forwarded-allow-ips",
            ",".join(getattr(settings, "TRUSTED_PROXIES", [])) or "127.0.0.1",
        ]
        self.stdout.write(f"innoplan serving on http://{host}:{port}/")
        sys.stdout.flush()
        os.execv(sys.executable, argv)
