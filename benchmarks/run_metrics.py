"""Time every plan metric as of one day against its hand-written SQL floor.

    .venv/bin/python benchmarks/run_metrics.py --database-url URL [--as-of 2026-11-15]
    .venv/bin/python benchmarks/run_metrics.py --database-url URL --explain high_value_patents

For each metric in ``metrics.catalogue.METRICS``: ``metric.value(as_of)`` (what the dashboard,
reports, API and ``innoplan metrics`` read) and the floor from ``floors.py``, each run once to
warm the caches and then ``--repeat`` times, alternating; the median is reported. The two
must agree: a metric that differs from its floor is reported as a failure (exit status 1).

``--explain KEY`` prints, instead, the SQL the ORM ran for the metric and the floor's SQL,
each with the database's plan (EXPLAIN QUERY PLAN on SQLite, EXPLAIN ANALYZE on PostgreSQL).
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

import benchlib

AIM_RATIO = 1.5  # at most this many times the hand-written SQL
AIM_SECONDS = 1.0  # on PostgreSQL


def explain(sql: str, params: list) -> str:
    from django.db import connection

    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN ANALYZE "
    with connection.cursor() as cursor:
        cursor.execute(prefix + sql, params)
        rows = cursor.fetchall()
    if connection.vendor == "sqlite":
        return "\n".join(f"{row[0]:>4} {row[1]:>4} {row[3]}" for row in rows)
    return "\n".join(row[0] for row in rows)


def show_plans(key: str, as_of: date) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from floors import FLOORS

    from innoplan.metrics.catalogue import metric

    found = metric(key)
    print(f"# {key} as of {as_of} on {benchlib.vendor_label()}\n")
    print("## queryset (str(records(as_of).query))\n")
    records = found.records(as_of)
    print(getattr(records, "query", "(not a queryset)"), "\n")
    with CaptureQueriesContext(connection) as captured:
        found.value(as_of)
    for query in captured.captured_queries:
        print(f"## ORM query ({query['time']} s)\n\n{query['sql']}\n")
        print(explain_raw(query["sql"]), "\n")
    sql, params = FLOORS[key](as_of)
    print(f"## hand-written SQL\n{sql}\nparams: {params}\n")
    print(explain(sql, params))


def explain_raw(sql: str) -> str:
    """The plan of SQL captured with its parameters already inlined."""
    from django.db import connection

    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN ANALYZE "
    with connection.cursor() as cursor:
        cursor.execute(prefix + sql)  # no parameters: nothing is substituted
        rows = cursor.fetchall()
    if connection.vendor == "sqlite":
        return "\n".join(f"{row[0]:>4} {row[1]:>4} {row[3]}" for row in rows)
    return "\n".join(row[0] for row in rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    benchlib.add_database_argument(parser)
    parser.add_argument("--as-of", type=date.fromisoformat, default=date(2026, 11, 15))
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--only", help="comma-separated metric keys (default: all)")
    parser.add_argument("--explain", metavar="KEY", help="print the plans of one metric")
    parser.add_argument("--report", help="write the results as JSON to this file")
    args = parser.parse_args(argv)
    benchlib.setup(args.database_url)

    from floors import FLOORS, floor_value

    from innoplan.metrics.catalogue import METRICS

    if args.explain:
        show_plans(args.explain, args.as_of)
        return 0

    keys = args.only.split(",") if args.only else list(METRICS)
    vendor = benchlib.vendor_label()
    print(f"All plan metrics as of {args.as_of} on {vendor}; median of {args.repeat}, warm")
    print(f"code: {benchlib.code_version()}\n")
    results, failures = [], []
    for key in keys:
        found = METRICS[key]
        orm_value = found.value(args.as_of)  # warm-up, and the value
        if key not in FLOORS:
            failures.append(f"{key}: no hand-written floor")
            continue
        sql_value = floor_value(key, args.as_of)
        orm_times, sql_times = [], []
        for _ in range(args.repeat):
            orm_times.append(benchlib.timed(lambda found=found: found.value(args.as_of))[0])
            sql_times.append(benchlib.timed(lambda key=key: floor_value(key, args.as_of))[0])
        orm, sql = sorted(orm_times)[len(orm_times) // 2], sorted(sql_times)[len(sql_times) // 2]
        agree = orm_value == sql_value
        if not agree:
            failures.append(f"{key}: ORM {orm_value} but hand-written SQL {sql_value}")
        results.append(
            {
                "metric": key,
                "value": str(orm_value),
                "floor_value": str(sql_value),
                "agree": agree,
                "orm_seconds": orm,
                "sql_seconds": sql,
                "ratio": orm / sql if sql else None,
                "orm_times": orm_times,
                "sql_times": sql_times,
            }
        )
        print(f"  {key}: {benchlib.seconds(orm)} vs {benchlib.seconds(sql)}", flush=True)

    rows = []
    for r in results:
        meets = r["ratio"] is not None and r["ratio"] <= AIM_RATIO
        rows.append(
            [
                r["metric"],
                number_str(r["value"]) + ("" if r["agree"] else f" ≠ {r['floor_value']}"),
                benchlib.seconds(r["orm_seconds"]),
                benchlib.seconds(r["sql_seconds"]),
                f"{r['ratio']:.2f}×" if r["ratio"] else "—",
                benchlib.seconds(max(0.0, r["orm_seconds"] - r["sql_seconds"])),
                "yes" if meets else "**no**",
            ]
        )
    orm_total = sum(r["orm_seconds"] for r in results)
    sql_total = sum(r["sql_seconds"] for r in results)
    total_ratio = orm_total / sql_total if sql_total else 0
    rows.append(
        [
            "**all metrics**",
            "",
            f"**{benchlib.seconds(orm_total)}**",
            f"**{benchlib.seconds(sql_total)}**",
            f"**{total_ratio:.2f}×**",
            f"**{benchlib.seconds(max(0.0, orm_total - sql_total))}**",
            "yes" if total_ratio <= AIM_RATIO else "**no**",
        ]
    )
    headers = ["metric", "value", "ORM", "hand SQL", "ratio", "ORM − SQL", f"≤ {AIM_RATIO}×"]
    print()
    print(benchlib.markdown_table(headers, rows))
    print(f"\nall metrics: {benchlib.seconds(orm_total)} (aim on PostgreSQL: < {AIM_SECONDS} s)")
    for failure in failures:
        print(f"FAILURE {failure}")
    if args.report:
        report = {
            "database": vendor,
            "code": benchlib.code_version(),
            "as_of": args.as_of.isoformat(),
            "repeat": args.repeat,
            "metrics": results,
            "orm_total": orm_total,
            "sql_total": sql_total,
            "failures": failures,
        }
        Path(args.report).write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    return 1 if failures else 0


def number_str(value: str) -> str:
    """'1234.0000' -> '1,234'; amounts keep their digits."""
    number = float(value)
    return f"{number:,.0f}" if number == int(number) else f"{number:,.2f}"


if __name__ == "__main__":
    sys.exit(main())
