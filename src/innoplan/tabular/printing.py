"""An import's report as the command line prints it: one line per problem (file, row, column,
error or warning, message), then the counts and what became of the file."""

from __future__ import annotations

import json

from django.utils.translation import gettext as _

from innoplan.tabular.report import ImportReport


def report_lines(file: str, report: ImportReport, *, dry_run: bool) -> list[str]:
    lines = [f"{file}: {warning}" for warning in report.warnings]
    outcomes = {"new": _("new"), "update": _("update"), "unchanged": _("unchanged")}
    for row in report.rows:
        about = " ".join(str(value) for value in row.about.values() if value)
        if about and row.outcome in outcomes:
            # Rows that say what they are about (a milestone) are listed one by one.
            where = _("row %(row)s") % {"row": row.row}
            lines.append(f"{file}: {where}: {outcomes[row.outcome]} ({about})")
        for kind, problems in ((_("error"), row.errors), (_("warning"), row.warnings)):
            for problem in problems:
                where = _("row %(row)s") % {"row": row.row}
                if problem.column:
                    where += f" {problem.column}"
                lines.append(f"{file}: {where}: {kind}: {problem.message}")
    summary = (
        _("%(new)s new, %(update)s updated, %(unchanged)s unchanged, %(error)s with errors")
        % report.counts()
    )
    if report.has_errors:
        outcome = _("Nothing was imported.")
    elif dry_run:
        outcome = _("Checked only; nothing was written.")
    else:
        outcome = _("Imported.")
    lines.append(f"{file}: {summary}. {outcome}")
    return lines


def report_json(report: ImportReport) -> str:
    return json.dumps(report.as_json(), ensure_ascii=False, indent=2)
