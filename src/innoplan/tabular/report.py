"""What a check or an import found, row by row: each row's outcome (new, update, unchanged,
error) with its errors and warnings by the row number the spreadsheet shows and the column
header."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field

NEW, UPDATE, UNCHANGED, ERROR = "new", "update", "unchanged", "error"
OUTCOMES = (NEW, UPDATE, UNCHANGED, ERROR)


class ImportFileError(ValueError):
    """The file as a whole cannot be imported; nothing was read into the database."""


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
    # What the row is about, for importers whose report shows it (a milestone's task and
    # title): column label -> value.
    about: dict[str, str] = field(default_factory=dict)
    # What an update changes: [column, old, new] in the file's terms.
    changes: list[list[str]] = field(default_factory=list)


def _row_json(row: RowReport) -> dict:
    data = asdict(row)
    for optional in ("about", "changes"):
        if not data[optional]:
            del data[optional]  # only rows that have them carry them
    return data


@dataclass
class ImportReport:
    importer: str
    rows: list[RowReport]
    applied: bool = False
    warnings: list[str] = field(default_factory=list)  # about the file as a whole

    @property
    def has_errors(self) -> bool:
        return any(r.outcome == ERROR for r in self.rows)

    @property
    def rows_with_warnings(self) -> int:
        """Rows that would be written but carry a warning a person must have checked."""
        return sum(1 for r in self.rows if r.warnings and r.outcome != ERROR)

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(OUTCOMES, 0)
        for row in self.rows:
            counts[row.outcome] += 1
        return counts

    def fingerprint(self) -> str:
        """What the check found, row by row, as a short digest: a confirmation writes only
        when the file still does exactly that."""
        outcomes = [[row.row, row.outcome] for row in self.rows]
        return hashlib.sha256(json.dumps(outcomes).encode()).hexdigest()

    def as_json(self) -> dict:
        """The report in the command line's JSON shape."""
        return {
            "register": self.importer,
            "applied": self.applied,
            "counts": self.counts(),
            "warnings": self.warnings,
            "rows": [_row_json(row) for row in self.rows],
        }

    @classmethod
    def from_json(cls, data: dict) -> ImportReport:
        rows = [
            RowReport(
                row=r["row"],
                outcome=r["outcome"],
                errors=[Problem(**p) for p in r["errors"]],
                warnings=[Problem(**p) for p in r["warnings"]],
                about=r.get("about", {}),
                changes=r.get("changes", []),
            )
            for r in data["rows"]
        ]
        return cls(
            importer=data["register"],
            rows=rows,
            applied=data.get("applied", False),
            warnings=data.get("warnings", []),
        )
