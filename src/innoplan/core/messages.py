"""Messages of modules that do without Django: English templates marked for translation where
they are written, translated where they are shown.

A module that checks files or parses text (``core.archives``, ``core.spreadsheets``, the plan
readers) raises a :class:`TranslatableError`; the page, form or command that catches it calls
``error.render(gettext)`` and shows the message in the reader's language. No Django import here.
"""

from __future__ import annotations

from collections.abc import Callable


def gettext_noop(message: str) -> str:
    """Mark a message for ``makemessages`` without importing Django."""
    return message


class TranslatableError(ValueError):
    """An error whose message is an English template marked with :func:`gettext_noop` and its
    parameters. ``str()`` is English; ``render(gettext)`` is the reader's language.

    Parameters named in ``TRANSLATED_PARAMS`` are themselves marked messages, translated with
    the template; the others (names, numbers) are shown as they are.
    """

    TRANSLATED_PARAMS: tuple[str, ...] = ()

    def __init__(self, template: str, **params: object):
        self.template, self.params = template, params
        super().__init__(template % params if params else template)

    def render(self, translate: Callable[[str], str]) -> str:
        text = translate(self.template)
        if not self.params:
            return text
        params = {
            key: translate(value) if key in self.TRANSLATED_PARAMS else value
            for key, value in self.params.items()
        }
        return text % params

    def __reduce__(self):
        # Keep template and parameters when the error crosses a process boundary.
        return (_rebuild_error, (type(self), self.template, self.params))


def _rebuild_error(cls, template, params):
    return cls(template, **params)
