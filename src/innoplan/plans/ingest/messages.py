"""The ingest rules state their messages in English and mark them for translation here, so the
rule modules need no Django; pages translate them when they show them. The marker is core's,
shared with the other modules that do without Django."""

from innoplan.core.messages import gettext_noop

__all__ = ["gettext_noop"]
