"""The project's URL patterns, walked from the root resolver, for the tests that visit every
page: each pattern's route name and a path with its parameters filled in."""

from __future__ import annotations

import re

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern


def routes(resolver=None, prefix: str = "", namespace: str = ""):
    """(route name, route text, pattern) of every URL pattern, includes flattened, the admin
    site's included. Regex routes (the admin's) keep their regex text."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from routes(entry, prefix + _text(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            yield f"{namespace}{entry.name}", prefix + _text(entry.pattern), entry


def _text(pattern) -> str:
    if isinstance(pattern, RoutePattern):
        return str(pattern)
    if isinstance(pattern, RegexPattern):
        return pattern.regex.pattern.lstrip("^").rstrip("$").replace("\\Z", "")
    raise TypeError(f"{pattern!r}: an unknown kind of pattern")


PARAMETER = re.compile(
    r"\(\?P<(?P<group>\w+)>[^)]*\)"  # a regex group: (?P<app_label>auth|accounts)
    r"|<(?:(?P<converter>\w+):)?(?P<name>\w+)>"  # a route parameter: <int:pk>
)


def fill(route: str, values: dict[str, object]) -> str:
    """The route with each ``<converter:name>`` (or regex group) replaced by ``values[name]``."""

    def value(match):
        name = match.group("name") or match.group("group")
        if name not in values:
            raise KeyError(f"{route}: no value for <{name}>")
        return str(values[name])

    return "/" + PARAMETER.sub(value, route)
