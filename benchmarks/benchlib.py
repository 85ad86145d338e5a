"""What the benchmark scripts share: choosing the database, setting Django up, timing.

The scripts never fall back to the project's default database (``var/innoplan.sqlite3``):
the database is named with ``--database-url`` or ``BENCH_DATABASE_URL``, and defaults to a
file under /tmp.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

DEFAULT_DATABASE_URL = "sqlite:////tmp/bench/registry.sqlite3"
DEFAULT_VAR_DIR = "/tmp/bench/var"
SRC = Path(__file__).resolve().parent.parent / "src"


def add_database_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL),
        help="the benchmark database (default: $BENCH_DATABASE_URL, else %(default)s)",
    )


def setup(database_url: str) -> None:
    """Point Django at the benchmark database and a throwaway var/ directory, then set it up.
    Must run before anything imports a model."""
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("INNOPLAN_VAR_DIR", DEFAULT_VAR_DIR)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "innoplan.settings")
    if database_url.startswith("sqlite:///"):
        Path(database_url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    if str(SRC) not in sys.path:
        sys.path.insert(0, str(SRC))
    import django

    django.setup()


def vendor_label() -> str:
    """The database the run used, with its version: 'sqlite 3.40.1', 'postgresql 15.18'."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("select sqlite_version()")
            return f"sqlite {cursor.fetchone()[0]}"
        if connection.vendor == "postgresql":
            cursor.execute("show server_version")
            return f"postgresql {cursor.fetchone()[0].split()[0]}"
    return connection.vendor


def code_version() -> str:
    """The commit the measured code is at, marked when src/ differs from it."""
    import subprocess

    root = SRC.parent

    def git(*args: str) -> str:
        command = ["git", "--no-optional-locks", "-C", str(root), *args]
        return subprocess.run(command, capture_output=True, text=True).stdout.strip()

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    dirty = git("status", "--porcelain", "src")
    return commit + (" + uncommitted changes in src/" if dirty else "")


def timed(function: Callable[[], object]) -> tuple[float, object]:
    """Seconds one call took, and what it returned."""
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


def median_time(function: Callable[[], object], repeat: int) -> tuple[float, list[float], object]:
    """The median of ``repeat`` timed calls, every time, and the last call's result."""
    times, result = [], None
    for _ in range(repeat):
        seconds, result = timed(function)
        times.append(seconds)
    return statistics.median(times), times, result


def seconds(value: float) -> str:
    """A duration for a table: 0.00004 -> '40 µs', 0.0123 -> '12.3 ms', 4.5 -> '4.50 s'."""
    if value < 0.001:
        return f"{value * 1_000_000:.0f} µs"
    if value < 1:
        return f"{value * 1000:.1f} ms"
    if value < 600:
        return f"{value:.2f} s"
    return f"{value / 60:.1f} min"


def markdown_table(headers: list[str], rows: list[list[object]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def python_label() -> str:
    return f"Python {platform.python_version()}"
