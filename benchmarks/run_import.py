"""Time importing a 100,000-row organisations workbook against reading it with python-calamine.

    .venv/bin/python benchmarks/run_import.py --database-url URL [--rows 100000]

1. Writes the workbook (``--file``, default /tmp/bench/organisations-100k.xlsx) with the
   headers of the import template (``innoplan import organisations --template``), one new
   organisation a row: a valid credit code none of the generated registry has, a name, a
   kind, an industry, a town and dates, in the template's column order.
2. Floor: reading the same file with python-calamine
   (``CalamineWorkbook.from_path(…).get_sheet_by_index(0).to_python()``).
3. ``innoplan import organisations FILE --dry-run`` (validate and preview only) and
   ``innoplan import organisations FILE`` (validate and write), run in this process with
   ``call_command``; after each real import the organisations it created are deleted again,
   so that every repetition imports 100,000 new rows into the same registry.

Each is run ``--repeat`` times; the median is reported. Aim: the import within 10× the read.
Exits with status 2 and says so when the import command does not exist yet.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import sys
from datetime import date, timedelta
from pathlib import Path

import benchlib

AIM_RATIO = 10
FIRST_SERIAL = 90_000_000  # far above the generator's serials: every code is new
# Headers to use while the template cannot be had (the fields' Chinese verbose names).
FALLBACK_HEADERS = [
    "统一社会信用代码",
    "名称",
    "类型",
    "所属产业",
    "乡镇（街道）",
    "成立日期",
    "落地本区日期",
]


def import_command_exists() -> bool:
    """Whether the registry's ``import`` command is there (django-import-export has an
    ``import`` command of its own, which is not it)."""
    from django.core.management import get_commands

    return get_commands().get("import") == "innoplan.registry"


def template_headers(path: Path) -> list[str]:
    """Row 1 of the template the import command writes."""
    from django.core.management import call_command
    from python_calamine import CalamineWorkbook

    call_command("import", "organisations", template=str(path), stdout=io.StringIO())
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    return [str(cell).strip() for cell in rows[0] if str(cell).strip()]


def column_values(headers: list[str]):
    """For each header, a function of (rng, serial, row) giving that column's value, found
    from the field the import resource reads the column into (or, failing that, the
    Organisation field whose verbose name the header is); None for a column left empty."""
    import generate
    from django.utils import translation

    from innoplan.accounts.models import Department
    from innoplan.registry.choices import Industry, OrganisationKind
    from innoplan.registry.models import TOWN_KINDS, Organisation, Park

    towns = list(Department.objects.filter(kind__in=TOWN_KINDS).values_list("name", flat=True))
    parks = list(Park.objects.values_list("name", flat=True))
    by_name = {}
    try:
        from innoplan.registry.registers import register_by_slug

        resource = register_by_slug("organisations").resource
        for field in resource().get_import_fields():
            by_name[str(field.column_name).strip().lower()] = field.attribute
    except ImportError:
        pass
    with translation.override("zh-hans"):
        enterprise = str(OrganisationKind.ENTERPRISE.label)
        industries = [str(label) for _, label in Industry.choices]
        for field in Organisation._meta.concrete_fields:
            by_name.setdefault(str(field.verbose_name).strip().lower(), field.name)

    def established(rng):
        return generate.day_in(rng, date(1995, 1, 1), date(2026, 6, 30))

    def flag(share):
        return lambda rng, serial, row: "是" if rng.random() < share else "否"

    makers = {
        "credit_code": lambda rng, serial, row: generate.credit_code(
            rng, serial, "enterprise", row["established"]
        ),
        "name": lambda rng, serial, row: (
            f"{rng.choice(generate.PLACES)}"
            f"{rng.choice(generate.WORDS)}{rng.choice(generate.WORDS)}"
            f"{rng.choice(generate.TRADES)}有限公司"
        ),
        "kind": lambda rng, serial, row: enterprise,
        "industry": lambda rng, serial, row: rng.choice(industries),
        "town": lambda rng, serial, row: rng.choice(towns),
        "park": lambda rng, serial, row: (
            rng.choice(parks) if parks and rng.random() < 0.05 else None
        ),
        "central_soe_subsidiary": flag(0.002),
        "municipal_soe_hq": flag(0.0005),
        "single_champion": flag(0.0002),
        "established_on": lambda rng, serial, row: row["established"],
        "valid_from": lambda rng, serial, row: min(
            row["established"] + timedelta(days=rng.randint(0, 900)), date(2026, 11, 1)
        ),
    }
    columns, unknown = [], []
    for header in headers:
        field = by_name.get(header.strip().lower())
        columns.append(makers.get(field))
        if field not in makers:
            unknown.append(header)
    return columns, established, unknown


def write_workbook(path: Path, headers: list[str], rows: int, seed: int) -> list[str]:
    """Write the file; the headers no organisation field was found for (left empty)."""
    from openpyxl import Workbook

    rng = random.Random(f"{seed}:import")
    columns, established, unknown = column_values(headers)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("organisations")
    sheet.append(headers)
    for i in range(rows):
        row = {"established": established(rng)}
        serial = FIRST_SERIAL + i
        sheet.append([make(rng, serial, row) if make else None for make in columns])
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return unknown


def read_with_calamine(path: Path) -> int:
    from python_calamine import CalamineWorkbook

    return len(CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python())


def run_import(path: Path, *, dry_run: bool) -> str:
    from django.core.management import call_command

    out = io.StringIO()
    options = {"format": "json", "stdout": out, "stderr": io.StringIO()}
    if dry_run:
        options["dry_run"] = True
    try:
        call_command("import", "organisations", str(path), **options)
    except SystemExit as exit:  # the command exits 1 when a row has an error, 2 for the file
        raise RuntimeError(f"the import refused the file:\n{out.getvalue()[:3000]}") from exit
    return out.getvalue()


def last_ids() -> tuple[int, int]:
    """The highest organisation and audit log entry ids, to delete what an import adds."""
    from auditlog.models import LogEntry
    from django.db.models import Max

    from innoplan.registry.models import Organisation

    return (
        Organisation.objects.aggregate(m=Max("id"))["m"] or 0,
        LogEntry.objects.aggregate(m=Max("id"))["m"] or 0,
    )


def delete_imported(after: tuple[int, int]) -> int:
    """Delete the organisations created after ``after`` (what the import added), with
    anything it attached to them and the audit entries it wrote, without the per-object
    signals a queryset delete sends."""
    from auditlog.models import LogEntry
    from django.db import connection, transaction

    from innoplan.registry.models import Organisation

    after_id, after_log = after
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {LogEntry._meta.db_table} WHERE id > %s", [after_log])
        cursor.execute("SELECT COUNT(*) FROM registry_organisation WHERE id > %s", [after_id])
        count = cursor.fetchone()[0]
        for related in Organisation._meta.related_objects:
            if related.many_to_many or related.model is Organisation:
                continue
            table, column = related.related_model._meta.db_table, related.field.column
            cursor.execute(f"DELETE FROM {table} WHERE {column} > %s", [after_id])
        cursor.execute("DELETE FROM registry_organisation WHERE id > %s", [after_id])
    return count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    benchlib.add_database_argument(parser)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--file", type=Path, default=Path("/tmp/bench/organisations-100k.xlsx"))
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--rewrite", action="store_true", help="write the file even if it exists")
    parser.add_argument(
        "--write-only",
        action="store_true",
        help="only write the file (with the fields' Chinese names as headers while there is "
        "no import command to give its template)",
    )
    parser.add_argument("--report", help="write the results as JSON to this file")
    args = parser.parse_args(argv)
    benchlib.setup(args.database_url)

    from innoplan.registry.models import Organisation

    vendor = benchlib.vendor_label()
    if import_command_exists():
        headers = template_headers(args.file.with_name("organisations-template.xlsx"))
        print(f"template headers: {headers}")
    elif args.write_only:
        headers = FALLBACK_HEADERS
        print(f"no import command yet: headers {headers}")
    else:
        print(
            "The import command does not exist yet: `innoplan import organisations FILE` is "
            "needed (registry/management/commands/import.py). Nothing was measured.",
            file=sys.stderr,
        )
        return 2
    if args.write_only or args.rewrite or not args.file.exists():
        seconds, unknown = benchlib.timed(
            lambda: write_workbook(args.file, headers, args.rows, args.seed)
        )
        print(f"wrote {args.file} ({args.rows:,} rows) in {benchlib.seconds(seconds)}")
        if unknown:
            print(f"left empty: {unknown}")
    size = args.file.stat().st_size
    if args.write_only:
        return 0
    print(f"Import of {args.file.name} ({size / 1e6:.1f} MB) on {vendor}; median of {args.repeat}")

    read_s, read_times, rows = benchlib.median_time(
        lambda: read_with_calamine(args.file), args.repeat
    )
    print(f"  calamine read: {benchlib.seconds(read_s)} ({rows:,} rows with the header)")

    dry_s, dry_times, dry_out = benchlib.median_time(
        lambda: run_import(args.file, dry_run=True), args.repeat
    )
    print(f"  import --dry-run: {benchlib.seconds(dry_s)}", flush=True)

    import_times, outputs, before = [], [], last_ids()
    for _ in range(args.repeat):
        seconds, output = benchlib.timed(lambda: run_import(args.file, dry_run=False))
        created = Organisation.objects.filter(pk__gt=before[0]).count()
        import_times.append(seconds)
        outputs.append(output)
        print(f"  import: {benchlib.seconds(seconds)}, {created:,} organisations created")
        if created != args.rows:
            print(f"FAILURE the import created {created:,} organisations, not {args.rows:,}")
            print(output[:2000])
            delete_imported(before)
            return 1
        delete_imported(before)
    import_s = sorted(import_times)[len(import_times) // 2]

    rows_out = [
        ["read with python-calamine (floor)", benchlib.seconds(read_s), "1×", ""],
        [
            "`import organisations --dry-run`",
            benchlib.seconds(dry_s),
            f"{dry_s / read_s:.1f}×",
            "yes" if dry_s / read_s <= AIM_RATIO else "**no**",
        ],
        [
            "`import organisations`",
            benchlib.seconds(import_s),
            f"{import_s / read_s:.1f}×",
            "yes" if import_s / read_s <= AIM_RATIO else "**no**",
        ],
    ]
    print()
    print(benchlib.markdown_table(["step", "time", "vs read", f"≤ {AIM_RATIO}×"], rows_out))
    if args.report:
        report = {
            "database": vendor,
            "code": benchlib.code_version(),
            "rows": args.rows,
            "file_bytes": size,
            "headers": headers,
            "read_seconds": read_s,
            "read_times": read_times,
            "dry_run_seconds": dry_s,
            "dry_run_times": dry_times,
            "import_seconds": import_s,
            "import_times": import_times,
            "dry_run_output_head": dry_out[:2000],
            "import_output_head": outputs[-1][:2000],
        }
        Path(args.report).write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
