"""The base of every register's django-import-export resource.

What every register's import has: a row matched to the record it updates by the register's key
(``key_fields``), duplicates within the file refused, look-ups primed once per file, warnings
per row, a row that changes nothing reported ``unchanged`` (so a file imported twice changes
nothing the second time), rows written in batches with one audit entry per record, and the
template built from the columns.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from import_export import resources
from import_export.instance_loaders import BaseInstanceLoader

from innoplan.core.spreadsheets import TemplateColumn
from innoplan.tabular.columns import Column
from innoplan.tabular.widgets import CHUNK, Lookup


def _cell_text(widget, value) -> str:
    """A stored value as the file would hold it in the widget's column."""
    if value in (None, ""):
        return ""
    if isinstance(widget, Lookup):
        values = list(value) if isinstance(value, list | tuple) else [value]
        found = widget.records_by_pk(values)
        shown = [str(getattr(found[v], widget.field)) if v in found else str(v) for v in values]
        return "；".join(widget.shown.get(text, text) for text in shown)
    try:
        return str(widget.render(value))
    except (TypeError, ValueError, AttributeError):
        return str(value)


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

    register: str = ""  # the import's name (organisations …), set when it runs
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
        self._import_cells(instance, row, **kwargs)
        # Fields that follow from others (a qualification's expiry) are set before the row is
        # compared with the record it updates, by the model's own rule.
        fill = getattr(instance, "fill_derived_fields", None)
        if fill is not None:
            fill()

    def _import_cells(self, instance, row, **kwargs):
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

    actor = None  # who runs the import; set by the import run

    def _log(self, instances, *, created: bool) -> None:
        from innoplan.audit.services import record_bulk_writes

        record_bulk_writes(
            model=self._meta.model,
            instances=instances,
            created=created,
            changes=lambda instance: self.row_changes.get(getattr(instance, "_import_row", 0), {}),
            actor=self.actor,
            source=self.register,
        )

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        instances = list(self.create_instances)
        super().bulk_create(using_transactions, dry_run, raise_errors, batch_size, result)
        if instances and instances[0].pk is not None:
            self._log(instances, created=True)

    def bulk_update(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        instances = list(self.update_instances)
        super().bulk_update(using_transactions, dry_run, raise_errors, batch_size, result)
        if instances:
            self._log(instances, created=False)

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

    def field_of_column(self, column: str):
        for field in self.get_import_fields():
            if field.column_name == column:
                return field
        return None

    def described_changes(self, number: int) -> list[tuple[str, str, str]]:
        """What an update row changes, as (column header, old, new) in the file's terms: a
        town by its name, an organisation by its credit code, 是/否, a masked number — never
        a ciphertext, a digest or an internal id."""
        described = []
        for name, (old, new) in self.row_changes.get(number, {}).items():
            if name.endswith(("_encrypted", "_digest")):
                continue  # their masked form says it
            column = self.column_of(name.removesuffix("_masked"))
            if column is None:
                continue  # set by the system (pinyin initials, a confirmation)
            widget = self.field_of_column(column).widget
            described.append((column, _cell_text(widget, old), _cell_text(widget, new)))
        return described

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
