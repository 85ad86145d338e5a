"""How each register is read from and written to spreadsheets (django-import-export).

One ``RegisterResource`` per register, with the column headers the district already uses
(统一社会信用代码, 名称, 申请号, 身份证号码 …). Headers are part of the file format, so they are
Chinese whatever the reader's language; coded columns take the Chinese label (or the stored
code) and their templates offer the labels as drop-down lists.

A row is matched to the record it updates by its register's key (``key_fields``): the credit
code, the application number, the ID-card number, or for records without a national
identifier their natural key (a qualification is its organisation, kind and issue date). A
row that changes nothing is ``unchanged``, so a file imported twice changes nothing the
second time. Look-ups (organisations by credit code, towns, parks, talents) are fetched once
per import for every value in the file, not row by row.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources, widgets
from import_export.instance_loaders import BaseInstanceLoader

from innoplan.accounts.models import Department
from innoplan.core.identifiers import (
    credit_code_check_character,
    credit_code_findings,
    id_card_check_character,
    id_card_problem,
    mask_id_card,
    normalise_credit_code,
    normalise_id_card,
    normalise_patent_application,
    normalise_phone,
    organisation_code_check_character,
    patent_check_character,
    phone_problem,
)
from innoplan.core.spreadsheets import TemplateColumn
from innoplan.registry import validity
from innoplan.registry.choices import (
    BaseKind,
    CanalTalentTier,
    Industry,
    Level,
    OrganisationKind,
    PatentKind,
    PlatformKind,
    QualificationKind,
    RecognitionKind,
)
from innoplan.registry.models import (
    TOWN_KINDS,
    Base,
    BrandEvent,
    Fund,
    FundScale,
    Organisation,
    Park,
    Patent,
    PatentOwner,
    Platform,
    Qualification,
    Talent,
    TalentRecognition,
    Team,
    TeamMember,
)


def _example_credit_code() -> str:
    body = "MA01ABCD"
    first17 = "91110112" + body + organisation_code_check_character(body)
    return first17 + credit_code_check_character(first17)


def _example_id_number() -> str:
    first17 = "11990119850601001"  # region 1199xx: no real person has this number
    return first17 + id_card_check_character(first17)


EXAMPLE_CREDIT_CODE = _example_credit_code()
EXAMPLE_ID_NUMBER = _example_id_number()
# 140 is an Internet-of-Things segment whose numbers have 13 digits: no 11-digit 140 number
# belongs to a person. (China's numbering plan reserves no fictional range.)
EXAMPLE_PHONE = "14000001234"
EXAMPLE_PATENT = "202310123456." + patent_check_character("202310123456")
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

    def __init__(self, choices: type[models.TextChoices], *, required: bool = True):
        super().__init__()
        self.choices, self.required = choices, required

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
            return ""
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


def _towns():
    return Department.objects.filter(kind__in=TOWN_KINDS)


def organisation_lookup(describe=None, required=False) -> Lookup:
    return Lookup(
        Organisation,
        "credit_code",
        describe=describe or gettext_lazy("organisation with the credit code"),
        normalise=normalise_credit_code,
        required=required,
        text=Text(identifier=True),
    )


def talent_lookup(required=True) -> Lookup:
    widget = Lookup(
        Talent,
        "id_number_digest",
        describe=gettext_lazy("person with the ID card number"),
        normalise=lambda text: Talent.digest_of(text),
        required=required,
        text=Text(identifier=True),
        display=mask_id_card,
    )
    return widget


# --- the resources ---------------------------------------------------------------------------


class Column(fields.Field):
    """A resource field with what its template column needs."""

    def __init__(
        self,
        header,
        attribute=None,
        widget=None,
        *,
        example="",
        note="",
        text=False,
        width=16,
        **kwargs,
    ):
        super().__init__(attribute=attribute, column_name=header, widget=widget, **kwargs)
        self.example, self.note, self.text, self.width = example, note, text, width

    def template_column(self) -> TemplateColumn:
        choices = self.widget.labels() if isinstance(self.widget, Choice) else ()
        if isinstance(self.widget, YesNo):
            choices = ("是", "否")
        return TemplateColumn(
            header=self.column_name,
            example=self.example,
            choices=choices,
            text=self.text,
            width=self.width,
            note=self.note,
        )


class KeyedInstanceLoader(BaseInstanceLoader):
    """Fetches, in a few queries, the existing records that the file's rows match."""

    def __init__(self, resource, dataset=None):
        super().__init__(resource, dataset)
        self.instances: dict[tuple, models.Model] = {}
        keys = [k for k in (resource.row_key(row) for row in dataset.dict) if k is not None]
        for record in resource.existing(keys):
            self.instances[resource.instance_key(record)] = record

    def get_instance(self, row):
        key = self.resource.row_key(row)
        return None if key is None else self.instances.get(key)


class RegisterResource(resources.ModelResource):
    """What every register's import has: matching by key, duplicates within the file,
    look-ups primed once, warnings per row, and the template."""

    register: str = ""  # the command-line name: organisations, patents …
    title: str = ""  # the sheet's title in the template
    key_fields: tuple[str, ...] = ()  # resource field names forming the match key
    # Columns read beside the record rather than into it (a patent's owners, a team's members,
    # a fund's scale): ``read_beside`` keeps them on the instance for after_save_instance, and
    # their error is reported with the record's own under the first of these names.
    beside_fields: tuple[str, ...] = ()

    class Meta:
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        use_transactions = True
        # Rows are written in batches. Whether a row changes anything is decided from a
        # snapshot of the record's columns (``skip_row``), not from import-export's diff,
        # which copies every record twice; the import's audit entry lists what changed.
        skip_diff = True
        use_bulk = True
        batch_size = 1000
        instance_loader_class = KeyedInstanceLoader

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.row_warnings: dict[int, list[tuple[str, str]]] = {}
        self.row_changes: dict[int, dict[str, list]] = {}  # row -> field -> [before, after]
        self.current_row = 0
        self.first_row_of_key: dict[tuple, int] = {}
        self.duplicates: dict[int, int] = {}

    # -- keys ---

    def row_key(self, row) -> tuple | None:
        """The row's match key from its cells, or None when a key cell is unreadable (the
        row's own validation reports why)."""
        try:
            return tuple(self._key_part(self.fields[name], row) for name in self.key_fields)
        except (ValueError, KeyError):
            return None

    def _key_part(self, field, row):
        value = field.clean(row)
        if isinstance(value, models.Model):
            return value.pk
        if value in (None, ""):
            raise ValueError
        return value

    def instance_key(self, record) -> tuple:
        parts = []
        for name in self.key_fields:
            field = self.fields[name]
            if isinstance(field.widget, Lookup):
                parts.append(getattr(record, f"{field.attribute}_id"))
            else:
                parts.append(getattr(record, field.attribute))
        return tuple(parts)

    def existing(self, keys: list[tuple]) -> Iterable[models.Model]:
        """The records whose key is among ``keys``; by the key's first part, in chunks."""
        field = self.fields[self.key_fields[0]]
        lookup = field.attribute + ("_id" if isinstance(field.widget, Lookup) else "")
        firsts = sorted({key[0] for key in keys})
        for start in range(0, len(firsts), CHUNK):
            yield from self._meta.model.objects.filter(
                **{f"{lookup}__in": firsts[start : start + CHUNK]}
            )

    def get_instance(self, instance_loader, row):
        return instance_loader.get_instance(row)

    # -- the import's hooks ---

    def before_import(self, dataset, **kwargs):
        for field in self.get_import_fields():
            if isinstance(field.widget, Lookup) and field.column_name in dataset.headers:
                field.widget.prime(dataset[field.column_name])
        for number, row in enumerate(dataset.dict, start=1):
            key = self.row_key(row)
            if key is None:
                continue
            first = self.first_row_of_key.setdefault(key, number)
            if first != number:
                self.duplicates[number] = first

    def before_import_row(self, row, **kwargs):
        number = kwargs["row_number"]
        self.current_row = number
        if number in self.duplicates:
            sheet_rows = kwargs.get("sheet_rows") or {}
            first = self.duplicates[number]
            field = self.fields[self.key_fields[0]]
            raise ValidationError(
                {
                    field.attribute: _(
                        "the same %(key)s as row %(row)s of this file; each record once"
                    )
                    % {
                        "key": "、".join(self.fields[n].column_name for n in self.key_fields),
                        "row": sheet_rows[first - 1] if sheet_rows else first + 1,
                    }
                }
            )

    def read_beside(self, instance, row) -> None:
        """Read the ``beside_fields`` columns of ``row`` onto ``instance``; a ValueError says
        what is wrong with them."""

    def import_instance(self, instance, row, **kwargs):
        if not self.beside_fields:
            return super().import_instance(instance, row, **kwargs)
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.error_dict
        try:
            self.read_beside(instance, row)
        except ValueError as error:
            errors[self.beside_fields[0]] = [ValidationError(str(error))]
        if errors:
            raise ValidationError(errors)

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        if field.attribute in self.beside_fields:
            return  # read by read_beside, written after the record is saved
        super().import_field(field, instance, row, is_m2m, **kwargs)

    def after_import_row(self, row, row_result, **kwargs):
        progress = kwargs.get("progress")
        if progress is not None:
            progress(kwargs["row_number"])

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """The model's own validation, except what the import has settled already: a column
        whose cell could not be read reports only that; records found by a look-up exist;
        the match key is unique (the loader and the duplicate check see to it, and the
        database constraint stays the backstop); ``clean`` checks the dates' order."""
        own = {name: list(errors) for name, errors in (import_validation_errors or {}).items()}
        exclude = set(own) | {
            f.attribute for f in self.get_import_fields() if isinstance(f.widget, Lookup)
        }
        try:
            instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            raise ValidationError({**error.error_dict, **own}) from None
        if own:
            raise ValidationError(own)

    SNAPSHOT_SKIP = frozenset({"id", "created", "updated"})

    def _snapshot(self, instance) -> dict:
        return {
            f.attname: getattr(instance, f.attname)
            for f in instance._meta.concrete_fields
            if f.name not in self.SNAPSHOT_SKIP
        }

    def after_init_instance(self, instance, new, row, **kwargs):
        instance._before = None if new else self._snapshot(instance)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        """Unchanged when every column of the matched record keeps its value; a changed
        row's before and after are kept for the import's audit entry."""
        if import_validation_errors or instance.pk is None or instance._before is None:
            return False
        after = self._snapshot(instance)
        changed = {
            name: [instance._before[name], value]
            for name, value in after.items()
            if instance._before.get(name) != value
        }
        if changed:
            self.row_changes[self.current_row] = changed
        return not changed

    def get_bulk_update_fields(self):
        return [
            f.name
            for f in self._meta.model._meta.concrete_fields
            if not f.primary_key and f.name != "created"
        ]

    def before_save_instance(self, instance, row, **kwargs):
        if instance.pk is not None and hasattr(instance, "updated"):
            instance.updated = timezone.now()  # bulk_update does not touch auto_now fields
        if self._meta.use_bulk:
            instance._import_row = self.current_row

    # -- the audit log for rows written in batches ---

    actor = None  # who runs the import; set by registry.imports

    def _log_fields(self) -> list:
        from auditlog.registry import auditlog

        config = auditlog.get_model_fields(self._meta.model)
        excluded = {*config["exclude_fields"], "id"}
        return [f for f in self._meta.model._meta.concrete_fields if f.name not in excluded]

    def _log(self, instances, action) -> None:
        """One audit entry per record, as django-auditlog writes for a single save, written
        in one batch: creations with every logged field, updates with what changed."""
        from auditlog.models import LogEntry
        from django.contrib.contenttypes.models import ContentType

        from innoplan.audit.services import record_log_entries

        content_type = ContentType.objects.get_for_model(self._meta.model)
        fields = self._log_fields()
        names = {f.name for f in fields} | {f.attname for f in fields}
        now = timezone.now()
        entries = []
        for instance in instances:
            if action == LogEntry.Action.CREATE:
                changes = {f.name: ["None", str(getattr(instance, f.attname))] for f in fields}
            else:
                changes = {
                    name: [str(before), str(after)]
                    for name, (before, after) in self.row_changes.get(
                        getattr(instance, "_import_row", 0), {}
                    ).items()
                    if name in names
                }
            entries.append(
                LogEntry(
                    content_type=content_type,
                    object_pk=str(instance.pk),
                    object_id=instance.pk,
                    object_repr=str(instance)[:1000],
                    action=action,
                    changes=changes,
                    changes_text="",
                    actor=self.actor,
                    timestamp=now,
                    additional_data={"import": self.register},
                )
            )
        LogEntry.objects.bulk_create(entries, batch_size=self._meta.batch_size)
        record_log_entries(entries)

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        from auditlog.models import LogEntry

        instances = list(self.create_instances)
        super().bulk_create(using_transactions, dry_run, raise_errors, batch_size, result)
        if instances and instances[0].pk is not None:
            self._log(instances, LogEntry.Action.CREATE)

    def bulk_update(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        from auditlog.models import LogEntry

        instances = list(self.update_instances)
        super().bulk_update(using_transactions, dry_run, raise_errors, batch_size, result)
        if instances:
            self._log(instances, LogEntry.Action.UPDATE)

    def warn(self, number: int, column: str, message: str) -> None:
        self.row_warnings.setdefault(number, []).append((column, message))

    # -- columns and template ---

    def column_of(self, attribute: str) -> str | None:
        """The header of the column behind a model field, for an error message."""
        if attribute == NON_FIELD_ERRORS:
            return None
        for field in self.get_import_fields():
            if field.attribute == attribute or field.attribute == attribute.removesuffix("_id"):
                return field.column_name
        return None

    @classmethod
    def columns(cls) -> list[Column]:
        return [f for f in cls().get_import_fields() if isinstance(f, Column)]

    @classmethod
    def headers(cls) -> list[str]:
        return [c.column_name for c in cls.columns()]

    @classmethod
    def required_headers(cls) -> list[str]:
        resource = cls()
        return [resource.fields[name].column_name for name in cls.key_fields]

    @classmethod
    def template_columns(cls) -> list[TemplateColumn]:
        return [c.template_column() for c in cls.columns()]


class OrganisationResource(RegisterResource):
    register = "organisations"
    title = "机构"
    key_fields = ("credit_code",)

    credit_code = Column(
        "统一社会信用代码",
        "credit_code",
        Text(required=True, identifier=True),
        example=EXAMPLE_CREDIT_CODE,
        text=True,
        width=22,
        note="18位，GB 32100-2015",
    )
    name = Column(
        "名称",
        "name",
        Text(required=True, max_length=200),
        example="北京示例科技有限公司",
        width=30,
    )
    former_names = Column("曾用名", "former_names", Lines(), note="多个用“；”分隔")
    kind = Column("机构类型", "kind", Choice(OrganisationKind), example="企业")
    parent = Column(
        "上级机构统一社会信用代码",
        "parent",
        organisation_lookup(gettext_lazy("parent organisation with the credit code")),
        text=True,
        width=22,
        note="仅高校院所的分院、分部、研究院填写",
    )
    industry = Column("产业方向", "industry", Choice(Industry, required=False), example="数字经济")
    town = Column(
        "所在镇街",
        "town",
        Lookup(Department, "name", describe=gettext_lazy("town or street"), queryset=_towns),
        example="宋庄镇",
    )
    park = Column("所在园区", "park", Lookup(Park, "name", describe=gettext_lazy("park")))
    central_soe_subsidiary = Column(
        "央企二三级企业", "central_soe_subsidiary", YesNo(), example="否"
    )
    municipal_soe_hq = Column("市属国企总部", "municipal_soe_hq", YesNo(), example="否")
    single_champion = Column("单项冠军", "single_champion", YesNo(), example="否")
    established_on = Column("成立日期", "established_on", Day(past=True), example="2018-03-01")
    valid_from = Column(
        "入驻日期",
        "valid_from",
        Day(past=True),
        example="2019-05-20",
        note="在本区注册或入驻之日；空表示不在本区，不计入指标",
    )
    valid_to = Column("迁出日期", "valid_to", Day(), note="迁出或注销之日；仍在本区则留空")

    def row_key(self, row):
        key = super().row_key(row)
        return None if key is None else (normalise_credit_code(key[0]),)

    class Meta(RegisterResource.Meta):
        model = Organisation
        fields = (
            "credit_code",
            "name",
            "former_names",
            "kind",
            "parent",
            "industry",
            "town",
            "park",
            "central_soe_subsidiary",
            "municipal_soe_hq",
            "single_champion",
            "established_on",
            "valid_from",
            "valid_to",
        )
        import_id_fields = ("credit_code",)

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        # A code failing only its check character is a warning; importing the file after
        # the preview is the steward's confirmation (GB 32100 codes issued in pilot regions
        # before the standard fail the check and are real).
        findings = credit_code_findings(normalise_credit_code(instance.credit_code or ""))
        warnings = [f for f in findings if f.severity == "warning"]
        if warnings and not [f for f in findings if f.severity == "error"]:
            instance.credit_code_confirmed = True
            for finding in warnings:
                self.warn(
                    kwargs["row_number"],
                    self.fields["credit_code"].column_name,
                    finding.render(_) + _("; check it against the business licence"),
                )


class QualificationResource(RegisterResource):
    register = "qualifications"
    title = "资质"
    key_fields = ("organisation", "kind", "valid_from")

    organisation = Column(
        "统一社会信用代码",
        "organisation",
        organisation_lookup(required=True),
        example=EXAMPLE_CREDIT_CODE,
        text=True,
        width=22,
    )
    kind = Column("资质类型", "kind", Choice(QualificationKind), example="高新技术企业")
    certificate_no = Column(
        "证书编号", "certificate_no", Text(max_length=100), example="GR202411000001", text=True
    )
    valid_from = Column(
        "发证日期", "valid_from", Day(required=True, past=True), example="2024-12-02"
    )
    valid_to = Column("到期日期", "valid_to", Day(), note="留空则按资质类型的有效期计算")

    class Meta(RegisterResource.Meta):
        model = Qualification
        fields = ("organisation", "kind", "certificate_no", "valid_from", "valid_to")
        import_id_fields = ("organisation", "kind", "valid_from")

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        if instance.valid_to is None and instance.kind and instance.valid_from:
            instance.valid_to = validity.expiry_for(instance.kind, instance.valid_from)


class PlatformResource(RegisterResource):
    register = "platforms"
    title = "创新平台"
    key_fields = ("name", "kind", "level")

    name = Column(
        "平台名称",
        "name",
        Text(required=True, max_length=200),
        example="北京示例智能装备重点实验室",
        width=30,
    )
    kind = Column("平台类型", "kind", Choice(PlatformKind), example="重点实验室")
    level = Column("级别", "level", Choice(Level), example="市级")
    host = Column(
        "依托单位统一社会信用代码",
        "host",
        organisation_lookup(required=True),
        example=EXAMPLE_CREDIT_CODE,
        text=True,
        width=22,
    )
    valid_from = Column(
        "批准日期", "valid_from", Day(required=True, past=True), example="2023-06-30"
    )
    valid_to = Column("撤销日期", "valid_to", Day())

    class Meta(RegisterResource.Meta):
        model = Platform
        fields = ("name", "kind", "level", "host", "valid_from", "valid_to")
        import_id_fields = ("name", "kind", "level")


class PatentResource(RegisterResource):
    register = "patents"
    title = "专利"
    key_fields = ("application_number",)
    beside_fields = ("owners",)

    application_number = Column(
        "申请号",
        "application_number",
        Text(required=True, identifier=True),
        example=EXAMPLE_PATENT,
        text=True,
        note="如 202310123456.7（含校验位）",
    )
    title_ = Column(
        "专利名称",
        "title",
        Text(required=True, max_length=500),
        example="一种示例装置及方法",
        width=30,
    )
    kind = Column("专利类型", "kind", Choice(PatentKind), example="发明")
    filed_on = Column("申请日", "filed_on", Day(required=True, past=True), example="2023-03-01")
    valid_from = Column("授权日", "valid_from", Day(required=True, past=True), example="2025-01-10")
    valid_to = Column("失效日", "valid_to", Day(), note="权利终止之日；有效则留空")
    owners = Column(
        "专利权人统一社会信用代码",
        "owners",
        Lookups(
            Organisation,
            "credit_code",
            describe=gettext_lazy("organisation with the credit code"),
            normalise=normalise_credit_code,
            required=True,
            text=Text(identifier=True),
        ),
        example=EXAMPLE_CREDIT_CODE,
        text=True,
        width=22,
        note="多个专利权人用“；”分隔",
    )
    strategic_emerging_industry = Column(
        "战略性新兴产业", "strategic_emerging_industry", YesNo(), example="是"
    )
    overseas_family = Column("有海外同族专利", "overseas_family", YesNo(), example="否")
    pledge_amount = Column("质押融资金额（元）", "pledge_amount", Amount(), example=0)
    award = Column("获国家科学技术奖或中国专利奖", "award", YesNo(), example="否", width=22)

    class Meta(RegisterResource.Meta):
        model = Patent
        use_bulk = False  # its related rows are written once the record has its id
        fields = (
            "application_number",
            "title_",
            "kind",
            "filed_on",
            "valid_from",
            "valid_to",
            "owners",
            "strategic_emerging_industry",
            "overseas_family",
            "pledge_amount",
            "award",
        )
        import_id_fields = ("application_number",)

    def row_key(self, row):
        key = super().row_key(row)
        return None if key is None else (normalise_patent_application(key[0]),)

    def read_beside(self, instance, row):
        instance._owners = []
        instance._owners = self.fields["owners"].clean(row)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        unchanged = super().skip_row(instance, original, row, import_validation_errors)
        if instance.pk is None or import_validation_errors:
            return False
        current = set(instance.owners.values_list("pk", flat=True))
        wanted = {o.pk for o in instance._owners}
        if current != wanted:
            self.row_changes.setdefault(self.current_row, {})["owners"] = [
                sorted(current),
                sorted(wanted),
            ]
            return False
        return unchanged

    def after_save_instance(self, instance, row, **kwargs):
        wanted = {o.pk for o in instance._owners}
        current = set(
            PatentOwner.objects.filter(patent=instance).values_list("organisation_id", flat=True)
        )
        PatentOwner.objects.filter(patent=instance).exclude(organisation_id__in=wanted).delete()
        for pk in wanted - current:
            PatentOwner.objects.create(patent=instance, organisation_id=pk)


class TalentResource(RegisterResource):
    register = "talents"
    title = "人才"
    key_fields = ("id_number",)

    name = Column("姓名", "name", Text(required=True, max_length=100), example="张三")
    id_number = Column(
        "身份证号码",
        "id_number_digest",
        Text(required=True, identifier=True),
        example=EXAMPLE_ID_NUMBER,
        text=True,
        width=22,
        note="18位居民身份证号码；加密保存",
    )
    employer = Column(
        "工作单位统一社会信用代码",
        "employer",
        organisation_lookup(),
        example=EXAMPLE_CREDIT_CODE,
        text=True,
        width=22,
    )
    title_ = Column("职务职称", "title", Text(max_length=100), example="首席科学家")
    phone = Column(
        "手机号码",
        "phone_digest",
        Text(identifier=True),
        example=EXAMPLE_PHONE,
        text=True,
        width=16,
        note="11位手机号码，可空；加密保存",
    )

    class Meta(RegisterResource.Meta):
        model = Talent
        fields = ("name", "id_number", "employer", "title_", "phone")
        import_id_fields = ("id_number",)

    def row_key(self, row):
        try:
            number = Text(identifier=True).clean(row.get("身份证号码"))
        except ValueError:
            return None
        if not number or id_card_problem(number):
            return None
        return (Talent.digest_of(number),)

    def instance_key(self, record):
        return (record.id_number_digest,)

    def existing(self, keys):
        digests = sorted({key[0] for key in keys})
        for start in range(0, len(digests), CHUNK):
            yield from Talent.objects.filter(id_number_digest__in=digests[start : start + CHUNK])

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        if field.attribute == "phone_digest":
            return self._import_phone(field, instance, row)
        if field.attribute != "id_number_digest":
            return super().import_field(field, instance, row, is_m2m, **kwargs)
        number = normalise_id_card(field.clean(row))
        problem = id_card_problem(number)
        if problem:
            raise ValueError(_("ID card number %(problem)s") % {"problem": problem})
        if instance.pk is None or instance.id_number_digest != Talent.digest_of(number):
            instance.set_id_number(number)

    def _import_phone(self, field, instance, row):
        if field.column_name not in row:
            return  # a file without the column leaves the numbers as they are
        number = normalise_phone(field.clean(row) or "")
        if number and (problem := phone_problem(number)):
            raise ValueError(_("Mobile phone number %(problem)s") % {"problem": _(problem)})
        # Re-encrypting an unchanged number would make every re-import look like a change.
        if (Talent.phone_digest_of(number) if number else "") != instance.phone_digest:
            instance.set_phone(number)

    def export_field(self, field, instance, **kwargs):
        if field.attribute == "id_number_digest":
            return instance.id_number_masked  # exports never carry the whole number
        if field.attribute == "phone_digest":
            return instance.phone_masked
        return super().export_field(field, instance, **kwargs)


class TalentRecognitionResource(RegisterResource):
    register = "talent-recognitions"
    title = "人才认定"
    key_fields = ("talent", "kind", "valid_from")

    talent = Column(
        "身份证号码",
        "talent",
        talent_lookup(),
        example=EXAMPLE_ID_NUMBER,
        text=True,
        width=22,
        note="人才须已在“人才”中登记",
    )
    kind = Column("认定类别", "kind", Choice(RecognitionKind), example="运河英才")
    tier = Column(
        "层次",
        "tier",
        Choice(CanalTalentTier, required=False),
        example="领军",
        note="仅运河英才填写",
    )
    certificate_no = Column("证书编号", "certificate_no", Text(max_length=100), text=True)
    valid_from = Column(
        "认定日期", "valid_from", Day(required=True, past=True), example="2025-09-10"
    )
    valid_to = Column("到期日期", "valid_to", Day())

    class Meta(RegisterResource.Meta):
        model = TalentRecognition
        fields = ("talent", "kind", "tier", "certificate_no", "valid_from", "valid_to")
        import_id_fields = ("talent", "kind", "valid_from")

    def existing(self, keys):
        ids = sorted({key[0] for key in keys})
        for start in range(0, len(ids), CHUNK):
            yield from TalentRecognition.objects.filter(talent_id__in=ids[start : start + CHUNK])


class TeamResource(RegisterResource):
    register = "teams"
    title = "科技创新团队"
    key_fields = ("name", "recognition_year")
    beside_fields = ("members",)

    name = Column(
        "团队名称",
        "name",
        Text(required=True, max_length=200),
        example="示例智能算法创新团队",
        width=30,
    )
    organisation = Column(
        "牵头单位统一社会信用代码",
        "organisation",
        organisation_lookup(),
        example=EXAMPLE_CREDIT_CODE,
        text=True,
        width=22,
    )
    recognition_year = Column("认定年度", "recognition_year", Year(), example=2025)
    valid_from = Column(
        "认定日期", "valid_from", Day(required=True, past=True), example="2025-06-30"
    )
    valid_to = Column("认定终止日期", "valid_to", Day())
    members = Column(
        "成员身份证号码",
        "members",
        Lookups(
            Talent,
            "id_number_digest",
            describe=gettext_lazy("person with the ID card number"),
            normalise=lambda text: Talent.digest_of(text),
            text=Text(identifier=True),
            display=mask_id_card,
        ),
        text=True,
        width=30,
        note="多个用“；”分隔，第一位为团队负责人；成员须已在“人才”中登记",
    )

    class Meta(RegisterResource.Meta):
        model = Team
        use_bulk = False  # its related rows are written once the record has its id
        fields = ("name", "organisation", "recognition_year", "valid_from", "valid_to", "members")
        import_id_fields = ("name", "recognition_year")

    def read_beside(self, instance, row):
        instance._members = []
        instance._members = self.fields["members"].clean(row)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        unchanged = super().skip_row(instance, original, row, import_validation_errors)
        if instance.pk is None or import_validation_errors:
            return False
        current = list(
            TeamMember.objects.filter(team=instance)
            .order_by("-is_leader", "id")
            .values_list("talent_id", flat=True)
        )
        wanted = [m.pk for m in instance._members]
        if current != wanted:
            self.row_changes.setdefault(self.current_row, {})["members"] = [current, wanted]
            return False
        return unchanged

    def after_save_instance(self, instance, row, **kwargs):
        TeamMember.objects.filter(team=instance).delete()
        TeamMember.objects.bulk_create(
            TeamMember(team=instance, talent=talent, is_leader=index == 0)
            for index, talent in enumerate(instance._members)
        )


class FundResource(RegisterResource):
    register = "funds"
    title = "子基金"
    key_fields = ("name",)
    beside_fields = ("scale", "scale_on")

    name = Column(
        "基金名称",
        "name",
        Text(required=True, max_length=200),
        example="副中心示例产业子基金",
        width=30,
    )
    manager = Column(
        "基金管理人", "manager", Text(max_length=200), example="示例基金管理有限公司", width=24
    )
    valid_from = Column(
        "成立日期", "valid_from", Day(required=True, past=True), example="2024-05-01"
    )
    valid_to = Column("清算日期", "valid_to", Day())
    scale = Column(
        "认缴规模（元）",
        None,
        Amount(required=True),
        example=500000000,
        note="自“规模生效日期”起的认缴规模；规模变更时填新规模和生效日期",
    )
    scale_on = Column("规模生效日期", None, Day(past=True), note="留空则为成立日期")

    class Meta(RegisterResource.Meta):
        model = Fund
        use_bulk = False  # its related rows are written once the record has its id
        fields = ("name", "manager", "valid_from", "valid_to", "scale", "scale_on")
        import_id_fields = ("name",)

    def read_beside(self, instance, row):
        instance._scale = self.fields["scale"].clean(row)
        instance._scale_on = self.fields["scale_on"].clean(row) or instance.valid_from

    def _scale_changes(self, instance) -> bool:
        if instance.pk is None or instance._scale_on is None:
            return True
        current = FundScale.objects.filter(fund=instance, effective_on=instance._scale_on).first()
        return current is None or current.amount != instance._scale

    def skip_row(self, instance, original, row, import_validation_errors=None):
        unchanged = super().skip_row(instance, original, row, import_validation_errors)
        if import_validation_errors or instance.pk is None:
            return False
        if self._scale_changes(instance):
            self.row_changes.setdefault(self.current_row, {})["scale"] = [None, instance._scale]
            return False
        return unchanged

    def after_save_instance(self, instance, row, **kwargs):
        FundScale.objects.update_or_create(
            fund=instance, effective_on=instance._scale_on, defaults={"amount": instance._scale}
        )

    def column_of(self, attribute):
        if attribute == "scale":
            return "认缴规模（元）"
        return super().column_of(attribute)


class BrandEventResource(RegisterResource):
    register = "brand-events"
    title = "品牌活动"
    key_fields = ("name",)

    name = Column(
        "活动名称",
        "name",
        Text(required=True, max_length=200),
        example="运河计算产业大会",
        width=30,
    )
    organiser = Column("主办单位", "organiser", Text(max_length=200), example="区科委")
    valid_from = Column(
        "首次举办日期", "valid_from", Day(required=True, past=True), example="2023-09-01"
    )
    valid_to = Column("停办日期", "valid_to", Day())

    class Meta(RegisterResource.Meta):
        model = BrandEvent
        fields = ("name", "organiser", "valid_from", "valid_to")
        import_id_fields = ("name",)


class BaseResource(RegisterResource):
    register = "bases"
    title = "科普基地和科技小院"
    key_fields = ("kind", "name", "level", "valid_from")

    name = Column(
        "基地名称", "name", Text(required=True, max_length=200), example="示例科普基地", width=30
    )
    kind = Column("基地类型", "kind", Choice(BaseKind), example="科普基地")
    level = Column("级别", "level", Choice(Level), example="区级")
    host = Column("依托单位统一社会信用代码", "host", organisation_lookup(), text=True, width=22)
    town = Column(
        "所在镇街",
        "town",
        Lookup(Department, "name", describe=gettext_lazy("town or street"), queryset=_towns),
        example="宋庄镇",
    )
    valid_from = Column(
        "认定日期", "valid_from", Day(required=True, past=True), example="2024-04-01"
    )
    valid_to = Column("撤销日期", "valid_to", Day())

    class Meta(RegisterResource.Meta):
        model = Base
        fields = ("name", "kind", "level", "host", "town", "valid_from", "valid_to")
        import_id_fields = ("kind", "name", "level", "valid_from")

    def existing(self, keys):
        return Base.objects.filter(name__in={key[1] for key in keys})


class ParkResource(RegisterResource):
    register = "parks"
    title = "特色产业园区"
    key_fields = ("name",)

    name = Column(
        "园区名称", "name", Text(required=True, max_length=200), example="张家湾设计小镇", width=30
    )
    town = Column(
        "所在镇街",
        "town",
        Lookup(Department, "name", describe=gettext_lazy("town or street"), queryset=_towns),
        example="张家湾镇",
    )
    industry = Column("主导产业", "industry", Choice(Industry, required=False), example="数字经济")
    valid_from = Column(
        "认定日期", "valid_from", Day(required=True, past=True), example="2022-01-01"
    )
    valid_to = Column("摘牌日期", "valid_to", Day())

    class Meta(RegisterResource.Meta):
        model = Park
        fields = ("name", "town", "industry", "valid_from", "valid_to")
        import_id_fields = ("name",)


RESOURCES: dict[str, type[RegisterResource]] = {
    r.register: r
    for r in (
        OrganisationResource,
        QualificationResource,
        PlatformResource,
        PatentResource,
        TalentResource,
        TalentRecognitionResource,
        TeamResource,
        FundResource,
        BrandEventResource,
        BaseResource,
        ParkResource,
    )
}
