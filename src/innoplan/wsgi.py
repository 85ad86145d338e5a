"""WSGI entry point for gunicorn (``innoplan serve``)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "innoplan.settings")
application = get_wsgi_application()
