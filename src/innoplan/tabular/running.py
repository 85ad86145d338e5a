"""Running a register's resource over an uploaded table: a check that writes nothing, or an
import of every row or none. Either way the report says of each row what it does (or would
do) with each error and warning by row and column."""

from __future__ import annotations

from collections.abc import Callable

from auditlog.context import set_actor
from import_export.results import RowResult

from innoplan.core.spreadsheets import Table
from innoplan.tabular.report import (
    ERROR,
    NEW,
    UNCHANGED,
    UPDATE,
    ImportFileError,
    ImportReport,
    Problem,
    RowReport,
)
from innoplan.tabular.resources import RegisterResource
from innoplan.tabular.rows import prepare_rows

Progress = Callable[[int, int], None]  # (rows done, rows in all)

OUTCOMES = {
    RowResult.IMPORT_TYPE_NEW: NEW,
    RowResult.IMPORT_TYPE_UPDATE: UPDATE,
    RowResult.IMPORT_TYPE_SKIP: UNCHANGED,
    RowResult.IMPORT_TYPE_INVALID: ERROR,
    RowResult.IMPORT_TYPE_ERROR: ERROR,
}


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
        if report.outcome == UPDATE:
            report.changes = [list(change) for change in resource.described_changes(number)]
        reports.append(report)
    return reports


def run_resource(
    resource_class: type[RegisterResource],
    table: Table,
    *,
    key: str,
    apply: bool,
    actor,
    progress: Progress | None = None,
) -> ImportReport:
    """Read every row of ``table`` with the resource (the import named ``key``), inside a
    transaction that is kept only when ``apply`` and no row has an error."""
    prepared = prepare_rows(
        table, headers=resource_class.headers(), required=resource_class.required_headers()
    )
    resource = resource_class()
    resource.register, resource.actor = key, actor
    total = len(prepared.sheet_rows)

    def tick(number: int) -> None:
        if progress is not None and (number % 200 == 0 or number == total):
            progress(number, total)

    with set_actor(actor):
        result = resource.import_data(
            prepared.dataset,
            dry_run=not apply,
            use_transactions=True,
            rollback_on_validation_errors=True,
            sheet_rows=prepared.sheet_rows,
            progress=tick,
        )
    if result.base_errors:
        raise ImportFileError(str(result.base_errors[0].error))
    report = ImportReport(
        importer=key,
        rows=_row_reports(resource, result, prepared.sheet_rows),
        warnings=prepared.warnings,
    )
    report.applied = apply and not report.has_errors
    return report
