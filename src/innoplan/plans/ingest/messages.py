"""The ingest rules state their messages in English and mark them for translation here, so the
rule modules need no Django; pages translate them when they show them."""


def gettext_noop(message: str) -> str:
    """Mark a message for ``makemessages`` without importing Django."""
    return message
