"""Writers appending at the same moment never fork the chain: on PostgreSQL the chain head's
row lock orders them (threads, each with its own connection); on SQLite the IMMEDIATE
transactions do (separate processes on a database file, as the server's workers are)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.db import connection, connections

WRITERS = 6
EACH = 8
ROOT = Path(__file__).resolve().parents[2]

WRITER = """
import os, sys, time
import django
django.setup()
from innoplan.accounts.models import Department
from innoplan.audit.services import record_event
n, start = int(sys.argv[1]), float(sys.argv[2])
while time.time() < start:
    time.sleep(0.001)
for i in range(int(sys.argv[3])):
    if i % 2:
        # A data change: django-auditlog's entry and its mirror, in one transaction.
        Department.objects.create(code=f"w{n}-{i}", name=f"部门{n}-{i}", position=100 + i)
    else:
        record_event("export", detail={"writer": n, "i": i})
"""

REPORT = """
import json
import django
django.setup()
from innoplan.audit.models import AuditEvent
from innoplan.audit.verify import verify
result = verify()
print(json.dumps({
    "records": list(AuditEvent.objects.order_by("id").values_list("id", "prev_hash", "hash")),
    "intact": result.intact,
    "broken": str(result.broken),
}))
"""


def _write_in_threads() -> list:
    from innoplan.accounts.models import Department
    from innoplan.audit.services import record_event

    start = threading.Barrier(WRITERS)
    errors = []

    def write(n):
        try:
            start.wait()
            for i in range(EACH):
                if i % 2:
                    Department.objects.create(
                        code=f"w{n}-{i}", name=f"部门{n}-{i}", position=100 + i
                    )
                else:
                    record_event("export", detail={"writer": n, "i": i})
        except Exception as error:  # reported by the test
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def _check(records, intact, broken):
    assert len(records) == WRITERS * EACH
    ids = [r[0] for r in records]
    assert ids == list(range(ids[0], ids[0] + len(records)))
    # No two records share a parent: each links to the one just before it.
    assert [r[1] for r in records[1:]] == [r[2] for r in records[:-1]]
    assert intact, broken


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("os.environ.get('DATABASE_URL', 'sqlite').startswith('sqlite')")
def test_concurrent_appends_do_not_fork_the_chain_on_postgresql():
    from innoplan.audit.models import AuditEvent
    from innoplan.audit.verify import verify

    assert connection.vendor == "postgresql"
    assert _write_in_threads() == []
    records = list(AuditEvent.objects.order_by("id").values_list("id", "prev_hash", "hash"))
    result = verify()
    _check(records, result.intact, result.broken)


def test_concurrent_appends_do_not_fork_the_chain_on_sqlite(tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'trail.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "innoplan.settings",
        "INNOPLAN_AUDIT_KEY": "a-key-for-this-test-only",
    }
    python = [sys.executable, "-c"]
    manage = [sys.executable, "-m", "django"]
    subprocess.run([*manage, "migrate", "-v0"], env=env, cwd=ROOT, check=True)
    start = time.time() + 3
    writers = [
        subprocess.Popen(
            [*python, WRITER, str(n), str(start), str(EACH)],
            env=env,
            cwd=ROOT,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(WRITERS)
    ]
    failures = [w.stderr.read() for w in writers if w.wait() != 0]
    assert failures == []
    report = subprocess.run(
        [*python, REPORT], env=env, cwd=ROOT, check=True, capture_output=True, text=True
    )
    data = json.loads(report.stdout.strip().splitlines()[-1])
    _check([tuple(r) for r in data["records"]], data["intact"], data["broken"])
