"""Run the load benchmark against a real server process, on SQLite and on PostgreSQL.

For each database: build a fresh database with the demo data and the load accounts
(``setup_load.py``), start ``innoplan serve`` (gunicorn + the background worker) on it, run
locust headless for the given time with 15 writers and 50 readers (``locustfile.py``), stop the
server, and collect from locust's CSV and the server's log: requests, failures, 5xx answers,
"database is locked" lines, and p50/p95/p99 per request type and overall.

    .venv/bin/python benchmarks/load/run.py --databases sqlite postgresql \
        --workdir /tmp/bench-load --report /tmp/bench-load/load.json
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
BIN = Path(sys.executable).parent
ACCESS_STATUS = re.compile(r'" (\d{3}) ')
LOCKED = "database is locked"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_postgres(workdir: Path) -> tuple[str, Path]:
    cluster = workdir / "pg"
    shutil.rmtree(cluster, ignore_errors=True)
    cluster.mkdir(parents=True)
    out = subprocess.run(
        [str(ROOT / "scripts/pg-throwaway"), "start", str(cluster)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    url = next(
        line.split("=", 1)[1] for line in out.splitlines() if line.startswith("DATABASE_URL=")
    )
    return url, cluster


def stop_postgres(cluster: Path) -> None:
    subprocess.run([str(ROOT / "scripts/pg-throwaway"), "stop", str(cluster)], check=False)


def wait_until_up(url: str, server: subprocess.Popen, seconds: int = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server ended ({server.returncode}) before answering")
        try:
            with urllib.request.urlopen(url + "/accounts/login/", timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit("the server did not answer within a minute")


def read_stats(prefix: Path) -> dict:
    rows = {}
    with open(f"{prefix}_stats.csv", newline="") as handle:
        for row in csv.DictReader(handle):
            name = "overall" if row["Name"] == "Aggregated" else f"{row['Type']} {row['Name']}"
            rows[name] = {
                "requests": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "rps": round(float(row["Requests/s"]), 1),
                "p50_ms": int(float(row["50%"])),
                "p95_ms": int(float(row["95%"])),
                "p99_ms": int(float(row["99%"])),
                "max_ms": int(float(row["Max Response Time"])),
            }
    return rows


def read_failures(prefix: Path) -> list[dict]:
    path = Path(f"{prefix}_failures.csv")
    if not path.exists():
        return []
    with open(path, newline="") as handle:
        return [
            {
                "request": f"{r['Method']} {r['Name']}",
                "error": r["Error"],
                "count": int(r["Occurrences"]),
            }
            for r in csv.DictReader(handle)
        ]


def run_one(kind: str, args, workdir: Path) -> dict:
    here = workdir / kind
    shutil.rmtree(here, ignore_errors=True)
    here.mkdir(parents=True)
    cluster = None
    if kind == "sqlite":
        url = f"sqlite:///{here / 'innoplan.sqlite3'}"
    else:
        url, cluster = start_postgres(workdir)
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "INNOPLAN_VAR_DIR": str(here / "var"),
        "DJANGO_SETTINGS_MODULE": "innoplan.settings",
        # gthread workers: threads overlap the waits on the database within a process.
        # A keep-alive longer than the users' think time, so that a connection is not closed by
        # the server just as the client reuses it.
        "GUNICORN_CMD_ARGS": f"--threads {args.threads} --timeout 60 --keep-alive 30",
    }
    server = None
    try:
        accounts = here / "accounts.json"
        started = time.monotonic()
        subprocess.run(
            [
                sys.executable,
                str(HERE / "setup_load.py"),
                "--database-url",
                url,
                "--accounts",
                str(accounts),
            ],
            check=True,
            env=env,
        )
        setup_seconds = time.monotonic() - started
        port = free_port()
        host = f"http://127.0.0.1:{port}"
        log = open(here / "server.log", "w")  # noqa: SIM115 - held by the server process
        server = subprocess.Popen(
            [str(BIN / "innoplan"), "serve", "--port", str(port), "--workers", str(args.workers)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        wait_until_up(host, server)
        load_before = Path("/proc/loadavg").read_text().split()[:3]
        prefix = here / "locust"
        subprocess.run(
            [
                str(BIN / "locust"),
                "-f",
                str(HERE / "locustfile.py"),
                "--headless",
                "-u",
                "65",
                "-r",
                str(args.spawn_rate),
                "-t",
                f"{args.seconds}s",
                "--host",
                host,
                "--csv",
                str(prefix),
                "--only-summary",
                "--stop-timeout",
                "10",
                "--exit-code-on-error",
                "0",
            ],
            check=True,
            env={**env, "LOAD_ACCOUNTS": str(accounts)},
        )
        load_after = Path("/proc/loadavg").read_text().split()[:3]
    finally:
        if server is not None and server.poll() is None:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        if cluster is not None:
            stop_postgres(cluster)
    text = (here / "server.log").read_text(errors="replace")
    statuses = [int(m) for m in ACCESS_STATUS.findall(text)]
    stats = read_stats(prefix)
    return {
        "database": json.loads(accounts.read_text())["database"],
        "setup_seconds": round(setup_seconds, 1),
        "seconds": args.seconds,
        "workers": args.workers,
        "threads": args.threads,
        "requests": stats["overall"]["requests"],
        "failures": stats["overall"]["failures"],
        "server_5xx": sum(1 for s in statuses if s >= 500),
        "server_requests_logged": len(statuses),
        "database_is_locked": text.count(LOCKED),
        "loadavg_before": load_before,
        "loadavg_after": load_after,
        "stats": stats,
        "failure_list": read_failures(prefix),
    }


def markdown(result: dict) -> str:
    lines = [
        f"#### {result['database']}: {result['requests']:,} requests in {result['seconds']} s, "
        f"{result['failures']} failures, {result['server_5xx']} 5xx, "
        f'{result["database_is_locked"]} "database is locked"',
        "",
        "| request | count | failures | req/s | p50 | p95 | p99 | max |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, row in result["stats"].items():
        shown = f"**{name}**" if name == "overall" else f"`{name}`"
        lines.append(
            f"| {shown} | {row['requests']:,} | {row['failures']} | {row['rps']} | "
            f"{row['p50_ms']} ms | {row['p95_ms']} ms | {row['p99_ms']} ms | {row['max_ms']} ms |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--databases", nargs="+", default=["sqlite", "postgresql"], choices=["sqlite", "postgresql"]
    )
    parser.add_argument("--workdir", default="/tmp/bench-load")
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=5, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker")
    parser.add_argument(
        "--spawn-rate", type=int, default=7, help="users started a second (all 65 within 10 s)"
    )
    parser.add_argument("--report", help="write the results as JSON here")
    args = parser.parse_args()
    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    report = {
        "machine": {
            "cpus": os.cpu_count(),
            "processor": platform.processor() or platform.machine(),
            "python": platform.python_version(),
            "system": platform.platform(),
        },
        "runs": [],
    }
    for kind in args.databases:
        result = run_one(kind, args, workdir)
        report["runs"].append(result)
        print(markdown(result), flush=True)
        for failure in result["failure_list"]:
            print(f"  failure: {failure['count']}× {failure['request']}: {failure['error']}")
    if args.report:
        Path(args.report).write_text(json.dumps(report, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
