"""The import pages (here the registry's) with real files: who may use them, the templates,
the check's preview with every error by row and column, confirm (all rows or none, once),
re-imports that change nothing, hostile files refused with nothing stored, and large files
checked and imported by the database-backed worker with their progress shown."""

from __future__ import annotations

import io
import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from auditlog.models import LogEntry
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from openpyxl import load_workbook

from innoplan.accounts.models import Department
from innoplan.imports import storage, tasks
from innoplan.imports.models import ImportJob
from innoplan.registry.models import Organisation
from innoplan.registry.registers import IMPORTED
from tests.registry.builders import credit_code
from tests.spreadsheets import ORG_HEADERS, xlsx

pytestmark = pytest.mark.django_db

LIST = reverse("registry:import_list")


def org_row(code=None, name="北京智云科技有限公司", town="宋庄镇"):
    return [code or credit_code(), name, "企业", "数字经济", town, "2020-01-01"]


def good_file(count=2) -> bytes:
    return xlsx(ORG_HEADERS, [org_row(name=f"北京第{n}科技有限公司") for n in range(count)])


def upload(client, data: bytes, name="机构名单.xlsx", register="organisations"):
    return client.post(LIST, {"importer": register, "file": SimpleUploadedFile(name, data)})


def job_url(job, name="import_job"):
    return reverse(f"registry:{name}", args=[job.pk])


def stored_files(root: Path) -> list[Path]:
    return [Path(d) / f for d, _, files in os.walk(root) for f in files]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def owner_client(client, plan_owner):
    client.force_login(plan_owner)
    return client


@pytest.fixture
def in_english(client):
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def background(settings):
    """Every file, however small, goes to the background worker."""
    settings.INNOPLAN_IMPORT_BACKGROUND_ROWS = 1


def run_worker():
    """The database worker, as `innoplan serve` runs it, until the queue is empty."""
    call_command(
        "db_worker", batch=True, startup_delay=False, reload=False, interval=0, verbosity=0
    )


# --- who may import ------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["reporter_a", "leader", "sysadmin"])
def test_only_the_registrys_stewards_reach_the_import_pages(
    client, request, persona, plan_owner, town
):
    client.force_login(plan_owner)
    upload(client, good_file())
    job = ImportJob.objects.get()
    client.force_login(request.getfixturevalue(persona))
    template = reverse("registry:import_template", args=["organisations"])
    for url in (LIST, template, job_url(job), job_url(job, "import_job_state")):
        assert client.get(url).status_code == 403, url
    assert upload(client, good_file()).status_code == 403
    assert client.post(job_url(job, "import_job_confirm")).status_code == 403
    assert ImportJob.objects.count() == 1
    assert ImportJob.objects.get().status == ImportJob.Status.CHECKED
    assert not Organisation.objects.exists()


def test_the_plan_owner_sees_the_import_page_and_a_link_to_it(owner_client):
    response = owner_client.get(LIST)
    assert response.status_code == 200
    assert b'data-testid="upload-form"' in response.content
    assert LIST.encode() in owner_client.get(reverse("registry:index")).content
    organisations = owner_client.get(reverse("registry:organisation_list"))
    assert LIST.encode() in organisations.content


def test_readers_get_no_link_to_the_import_page(client, reporter_a):
    client.force_login(reporter_a)
    assert LIST.encode() not in client.get(reverse("registry:index")).content


def test_the_list_of_uploads_takes_as_many_queries_for_many_jobs_as_for_one(
    owner_client, plan_owner, django_assert_max_num_queries
):
    def add_jobs(count):
        for n in range(count):
            ImportJob.objects.create(
                importer="patents",
                file_name=f"专利{n}.xlsx",
                file=f"imports/x{n}.xlsx",
                created_by=plan_owner,
                status=ImportJob.Status.CHECKED,
                report={"rows": [{"row": 2}] * 1000},  # never loaded for the list
            )

    add_jobs(1)
    owner_client.get(LIST)
    with CaptureQueriesContext(connection) as one:
        owner_client.get(LIST)
    add_jobs(20)
    with django_assert_max_num_queries(len(one)):
        page = owner_client.get(LIST).content.decode()
    assert page.count('data-testid="job-row"') == 21
    assert not any('"report"' in q["sql"] for q in one)


# --- templates ----------------------------------------------------------------------------------


@pytest.mark.parametrize("register", IMPORTED, ids=lambda r: r.slug)
def test_each_registers_template_downloads_with_its_headers(owner_client, register):
    response = owner_client.get(reverse("registry:import_template", args=[register.slug]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=UTF-8''{quote(register.resource.title)}" in disposition
    assert disposition.endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [cell.value for cell in sheet[1]] == register.resource.headers()


def test_an_unknown_register_has_no_template(owner_client):
    response = owner_client.get(reverse("registry:import_template", args=["moons"]))
    assert response.status_code == 404


# --- the check, the preview and confirm -------------------------------------------------------


def test_the_preview_names_each_error_by_row_and_column_and_offers_no_confirm(
    owner_client, town, english
):
    rows = [org_row(), org_row(town="火星镇"), org_row(name="")]
    response = upload(owner_client, xlsx(ORG_HEADERS, rows))
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response.url == job_url(job)
    assert job.status == ImportJob.Status.CHECKED
    assert job.counts == {"new": 1, "update": 0, "unchanged": 0, "error": 2}
    assert job.file_name == "机构名单.xlsx"

    page = owner_client.get(job_url(job)).content.decode()
    assert 'data-testid="confirm-button"' not in page
    # Rows in the file's order, each error with its column.
    first_rows = page.split('data-testid="report-row"')[1:4]
    assert 'data-row="2" data-outcome="new"' in first_rows[0]
    assert 'data-row="3" data-outcome="error"' in first_rows[1]
    assert "所在镇街" in first_rows[1] and "火星镇" in first_rows[1]
    assert 'data-row="4" data-outcome="error"' in first_rows[2]
    assert "名称" in first_rows[2]

    response = owner_client.post(job_url(job, "import_job_confirm"))
    assert response.status_code == 302
    assert not Organisation.objects.exists()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.CHECKED
    assert 'data-testid="message"' in owner_client.get(job_url(job)).content.decode()


def test_the_preview_can_show_one_outcome_a_page_at_a_time(owner_client, town):
    upload(owner_client, xlsx(ORG_HEADERS, [*[org_row() for _ in range(150)], org_row(town="无")]))
    job = ImportJob.objects.get()
    page = owner_client.get(job_url(job)).content.decode()
    assert page.count('data-testid="report-row"') == 100
    assert page.index('data-row="2"') < page.index('data-row="3"')  # the file's order
    assert 'data-row="152"' not in page  # on the second page
    errors = owner_client.get(job_url(job) + "?show=error").content.decode()
    assert errors.count('data-testid="report-row"') == 1
    second = owner_client.get(job_url(job) + "?show=new&page=2").content.decode()
    assert second.count('data-testid="report-row"') == 50


def test_a_good_file_is_imported_on_confirm_and_again_changes_nothing(
    owner_client, plan_owner, town
):
    data = good_file(2)
    upload(owner_client, data)
    job = ImportJob.objects.get()
    assert job.counts == {"new": 2, "update": 0, "unchanged": 0, "error": 0}
    assert 'data-testid="confirm-button"' in owner_client.get(job_url(job)).content.decode()
    assert not Organisation.objects.exists()

    response = owner_client.post(job_url(job, "import_job_confirm"))
    assert response.status_code == 302 and response.url == job_url(job)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.APPLIED
    assert job.applied_by == plan_owner and job.applied_at is not None
    assert Organisation.objects.count() == 2
    page = owner_client.get(job_url(job)).content.decode()
    assert 'data-status="applied"' in page
    assert 'data-testid="confirm-button"' not in page

    # The job is the import's batch record in the audit log.
    actions = LogEntry.objects.get_for_object(job).values_list("actor", "changes_text")
    assert {actor for actor, _ in actions} == {plan_owner.pk}
    assert LogEntry.objects.get_for_object(job).count() >= 3  # uploaded, checked, applied

    # A second confirm does nothing.
    owner_client.post(job_url(job, "import_job_confirm"))
    assert Organisation.objects.count() == 2

    upload(owner_client, data)
    again = ImportJob.objects.exclude(pk=job.pk).get()
    assert again.counts == {"new": 0, "update": 0, "unchanged": 2, "error": 0}
    owner_client.post(job_url(again, "import_job_confirm"))
    again.refresh_from_db()
    assert again.status == ImportJob.Status.APPLIED
    assert Organisation.objects.count() == 2


def test_an_import_that_meets_errors_when_it_runs_is_refused_and_writes_nothing(owner_client, town):
    upload(owner_client, good_file(2))
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.CHECKED
    Department.objects.filter(pk=town.pk).delete()  # the rows' town is gone since the check

    owner_client.post(job_url(job, "import_job_confirm"))
    job.refresh_from_db()
    assert job.status == ImportJob.Status.REFUSED
    assert job.counts["error"] == 2
    assert not Organisation.objects.exists()
    page = owner_client.get(job_url(job)).content.decode()
    assert 'data-status="refused"' in page
    assert 'data-testid="confirm-button"' not in page


# --- refused files ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"\x00\x01\x02 not a spreadsheet \xff" * 50, "data.csv", "not a spreadsheet"),
        (b"PK\x03\x04" + b"\x00" * 300, "机构.xlsx", "damaged"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 300, "机构.xls", ".xls"),
    ],
)
def test_a_file_that_is_no_spreadsheet_is_refused_with_nothing_stored(
    owner_client, media, in_english, data, name, message
):
    response = upload(owner_client, data, name=name)
    assert response.status_code == 400
    errors = [e.strip() for e in response.content.decode().split('data-testid="upload-error">')]
    assert message in " ".join(errors[1:])
    assert not ImportJob.objects.exists()
    assert stored_files(media) == []


def test_a_file_over_the_limit_is_refused_before_it_is_read(
    owner_client, media, settings, in_english, town
):
    settings.INNOPLAN_IMPORT_MAX_BYTES = 2048
    response = upload(owner_client, good_file(200))
    assert response.status_code == 400
    assert "the limit is" in response.content.decode()
    assert not ImportJob.objects.exists()
    assert stored_files(media) == []


def test_a_file_without_the_key_column_fails_with_the_reason(owner_client, in_english):
    upload(owner_client, xlsx(["名称", "机构类型"], [["北京甲科技有限公司", "企业"]]))
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.FAILED
    assert "统一社会信用代码" in job.error
    page = owner_client.get(job_url(job)).content.decode()
    assert 'data-testid="job-error"' in page and "统一社会信用代码" in page


# --- large files: the background worker and its progress --------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("background")
def test_a_large_file_is_checked_and_imported_by_the_database_worker(owner_client, town, media):
    response = upload(owner_client, good_file(3))
    job = ImportJob.objects.get()
    assert response.url == job_url(job)
    assert job.status == ImportJob.Status.CHECKING
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "innoplan.imports.tasks.import_job_check"
    assert queued.args_kwargs == {"args": [job.pk], "kwargs": {}}

    # Until a worker takes it, the page waits and keeps asking.
    state = owner_client.get(job_url(job, "import_job_state")).content.decode()
    assert 'hx-trigger="every 1s"' in state
    assert 'data-status="checking"' in state
    assert "<progress" in state and "value=" not in state

    run_worker()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.CHECKED
    assert (job.rows_done, job.rows_total) == (3, 3)
    assert job.counts["new"] == 3
    assert not Organisation.objects.exists()
    assert [f.name for f in stored_files(media)] == [Path(job.file.name).name]  # no progress
    state = owner_client.get(job_url(job, "import_job_state")).content.decode()
    assert "hx-trigger" not in state
    assert 'data-testid="confirm-button"' in state

    owner_client.post(job_url(job, "import_job_confirm"))
    job.refresh_from_db()
    assert job.status == ImportJob.Status.APPLYING
    assert not Organisation.objects.exists()
    run_worker()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.APPLIED
    assert Organisation.objects.count() == 3
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}


@pytest.mark.usefixtures("background")
def test_progress_is_readable_by_other_processes_while_the_rows_are_read(
    owner_client, town, monkeypatch
):
    upload(owner_client, good_file(450))
    job = ImportJob.objects.get()
    assert storage.read_progress(job) is None  # queued: no worker has started it

    seen = []
    write = storage.ProgressFile.write

    def write_and_read(self, done, total):
        write(self, done, total)
        seen.append(storage.read_progress(job))  # as a web process reads it from the storage
        if done == 200:
            state = owner_client.get(job_url(job, "import_job_state")).content.decode()
            seen.append("200 / 450" in state and 'value="200" max="450"' in state)

    monkeypatch.setattr(storage, "PROGRESS_INTERVAL", 0)
    monkeypatch.setattr(storage.ProgressFile, "write", write_and_read)
    tasks.import_job_check.call(job.pk)
    assert seen == [(0, 450), (200, 450), True, (400, 450), (450, 450)]
    job.refresh_from_db()
    assert job.status == ImportJob.Status.CHECKED
    assert (job.rows_done, job.rows_total) == (450, 450)
    assert storage.read_progress(job) is None  # the file is gone once the row says it all


def test_polling_a_running_job_writes_nothing_to_the_database(owner_client, background, town):
    upload(owner_client, good_file(3))
    job = ImportJob.objects.get()
    owner_client.get(job_url(job))  # the session has been saved once by now
    with CaptureQueriesContext(connection) as queries:
        response = owner_client.get(job_url(job, "import_job_state"))
    assert response.status_code == 200
    writes = [
        q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE"))
    ]
    assert writes == []


def test_a_job_no_worker_moves_for_ten_minutes_is_shown_as_stalled(owner_client, background, town):
    upload(owner_client, good_file(3))
    job = ImportJob.objects.get()
    state = job_url(job, "import_job_state")
    assert 'data-testid="job-stalled"' not in owner_client.get(state).content.decode()
    ImportJob.objects.filter(pk=job.pk).update(updated=timezone.now() - timedelta(minutes=11))
    assert 'data-testid="job-stalled"' in owner_client.get(state).content.decode()
    storage.ProgressFile(job).write(100, 3000)  # a worker has just written its progress
    page = owner_client.get(state).content.decode()
    assert 'data-testid="job-stalled"' not in page
    assert 'value="100" max="3000"' in page


def test_a_task_run_twice_changes_nothing_the_second_time(owner_client, background, town):
    upload(owner_client, good_file(2))
    job = ImportJob.objects.get()
    assert tasks.import_job_check.call(job.pk) == ImportJob.Status.CHECKED
    owner_client.post(job_url(job, "import_job_confirm"))
    assert tasks.import_job_apply.call(job.pk) == ImportJob.Status.APPLIED
    assert tasks.import_job_apply.call(job.pk) == ImportJob.Status.APPLIED
    assert tasks.import_job_check.call(job.pk) == ImportJob.Status.APPLIED
    assert Organisation.objects.count() == 2


# --- innoplan serve ---------------------------------------------------------------------------


def test_serve_runs_the_worker_beside_the_web_server_and_stops_both(monkeypatch):
    from innoplan.core.management.commands import serve

    started = []

    class Child:
        def __init__(self, argv, **kwargs):
            self.argv, self.signals, self.returncode = argv, [], None
            started.append(self)

        def poll(self):
            return self.returncode

        def send_signal(self, signum):
            self.signals.append(signum)
            self.returncode = 0

        def wait(self):
            return self.returncode

        def kill(self):
            self.returncode = -9

    def web_ends(self, children):
        children["web"].returncode = 1  # gunicorn could not bind, say
        return 1

    monkeypatch.setattr(serve.subprocess, "Popen", Child)
    monkeypatch.setattr(serve.Command, "_wait_for_first", web_ends)
    with pytest.raises(SystemExit) as exit:
        call_command("serve", port=8123, stdout=io.StringIO())
    assert exit.value.code == 1
    worker, web = started
    assert worker.argv[-4:] == ["db_worker", "--no-reload", "--verbosity", "1"]
    assert "gunicorn" in web.argv and "127.0.0.1:8123" in web.argv
    assert worker.signals == [serve.signal.SIGTERM]  # the worker stops with the server


def test_an_update_row_shows_which_fields_change_from_what_to_what(owner_client, town):
    from innoplan.accounts.choices import DepartmentKind

    other = Department.objects.create(code="zjw", name="张家湾镇", kind=DepartmentKind.TOWN)
    code = credit_code()
    upload(owner_client, xlsx(ORG_HEADERS, [org_row(code, name="北京旧名科技有限公司")]))
    first = ImportJob.objects.get()
    owner_client.post(job_url(first, "import_job_confirm"))

    upload(
        owner_client,
        xlsx(ORG_HEADERS, [org_row(code, name="北京新名科技有限公司", town=other.name)]),
    )
    job = ImportJob.objects.exclude(pk=first.pk).get()
    [row] = job.report["rows"]
    assert row["outcome"] == "update"
    assert sorted(row["changes"]) == [
        ["名称", "北京旧名科技有限公司", "北京新名科技有限公司"],
        ["所在镇街", "宋庄镇", "张家湾镇"],
    ]
    page = owner_client.get(job_url(job)).content.decode()
    assert page.count('data-testid="row-change"') == 2 and "张家湾镇" in page


def test_rows_with_warnings_are_imported_only_once_the_steward_says_he_checked_them(
    owner_client, town
):
    from tests.registry.builders import with_wrong_check_character

    doubtful = with_wrong_check_character(credit_code())
    upload(owner_client, xlsx(ORG_HEADERS, [org_row(doubtful), org_row()]))
    job = ImportJob.objects.get()
    page = owner_client.get(job_url(job)).content.decode()
    assert 'data-testid="warnings-checked"' in page

    owner_client.post(job_url(job, "import_job_confirm"))
    job.refresh_from_db()
    assert job.status == ImportJob.Status.CHECKED and not Organisation.objects.exists()

    owner_client.post(job_url(job, "import_job_confirm"), {"warnings_checked": "1"})
    job.refresh_from_db()
    assert job.status == ImportJob.Status.APPLIED and Organisation.objects.count() == 2
