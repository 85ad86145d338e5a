"""Reads of the metrics that the plan, pages, the API and ``innoplan metrics`` share."""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from innoplan.metrics.catalogue import METRICS, Metric, metric
from innoplan.metrics.models import MetricSnapshot


def all_metrics() -> list[Metric]:
    return list(METRICS.values())


def metric_exists(key: str) -> bool:
    return key in METRICS


def metric_value(*, key: str, as_of: date) -> Decimal:
    """The metric counted live from the registry as of the day."""
    return metric(key).value(as_of)


def metric_records(*, key: str, as_of: date) -> Iterable:
    """The records behind the value: what was counted on the day."""
    return metric(key).records(as_of)


def month_ends(start: date, until: date) -> list[date]:
    """Month ends from the month of ``start`` up to, not including, ``until``."""
    days, year, month = [], start.year, start.month
    while True:
        end = date(year, month, calendar.monthrange(year, month)[1])
        if end >= until:
            return days
        days.append(end)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def metric_histories(
    *, starts: dict[str, date], as_of: date
) -> dict[str, list[tuple[date, Decimal]]]:
    """For each metric key, its value at each month end from its start date and on ``as_of``.

    Month ends come from the snapshots (one query for all metrics), computed and kept where
    missing; the day itself is always counted live from the registry."""
    days = {key: month_ends(start, as_of) for key, start in starts.items()}
    every_day = {day for key_days in days.values() for day in key_days}
    kept: dict[tuple[str, date], Decimal] = {
        (key, day): value
        for key, day, value in MetricSnapshot.objects.filter(
            metric_key__in=list(starts), as_of__in=every_day
        ).values_list("metric_key", "as_of", "value")
    }
    missing = [
        (key, day) for key, key_days in days.items() for day in key_days if (key, day) not in kept
    ]
    if missing:
        computed = {(key, day): metric_value(key=key, as_of=day) for key, day in missing}
        MetricSnapshot.objects.bulk_create(
            [MetricSnapshot(metric_key=k, as_of=d, value=v) for (k, d), v in computed.items()],
            ignore_conflicts=True,
        )
        kept.update(computed)
    return {
        key: [(day, kept[(key, day)]) for day in key_days]
        + [(as_of, metric_value(key=key, as_of=as_of))]
        for key, key_days in days.items()
    }


def metric_history(*, key: str, start: date, as_of: date) -> list[tuple[date, Decimal]]:
    return metric_histories(starts={key: start}, as_of=as_of)[key]


def metric_unit(key: str) -> str:
    return metric(key).unit


def metric_table(*, key: str, as_of: date) -> tuple[list[str], list[list]]:
    """The records behind a metric's value on a day, as a header row and rows: the same list
    on the page and in the Excel download. The rows are the register's own table
    (``registry.selectors.register_table``): what the register's list page shows, never a
    ciphertext, a digest or an internal column."""
    from innoplan.registry.selectors import fund_scales, register_table, table_values

    found = metric(key)
    if key == "sub_fund_scale":
        pairs = fund_scales(as_of=as_of)
        if not pairs:
            return [], []
        from innoplan.registry.models import Fund

        amounts = {fund.pk: amount for fund, amount in pairs}
        table = register_table(Fund.objects.filter(pk__in=amounts))
        header, rows = table_values(table)
        funds = [row.record for row in table.rows]  # in the order of the values' rows
        return [*header, str(found.name)], [
            [*values, amounts[fund.pk]] for fund, values in zip(funds, rows, strict=True)
        ]
    records = found.records(as_of)
    if not records.exists():
        return [], []
    return table_values(register_table(records))
