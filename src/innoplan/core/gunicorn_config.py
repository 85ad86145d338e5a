"""gunicorn's configuration for ``innoplan serve``, loaded with
``--config python:innoplan.core.gunicorn_config``.

gunicorn writes ``Server: gunicorn`` into every answer and has no setting to leave it out; a
banner naming the server software tells an attacker which known flaws to try (等保 8.1.4.4).
gunicorn's master process imports this module before it forks its workers, so the workers
inherit the change below: the headers gunicorn writes itself lose their ``Server`` line.
Nothing else of gunicorn is touched; ``tests/core/test_serve.py`` starts the real server and
reads its answer, so an upgrade of gunicorn that moves this code fails there."""

from gunicorn.http import wsgi as _gunicorn_wsgi

_Response = _gunicorn_wsgi.Response

if not getattr(_Response.default_headers, "innoplan_without_server", False):
    _gunicorn_default_headers = _Response.default_headers

    def _default_headers_without_server(self):
        return [
            line
            for line in _gunicorn_default_headers(self)
            if not line.lower().startswith("server:")
        ]

    _default_headers_without_server.innoplan_without_server = True
    _Response.default_headers = _default_headers_without_server
