"""`innoplan audit verify` checks the hash chain and the chain head's seal, and prints the head
(sequence and last hash) for comparison with a copy kept outside the database; `innoplan audit
purge` removes what is older than the retention period and records that it did."""

import re
from datetime import datetime, time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from innoplan.audit.services import PurgeRefused, purge
from innoplan.audit.verify import kept_head_problem, verify


def _kept(text: str) -> tuple[int, str]:
    sequence, _sep, last_hash = text.partition(":")
    if not sequence.isdigit() or not re.fullmatch(r"[0-9a-f]{64}", last_hash):
        raise CommandError(_("--kept takes SEQUENCE:HASH as verify prints them, not %r.") % text)
    return int(sequence), last_hash


def _date(text: str) -> datetime:
    try:
        day = datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError as error:
        raise CommandError(_("--before takes a date as YYYY-MM-DD, not %r.") % text) from error
    return timezone.make_aware(datetime.combine(day, time.min))


class Command(BaseCommand):
    help = "Verify the audit trail's hash chain, or purge records past the retention period."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        verify_parser = sub.add_parser(
            "verify",
            help="Walk the chain and report the first broken link; print the head (sequence and "
            "last hash) to compare with a copy kept outside the database.",
        )
        verify_parser.add_argument(
            "--kept",
            metavar="SEQUENCE:HASH",
            help="A head printed earlier and kept elsewhere (the daily anchor line): its record "
            "must still be in the trail with that hash.",
        )
        purge_parser = sub.add_parser(
            "purge", help="Remove audit records and change-log entries past the retention."
        )
        purge_parser.add_argument(
            "--before",
            help="Remove what is older than this day (YYYY-MM-DD, local time); at most the "
            "retention's edge, which is the default.",
        )
        purge_parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, action, **options):
        if action == "verify":
            return self._verify(options.get("kept"))
        return self._purge(options.get("before"), options.get("dry_run"))

    def _verify(self, kept):
        kept_head = _kept(kept) if kept else None
        result = verify()
        if result.intact and kept_head:
            problem = kept_head_problem(*kept_head)
            if problem:
                self._print_head(result.head)
                raise CommandError(
                    _("The kept head #%(id)s does not hold: %(problem)s")
                    % {"id": kept_head[0], "problem": problem},
                    returncode=1,
                )
        if result.intact:
            self.stdout.write(_("%(count)s records, chain intact") % {"count": result.records})
            self._print_head(result.head)
            return
        self._print_head(result.head)
        broken = result.broken
        when = (
            timezone.localtime(broken.occurred_at).strftime("%Y-%m-%d %H:%M:%S")
            if broken.occurred_at
            else "-"
        )
        raise CommandError(
            _("Broken at record #%(id)s (%(when)s): %(problem)s %(count)s records before it hold.")
            % {
                "id": broken.record_id,
                "when": when,
                "problem": broken.problem,
                "count": result.records,
            },
            returncode=1,
        )

    def _print_head(self, head):
        """The head, for the operator to compare with the copy kept outside the database
        (the daily anchor line in the operations log)."""
        if head is None:
            self.stdout.write(_("Head: missing"))
            return
        self.stdout.write(
            _("Head: sequence %(id)s, last hash %(hash)s, seal %(seal)s")
            % {
                "id": head.last_id,
                "hash": head.last_hash or "-",
                "seal": _("valid") if head.sealed else _("DOES NOT MATCH"),
            }
        )

    def _purge(self, before, dry_run):
        try:
            summary = purge(before=_date(before) if before else None, dry_run=dry_run)
        except PurgeRefused as error:
            raise CommandError(str(error)) from error
        message = _(
            "%(records)s audit records and %(entries)s change-log entries older than %(before)s"
        ) % {
            "records": summary["records"],
            "entries": summary["log_entries"],
            "before": summary["before"],
        }
        if dry_run:
            self.stdout.write(_("Dry run, nothing removed: %s would be removed.") % message)
        else:
            self.stdout.write(_("Removed %s; the purge is recorded.") % message)
