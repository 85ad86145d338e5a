"""``innoplan report quarterly --quarter 2026Q3 --output FILE.docx`` and
``innoplan report supervision --as-of YYYY-MM-DD --output FILE.docx``: the Word reports of the
reports page, from the command line, for scheduled runs (cron).

The quarterly progress report is taken as of the quarter's last day (as of today, and saying
so, while the quarter runs); the supervision circular as of the given day (default: today).
Both are written for the current plan, in the site's language.

``innoplan report fontconfig [--output FILE]`` writes the fontconfig rules for a machine that
converts or prints the reports without the GB/T 9704 fonts (``housestyle.fontconfig_fallbacks``):
installed in /etc/fonts/conf.d/, they let Noto CJK stand in for the fonts the documents name."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from innoplan.plans.selectors import current_plan
from innoplan.reports import documents, housestyle
from innoplan.reports.quarters import QuarterError, parse_quarter


class Command(BaseCommand):
    help = "Write the quarterly progress report or the supervision circular as a .docx file."

    def add_arguments(self, parser):
        kinds = parser.add_subparsers(
            dest="kind", required=True, metavar="{quarterly,supervision,fontconfig}"
        )
        quarterly = kinds.add_parser(
            "quarterly", help="the quarterly progress report, as of the quarter's last day"
        )
        quarterly.add_argument("--quarter", required=True, metavar="YYYYQn", help="e.g. 2026Q3")
        quarterly.add_argument("--output", required=True, metavar="FILE.docx")
        supervision = kinds.add_parser(
            "supervision", help="the supervision circular: overdue milestones by department"
        )
        supervision.add_argument(
            "--as-of", metavar="YYYY-MM-DD", help="the day it reports on (default: today)"
        )
        supervision.add_argument("--output", required=True, metavar="FILE.docx")
        fonts = kinds.add_parser(
            "fontconfig",
            help="the fontconfig rules that let Noto CJK stand in for the GB/T 9704 fonts "
            "where they are not installed",
        )
        fonts.add_argument("--output", metavar="FILE.conf", help="default: standard output")

    def handle(self, *args, kind, output, **options):
        if kind == "fontconfig":
            rules = housestyle.fontconfig_fallbacks()
            if output is None:
                self.stdout.write(rules, ending="")
                return
            target = self._writable(output)
            try:
                target.write_text(rules, encoding="utf-8")
            except OSError as error:
                raise CommandError(f"--output {output}: cannot write the file ({error})") from error
            self.stdout.write(f"Wrote the fontconfig rules to {target}.")
            return
        target = self._writable(output)
        if kind == "quarterly":
            try:
                quarter = parse_quarter(options["quarter"])
            except QuarterError as error:
                raise CommandError(f"--quarter: {error}") from error
            plan = self._plan()
            today = timezone.localdate()
            data = documents.quarterly_report(plan=plan, quarter=quarter, issued_on=today)
            what = f"quarterly progress report {quarter} (as of {quarter.report_day(today)})"
        else:
            as_of = timezone.localdate()
            if options.get("as_of"):
                try:
                    as_of = date.fromisoformat(options["as_of"])
                except ValueError as error:
                    raise CommandError(
                        f"--as-of {options['as_of']!r}: expected a date as YYYY-MM-DD"
                    ) from error
            plan = self._plan()
            data = documents.supervision_circular(plan=plan, as_of=as_of)
            what = f"supervision circular as of {as_of}"
        try:
            target.write_bytes(data)
        except OSError as error:
            raise CommandError(f"--output {output}: cannot write the file ({error})") from error
        self.stdout.write(f"Wrote the {what} to {target} ({len(data):,} bytes).")

    @staticmethod
    def _plan():
        plan = current_plan()
        if plan is None:
            raise CommandError("No plan is loaded: load one first with `innoplan loadplan FILE`.")
        return plan

    @staticmethod
    def _writable(output: str) -> Path:
        """Refuse, before any work, a path whose folder is missing or read-only."""
        target = Path(output).expanduser()
        if target.is_dir():
            raise CommandError(f"--output {output}: is a folder; give a file name, FILE.docx")
        folder = target.parent
        if not folder.is_dir():
            raise CommandError(f"--output {output}: the folder {folder} does not exist")
        if not os.access(folder, os.W_OK) or (target.exists() and not os.access(target, os.W_OK)):
            raise CommandError(f"--output {output}: not allowed to write there")
        return target
