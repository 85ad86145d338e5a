"""Importing a register from a spreadsheet: a check that changes nothing, then all rows or none.

``import_check`` reads every row as the import would and says of each what it would do
(``new``, ``update``, ``unchanged`` or ``error``) with each error and warning by row number
(as the spreadsheet numbers it) and column header. ``import_apply`` does the same and writes,
in one transaction: if any row has an error nothing is written. Both take the bytes of the
uploaded file; a file that is not a readable spreadsheet, lacks a required column or holds no
rows is refused as a whole (``ImportFileError``).

The web page and ``innoplan import`` both call these; the web page runs them in the
background (``registry.tasks``) with a progress callback.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field

import tablib
from auditlog.context import set_actor
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from import_export.results import RowResult

from innoplan.core.spreadsheets import SpreadsheetError, Table, read_table, write_template
from innoplan.registry.changes import change_batch
from innoplan.registry.resources import RESOURCES, RegisterResource

NEW, UPDATE, UNCHANGED, ERROR = "new", "update", "unchanged", "error"
OUTCOMES = {
    RowResult.IMPORT_TYPE_NEW: NEW,
    RowResult.IMPORT_TYPE_UPDATE: UPDATE,
    RowResult.IMPORT_TYPE_SKIP: UNCHANGED,
    RowResult.IMPORT_TYPE_INVALID: ERROR,
    RowResult.IMPORT_TYPE_ERROR: ERROR,
}

Progress = Callable[[int, int], None]  # (rows done, rows in all)


class ImportFileError(ValueError):
    """The file as a whole cannot be imported; nothing was read into the registry."""


@dataclass
class Problem:
    column: str | None
    message: str


@dataclass
class RowReport:
    row: int  # as the spreadsheet numbers it: the header is row 1
    outcome: str
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


@dataclass
class ImportReport:
    register: str
    rows: list[RowReport]
    applied: bool = False
    warnings: list[str] = field(default_factory=list)  # about the file as a whole

    @property
    def has_errors(self) -> bool:
        return any(r.outcome == ERROR for r in self.rows)

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys((NEW, UPDATE, UNCHANGED, ERROR), 0)
        for row in self.rows:
            counts[row.outcome] += 1
        return counts

    def as_json(self) -> dict:
        """The report in the command line's JSON shape."""
        return {
            "register": self.register,
            "applied": self.applied,
            "counts": self.counts(),
            "warnings": self.warnings,
            "rows": [asdict(row) for row in self.rows],
        }

    @classmethod
    def from_json(cls, data: dict) -> ImportReport:
        rows = [
            RowReport(
                row=r["row"],
                outcome=r["outcome"],
                errors=[Problem(**p) for p in r["errors"]],
                warnings=[Problem(**p) for p in r["warnings"]],
            )
            for r in data["rows"]
        ]
        return cls(
            register=data["register"],
            rows=rows,
            applied=data.get("applied", False),
            warnings=data.get("warnings", []),
        )


def resource_for(register: str) -> type[RegisterResource]:
    try:
        return RESOURCES[register]
    except KeyError:
        raise ImportFileError(
            _("no register “%(register)s”; the registers are: %(known)s")
            % {"register": register, "known": ", ".join(RESOURCES)}
        ) from None


def import_template(register: str) -> bytes:
    """The register's .xlsx template: headers, an example row, drop-down lists."""
    resource = resource_for(register)
    return write_template(resource.template_columns(), title=resource.title)


def read_upload(data: bytes, filename: str) -> Table:
    try:
        return read_table(data, filename, max_bytes=settings.INNOPLAN_IMPORT_MAX_BYTES)
    except SpreadsheetError as error:
        raise ImportFileError(error.render(_)) from error


@dataclass
class PreparedRows:
    dataset: tablib.Dataset
    sheet_rows: list[int]  # the spreadsheet row number of each dataset row
    warnings: list[str]


def prepare_rows(resource: type[RegisterResource], table: Table) -> PreparedRows:
    headers = resource.headers()
    present = {h: i for i, h in enumerate(table.headers) if h}
    missing = [h for h in resource.required_headers() if h not in present]
    if missing:
        raise ImportFileError(
            _("the first row lacks the column(s) %(missing)s; the template has the headers")
            % {"missing": "、".join(missing)}
        )
    warnings = []
    unknown = [h for h in table.headers if h and h not in headers]
    if unknown:
        warnings.append(
            _("column(s) %(columns)s are not in the template and were not read")
            % {"columns": "、".join(unknown)}
        )
    dataset = tablib.Dataset(headers=headers)
    sheet_rows = []
    for offset, row in enumerate(table.rows, start=2):
        if all(value in ("", None) for value in row):
            continue  # an empty line is not a record
        dataset.append([row[present[h]] if h in present else "" for h in headers])
        sheet_rows.append(offset)
    if not sheet_rows:
        raise ImportFileError(_("the file has headers but no rows to import"))
    return PreparedRows(dataset=dataset, sheet_rows=sheet_rows, warnings=warnings)


def _row_reports(resource: RegisterResource, result, sheet_rows: list[int]) -> list[RowReport]:
    reports = []
    for index, row_result in enumerate(result.rows):
        number = index + 1
        report = RowReport(row=sheet_rows[index], outcome=OUTCOMES[row_result.import_type])
        if row_result.validation_error is not None:
            error = row_result.validation_error
            by_field = (
                error.message_dict if hasattr(error, "error_dict") else {None: error.messages}
            )
            for attribute, messages in by_field.items():
                column = resource.column_of(attribute) if attribute else None
                report.errors.extend(Problem(column, str(m)) for m in messages)
        for error in row_result.errors:
            report.errors.append(Problem(None, str(error.error)))
        report.warnings = [Problem(c, m) for c, m in resource.row_warnings.get(number, [])]
        reports.append(report)
    return reports


def _run(register: str, table: Table, *, apply: bool, actor, progress: Progress | None):
    resource_class = resource_for(register)
    prepared = prepare_rows(resource_class, table)
    resource = resource_class()
    resource.actor = actor
    total = len(prepared.sheet_rows)

    def tick(number: int) -> None:
        if progress is not None and (number % 200 == 0 or number == total):
            progress(number, total)

    with set_actor(actor), change_batch() as batch:
        result = resource.import_data(
            prepared.dataset,
            dry_run=not apply,
            use_transactions=True,
            rollback_on_validation_errors=True,
            sheet_rows=prepared.sheet_rows,
            progress=tick,
        )
        if result.base_errors:
            batch.touched = False
            raise ImportFileError(str(result.base_errors[0].error))
        report = ImportReport(
            register=register,
            rows=_row_reports(resource, result, prepared.sheet_rows),
            warnings=prepared.warnings,
        )
        report.applied = apply and not report.has_errors
        counts = report.counts()
        if report.applied and counts[NEW] + counts[UPDATE]:
            # Rows written in batches send no save signals: the batch says it changed.
            batch.touch(None)
        batch.touched = batch.touched and report.applied  # a check or a refusal wrote nothing
    return report


def _authorise(actor) -> None:
    if actor is not None and not actor.has_perm("registry.manage_registry"):
        raise PermissionDenied(_("Only the registry's stewards change the registry."))


def import_check(
    register: str, table: Table, *, actor=None, progress: Progress | None = None
) -> ImportReport:
    """What importing ``table`` would do to each row; writes nothing."""
    _authorise(actor)
    return _run(register, table, apply=False, actor=actor, progress=progress)


def import_apply(
    register: str, table: Table, *, actor=None, progress: Progress | None = None
) -> ImportReport:
    """Import every row of ``table``, or none when any row has an error (the report then
    says which). Each change is in the audit log under ``actor`` (None: a scripted load)."""
    _authorise(actor)
    return _run(register, table, apply=True, actor=actor, progress=progress)
