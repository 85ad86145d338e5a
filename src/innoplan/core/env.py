"""Typed settings from the environment that fail loudly on a bad value.

A secret may also be given as a file: ``INNOPLAN_SECRET_KEY_FILE=/run/secrets/key`` is read
when ``INNOPLAN_SECRET_KEY`` is not set. No Django import here: settings.py uses it.
"""

from __future__ import annotations

import os
from decimal import Decimal, InvalidOperation
from pathlib import Path


class SettingError(ValueError):
    """An environment variable holds a value the setting cannot take."""


def _raw(name: str) -> str | None:
    value = os.environ.get(name)
    if value is not None:
        return value
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        try:
            return Path(file_name).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise SettingError(f"{name}_FILE={file_name}: cannot be read ({exc})") from exc
    return None


def env_str(name: str, default: str | None = None) -> str:
    value = _raw(name)
    if value is None or value == "":
        if default is None:
            raise SettingError(f"{name} must be set")
        return default
    return value


def env_bool(name: str, default: bool) -> bool:
    value = _raw(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise SettingError(f"{name}={value!r}: expected true or false")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    value = _raw(name)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError as exc:
        raise SettingError(f"{name}={value!r}: expected a whole number") from exc
    if minimum is not None and number < minimum:
        raise SettingError(f"{name}={number}: must be at least {minimum}")
    return number


def env_decimal(name: str, default: str) -> Decimal:
    value = _raw(name)
    if value is None or value == "":
        return Decimal(default)
    try:
        return Decimal(value)
    except InvalidOperation as exc:
        raise SettingError(f"{name}={value!r}: expected a number") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    value = _raw(name)
    if value is None or value.strip() == "":
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def env_time(name: str, default: str) -> str:
    """A local time of day as HH:MM (kept as text: settings hold plain values)."""
    value = _raw(name)
    if value is None or value.strip() == "":
        value = default
    value = value.strip()
    hours, _, minutes = value.partition(":")
    if not (hours.isdigit() and minutes.isdigit() and len(minutes) == 2):
        raise SettingError(f"{name}={value!r}: expected a time of day as HH:MM")
    if not (0 <= int(hours) <= 23 and 0 <= int(minutes) <= 59):
        raise SettingError(f"{name}={value!r}: expected a time of day as HH:MM")
    return f"{int(hours):02d}:{minutes}"
