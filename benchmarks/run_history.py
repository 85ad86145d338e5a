"""Time a 36-month history of every plan metric against 36 month ends of hand-written SQL.

    .venv/bin/python benchmarks/run_history.py --database-url URL [--as-of 2026-11-15]

``metrics.selectors.metric_histories`` gives, for each metric, its value at every month end
from the start date and live on the day itself; month ends come from ``MetricSnapshot`` where
kept and are computed (and kept) where missing. With the start 36 months before ``--as-of``
that is 36 month ends plus the day: 37 values per metric.

- cold: every snapshot deleted before each run, so all 37 values of every metric are counted
  from the registry (the first chart after a registry change, or after a deployment);
- warm: the snapshots the cold run kept are read back, only the day itself is counted live;
- floor: the hand-written SQL of ``floors.py`` run for the same 37 days of every metric.

Each metric is timed alone ``--per-metric-repeat`` times, for the breakdown, and all metrics
together in one call, as the dashboard makes it, ``--repeat`` times; medians are reported.
The values must agree with the floor's (exit status 1 if not). The script deletes the
benchmark database's metric snapshots; never point it at a database whose snapshots you
want to keep.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from datetime import date
from pathlib import Path

import benchlib

MONTHS = 36


def months_before(day: date, months: int) -> date:
    """The first day of the month ``months`` before the month of ``day``."""
    index = day.year * 12 + day.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    benchlib.add_database_argument(parser)
    parser.add_argument("--as-of", type=date.fromisoformat, default=date(2026, 11, 15))
    parser.add_argument("--repeat", type=int, default=3, help="runs of the all-metrics call")
    parser.add_argument(
        "--per-metric-repeat", type=int, default=1, help="runs of each metric alone and its floor"
    )
    parser.add_argument("--only", help="comma-separated metric keys (default: all)")
    parser.add_argument("--report", help="write the results as JSON to this file")
    args = parser.parse_args(argv)
    benchlib.setup(args.database_url)

    from floors import floor_value

    from innoplan.metrics.catalogue import METRICS
    from innoplan.metrics.models import MetricSnapshot
    from innoplan.metrics.selectors import metric_histories, month_ends

    keys = args.only.split(",") if args.only else list(METRICS)
    start = months_before(args.as_of, MONTHS)
    days = [*month_ends(start, args.as_of), args.as_of]
    vendor = benchlib.vendor_label()
    print(
        f"{MONTHS}-month history as of {args.as_of} ({len(days) - 1} month ends from "
        f"{days[0]}, plus the day) on {vendor}; all metrics: median of {args.repeat}, each "
        f"metric alone: median of {args.per_metric_repeat}; code: {benchlib.code_version()}\n",
        flush=True,
    )

    def cold(selected: list[str]):
        MetricSnapshot.objects.all().delete()
        return metric_histories(starts=dict.fromkeys(selected, start), as_of=args.as_of)

    def warm(selected: list[str]):
        return metric_histories(starts=dict.fromkeys(selected, start), as_of=args.as_of)

    def floor(selected: list[str]):
        return {key: [(day, floor_value(key, day)) for day in days] for key in selected}

    def median_of(function, selected, repeat):
        times, result = [], None
        for _ in range(repeat):
            seconds, result = benchlib.timed(lambda: function(selected))
            times.append(seconds)
        return statistics.median(times), times, result

    failures, results = [], []
    for key in keys:
        cold_s, cold_times, history = median_of(cold, [key], args.per_metric_repeat)
        warm_s, warm_times, _ = median_of(warm, [key], args.per_metric_repeat)
        floor_s, floor_times, expected = median_of(floor, [key], args.per_metric_repeat)
        if history[key] != expected[key]:
            wrong = [
                (day, got, want)
                for (day, got), (_, want) in zip(history[key], expected[key], strict=True)
                if got != want
            ]
            failures.append(f"{key}: {len(wrong)} values differ from the floor, e.g. {wrong[0]}")
        results.append(
            {
                "metric": key,
                "cold_seconds": cold_s,
                "warm_seconds": warm_s,
                "floor_seconds": floor_s,
                "cold_times": cold_times,
                "warm_times": warm_times,
                "floor_times": floor_times,
            }
        )
        print(
            f"  {key}: cold {benchlib.seconds(cold_s)}, warm {benchlib.seconds(warm_s)}, "
            f"floor {benchlib.seconds(floor_s)}",
            flush=True,
        )

    all_cold, all_cold_times, _ = median_of(cold, keys, args.repeat)
    all_warm, all_warm_times, _ = median_of(warm, keys, args.repeat)
    all_floor = sum(r["floor_seconds"] for r in results)
    rows = [
        [
            r["metric"],
            benchlib.seconds(r["cold_seconds"]),
            benchlib.seconds(r["floor_seconds"]),
            f"{r['cold_seconds'] / r['floor_seconds']:.2f}×",
            benchlib.seconds(r["warm_seconds"]),
        ]
        for r in results
    ]
    rows.append(
        [
            "**all metrics, one call**",
            f"**{benchlib.seconds(all_cold)}**",
            f"**{benchlib.seconds(all_floor)}**",
            f"**{all_cold / all_floor:.2f}×**",
            f"**{benchlib.seconds(all_warm)}**",
        ]
    )
    headers = ["metric", "cold (no snapshots)", "hand SQL × 37 days", "ratio", "warm (snapshots)"]
    print()
    print(benchlib.markdown_table(headers, rows))
    for failure in failures:
        print(f"FAILURE {failure}")
    if args.report:
        report = {
            "database": vendor,
            "code": benchlib.code_version(),
            "as_of": args.as_of.isoformat(),
            "start": start.isoformat(),
            "days": len(days),
            "repeat": args.repeat,
            "per_metric_repeat": args.per_metric_repeat,
            "metrics": results,
            "all_cold_seconds": all_cold,
            "all_cold_times": all_cold_times,
            "all_warm_seconds": all_warm,
            "all_warm_times": all_warm_times,
            "all_floor_seconds": all_floor,
            "failures": failures,
        }
        Path(args.report).write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
