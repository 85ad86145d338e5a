"""Cell readers (django-import-export widgets): one spreadsheet cell to one value, with a
message a clerk can act on when it cannot be read.

Every import of the platform reads cells with these, so a date, a yes/no, an amount or a list
is read the same way in every file: dates as 2024-01-31, 2024/1/31, 2024年1月31日, 20240131 or a
date cell; coded columns by their Chinese label, English label or stored code; identifiers
refuse a cell Excel turned into a number. A ``Lookup`` finds records by a key, fetching the
values of the whole file in a few queries.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from import_export import widgets

SEPARATORS = re.compile(r"[;；,，、\n]+")
CHUNK = 500  # values per IN (...) look-up; SQLite allows 999 variables
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")
EXCEL_EPOCH = date(1899, 12, 30)
YES = {"是", "y", "yes", "true", "1", "√", "✓"}
NO = {"否", "n", "no", "false", "0", "", "×"}


def zh(label) -> str:
    """A choice label in Chinese, the language of the district's files."""
    with translation.override("zh-hans"):
        return str(label)


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text).replace("（", "(").replace("）", ")").lower()


# --- widgets: one cell to one value ---------------------------------------------------------


class Text(widgets.Widget):
    """Text, stripped. An identifier column refuses a cell Excel turned into a number, since
    an 18-digit number has lost its last digits by then."""

    def __init__(self, *, required: bool = False, identifier: bool = False, max_length=None):
        super().__init__()
        self.required, self.identifier, self.max_length = required, identifier, max_length

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, bool):
            value = "是" if value else "否"
        if isinstance(value, float):
            if self.identifier and abs(value) >= 1e15:
                raise ValueError(
                    _(
                        "was saved as a number and has lost its last digits; format the "
                        "column as text and type it again"
                    )
                )
            value = str(int(value)) if value.is_integer() else repr(value)
        text = "" if value is None else str(value).strip()
        if self.required and not text:
            raise ValueError(_("is required"))
        if self.max_length and len(text) > self.max_length:
            raise ValueError(
                _("has %(length)s characters; at most %(max)s are allowed")
                % {"length": len(text), "max": self.max_length}
            )
        return text

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class Lines(Text):
    """Several values in one cell, separated by ；、, or line breaks; stored one per line."""

    def clean(self, value, row=None, **kwargs):
        text = super().clean(value, row, **kwargs)
        return "\n".join(part.strip() for part in SEPARATORS.split(text) if part.strip())

    def render(self, value, obj=None, **kwargs):
        return "；".join((value or "").splitlines())


class Choice(widgets.Widget):
    """A coded column: the Chinese label, the English label or the stored code."""

    def __init__(
        self, choices: type[models.TextChoices], *, required: bool = True, default: str = ""
    ):
        super().__init__()
        self.choices, self.required, self.default = choices, required, default

    def labels(self) -> list[str]:
        return [zh(label) for label in self.choices.labels]

    def _lookup(self) -> dict[str, str]:
        if getattr(self, "_table", None) is not None:
            return self._table
        table = {}
        for value, label in self.choices.choices:
            for name in (value, zh(label), str(label)):
                table[squash(name)] = value
            with translation.override("en"):
                table[squash(str(label))] = value
        self._table = table
        return table

    def clean(self, value, row=None, **kwargs):
        text = "" if value is None else str(value).strip()
        if not text:
            if self.required:
                raise ValueError(_("is required"))
            return self.default
        found = self._lookup().get(squash(text))
        if found is None:
            raise ValueError(
                _("“%(value)s” is not one of: %(choices)s")
                % {"value": text, "choices": "、".join(self.labels())}
            )
        return found

    def render(self, value, obj=None, **kwargs):
        return zh(self.choices(value).label) if value else ""


class YesNo(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        if isinstance(value, bool):
            return value
        if isinstance(value, int | float):
            value = str(int(value))
        text = ("" if value is None else str(value)).strip().lower()
        if text in YES:
            return True
        if text in NO:
            return False
        raise ValueError(_("“%(value)s” is neither 是 nor 否") % {"value": value})

    def render(self, value, obj=None, **kwargs):
        return "是" if value else "否"


class Day(widgets.Widget):
    """A date typed as 2024-01-31, 2024/1/31, 2024年1月31日 or 20240131, or a date cell.
    ``past`` refuses a day after today (an issue or grant date cannot be in the future)."""

    def __init__(self, *, required: bool = False, past: bool = False):
        super().__init__()
        self.required, self.past = required, past

    def _parse(self, value) -> date | None:
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        if isinstance(value, int | float) and not isinstance(value, bool):
            if 1 <= value < 2958466:  # an Excel day number
                return EXCEL_EPOCH + timedelta(days=int(value))
            raise ValueError
        text = ("" if value is None else str(value)).strip()
        if not text:
            return None
        for pattern in DATE_FORMATS:
            try:
                return datetime.strptime(text, pattern).date()
            except ValueError:
                continue
        raise ValueError

    def clean(self, value, row=None, **kwargs):
        try:
            day = self._parse(value)
        except (ValueError, OverflowError):
            raise ValueError(
                _("“%(value)s” is not a date; write it as 2024-01-31") % {"value": value}
            ) from None
        if day is None:
            if self.required:
                raise ValueError(_("is required"))
            return None
        if self.past and day > timezone.localdate():
            raise ValueError(
                _("%(date)s is in the future") % {"date": day.isoformat()},
            )
        return day

    def render(self, value, obj=None, **kwargs):
        return value.isoformat() if value else ""


class Amount(widgets.Widget):
    """A non-negative amount; thousands separators allowed."""

    def __init__(self, *, required: bool = False):
        super().__init__()
        self.required = required

    def clean(self, value, row=None, **kwargs):
        text = ("" if value is None else str(value)).strip().replace(",", "").replace("，", "")
        if not text:
            if self.required:
                raise ValueError(_("is required"))
            return Decimal(0)
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise ValueError(_("“%(value)s” is not a number") % {"value": value}) from None
        if amount < 0:
            raise ValueError(_("cannot be negative"))
        return amount.quantize(Decimal("0.01"))

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        value = Decimal(value)
        return int(value) if value == value.to_integral_value() else float(value)


class Year(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        text = ("" if value is None else str(value)).strip().removesuffix("年")
        if text.endswith(".0"):
            text = text[:-2]
        if not re.fullmatch(r"(19|20)[0-9]{2}", text):
            raise ValueError(_("“%(value)s” is not a year such as 2024") % {"value": value})
        return int(text)

    def render(self, value, obj=None, **kwargs):
        return value or ""


class Lookup(widgets.Widget):
    """A record found by a key (an organisation by credit code, a town by name). The values
    of the whole file are fetched in a few queries when the import starts (``prime``)."""

    def __init__(
        self,
        model,
        field: str,
        *,
        describe: str,
        normalise: Callable[[str], str] = str.strip,
        queryset: Callable[[], models.QuerySet] | None = None,
        required: bool = False,
        text=None,
        display: Callable[[str], str] = str,
    ):
        super().__init__()
        self.model, self.field, self.describe, self.display = model, field, describe, display
        self.normalise, self.required = normalise, required
        self.queryset = queryset or (lambda: model.objects.all())
        self.text = text or Text()
        self.cache: dict[str, object] = {}
        self.shown: dict[str, str] = {}  # a key as the error message shows it

    def keys(self, value) -> list[str]:
        text = self.text.clean(value)
        return [self._key(text)] if text else []

    def _key(self, text: str) -> str:
        key = self.normalise(text)
        self.shown[key] = self.display(text)
        return key

    def prime(self, values: Iterable) -> None:
        wanted = set()
        for value in values:
            try:
                wanted.update(self.keys(value))
            except ValueError:
                continue
        wanted -= self.cache.keys()
        ordered = sorted(wanted)
        for start in range(0, len(ordered), CHUNK):
            chunk = ordered[start : start + CHUNK]
            found = {
                getattr(record, self.field): record
                for record in self.queryset().filter(**{f"{self.field}__in": chunk})
            }
            for key in chunk:
                self.cache[key] = found.get(key)

    def records_by_pk(self, pks) -> dict:
        """The records of these primary keys: those the file named from the cache, the others
        (a record's value before an update) fetched once and kept."""
        known = getattr(self, "_by_pk", None)
        if known is None:
            known = self._by_pk = {}
        known.update({r.pk: r for r in self.cache.values() if r is not None})
        missing = [pk for pk in pks if pk not in known]
        if missing:
            known.update(self.model.objects.in_bulk(missing))
        return known

    def find(self, key: str):
        if key not in self.cache:
            self.prime([key])
        record = self.cache.get(key)
        if record is None:
            raise ValueError(
                _("no %(what)s “%(key)s” in the registry")
                % {"what": self.describe, "key": self.shown.get(key, key)}
            )
        return record

    def clean(self, value, row=None, **kwargs):
        keys = self.keys(value)
        if not keys:
            if self.required:
                raise ValueError(_("is required"))
            return None
        return self.find(keys[0])

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else getattr(value, self.field)


class Lookups(Lookup):
    """Several records in one cell, separated by ；、, or line breaks."""

    def keys(self, value) -> list[str]:
        text = self.text.clean(value)
        return [self._key(p.strip()) for p in SEPARATORS.split(text) if p.strip()]

    def clean(self, value, row=None, **kwargs):
        keys = self.keys(value)
        if not keys and self.required:
            raise ValueError(_("is required"))
        return [self.find(key) for key in dict.fromkeys(keys)]

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        if hasattr(value, "all"):  # a related manager
            value = value.all() if obj is None or obj.pk else []
        return "；".join(getattr(v, self.field) for v in value)
