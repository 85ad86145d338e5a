"""``innoplan plan parse FILE [--format yaml|json] [--output OUT]``: read a plan document
(.docx, .txt in UTF-8 or GBK, .pdf with a text layer) and propose the structured plan in the
YAML that ``innoplan loadplan`` reads, so that parse → review → load is one path.

Nothing is written to the database. What the parser was unsure of and what it could not place
are listed on standard error, each with its line, for the person who reviews the proposal."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from innoplan.plans.ingest.parser import parse_plan_text, to_yaml
from innoplan.plans.ingest.readers import DocumentError, not_a_plan_error, read_document_file


def _json_value(value):
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON")


class Command(BaseCommand):
    help = "Read a plan document and propose the structured plan (loadplan's YAML or JSON)."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        parse = actions.add_parser("parse", help="propose the plan a document states")
        parse.add_argument("file", help=".docx, .txt (UTF-8 or GBK) or .pdf with a text layer")
        parse.add_argument("--format", choices=("yaml", "json"), default="yaml")
        parse.add_argument("--output", help="write the proposal here instead of to stdout")

    def handle(self, *args, action, file, format, output=None, **options):
        try:
            document = read_document_file(Path(file), max_bytes=settings.INNOPLAN_PLAN_MAX_BYTES)
            refusal = not_a_plan_error(document.text)
            if refusal is not None:
                raise refusal
        except DocumentError as error:
            raise CommandError(f"{file}: {error.render(_)}") from error
        result = parse_plan_text(document.text)
        if format == "json":
            text = json.dumps(
                {
                    "plan": result.plan,
                    "unsure": [vars(item) for item in result.unsure],
                    "unplaced": [vars(item) for item in result.unplaced],
                    "sources": [vars(item) for item in result.sources],
                },
                ensure_ascii=False,
                indent=2,
                default=_json_value,
            )
        else:
            text = to_yaml(result)
        if output:
            try:
                Path(output).write_text(text, encoding="utf-8")
            except OSError as error:
                raise CommandError(f"--output {output}: {error.strerror}") from error
        else:
            self.stdout.write(text)
        for item in result.unsure:
            where = f"line {item.line}: " if item.line else ""
            self.stderr.write(f"review: {where}{item.what}: {_(item.why)}")
        for item in result.unplaced:
            self.stderr.write(f"not placed: line {item.line}: {item.text}: {_(item.why)}")
