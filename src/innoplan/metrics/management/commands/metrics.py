"""``innoplan metrics``: every metric as of a day, with the plan target it is bound to."""

import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from innoplan.core.numbers import format_number
from innoplan.metrics.selectors import all_metrics, metric_value
from innoplan.plans.selectors import bound_targets


class Command(BaseCommand):
    help = "Print every metric counted from the registry as of a day (default: today)."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", dest="as_of", help="YYYY-MM-DD")
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args, as_of=None, format="text", **options):
        try:
            day = date.fromisoformat(as_of) if as_of else timezone.localdate()
        except ValueError:
            raise CommandError(f"--as-of {as_of}: expected a date as YYYY-MM-DD") from None
        targets = bound_targets()
        rows = []
        for metric in all_metrics():
            target = targets.get(metric.key)
            rows.append(
                {
                    "key": metric.key,
                    "name": str(metric.name),
                    "value": metric_value(key=metric.key, as_of=day),
                    "unit": metric.unit,
                    "target": None
                    if target is None
                    else {
                        "indicator": target.indicator.name,
                        "comparator": target.comparator,
                        "value": target.value,
                        "year": target.year,
                        "annual": target.indicator.annual,
                    },
                }
            )
        if format == "json":
            self.stdout.write(
                json.dumps(
                    {"as_of": day.isoformat(), "metrics": rows},
                    ensure_ascii=False,
                    default=_json_number,
                    indent=2,
                )
            )
            return
        self.stdout.write(_("Metrics as of %(day)s") % {"day": day.isoformat()})
        for row in rows:
            target = row["target"]
            goal = (
                f"  ({target['indicator']} {target['comparator']} "
                f"{format_number(target['value'])} by {target['year']})"
                if target
                else ""
            )
            self.stdout.write(
                f"  {row['key']:<28} {format_number(row['value']):>16} {row['unit']}{goal}"
            )


def _json_number(value):
    # Whole numbers as integers, amounts exactly as decimals.
    return int(value) if value == value.to_integral_value() else float(value)
