"""Import jobs move from the registry to the imports app, which serves every importer. Jobs
already recorded keep their report and history; the files they kept in clear are deleted, as
kept uploads are now encrypted and discarded once their import ends."""

import django.db.models.deletion
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import migrations, models

import innoplan.imports.importers


def move_jobs(apps, schema_editor):
    try:
        Old = apps.get_model("registry", "ImportJob")
    except LookupError:
        return
    New = apps.get_model("imports", "ImportJob")
    for old in Old.objects.order_by("pk").iterator():
        if old.file:
            try:
                default_storage.delete(old.file.name)
                default_storage.delete(f"{old.file.name}.progress.json")
            except OSError:
                pass
        new = New.objects.create(
            importer=old.register,
            file_name=old.file_name,
            file="",
            status=old.status,
            rows_done=old.rows_done,
            rows_total=old.rows_total,
            report=old.report,
            error=old.error,
            created_by_id=old.created_by_id,
            applied_by_id=old.applied_by_id,
            checked_at=old.checked_at,
            applied_at=old.applied_at,
        )
        New.objects.filter(pk=new.pk).update(created=old.created, updated=old.updated)


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("registry", "0007_talent_phone"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ImportJob",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("created", models.DateTimeField(auto_now_add=True, verbose_name="created")),
                ("updated", models.DateTimeField(auto_now=True, verbose_name="updated")),
                (
                    "importer",
                    models.CharField(
                        choices=innoplan.imports.importers.importer_choices,
                        max_length=40,
                        verbose_name="register",
                    ),
                ),
                ("file_name", models.CharField(max_length=255, verbose_name="file name")),
                (
                    "file",
                    models.FileField(
                        blank=True, max_length=255, upload_to="imports/%Y/%m/", verbose_name="file"
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("checking", "Checking"),
                            ("checked", "Checked"),
                            ("applying", "Importing"),
                            ("applied", "Imported"),
                            ("refused", "Refused"),
                            ("failed", "Failed"),
                        ],
                        default="checking",
                        max_length=16,
                        verbose_name="status",
                    ),
                ),
                ("rows_done", models.PositiveIntegerField(default=0, verbose_name="rows done")),
                ("rows_total", models.PositiveIntegerField(default=0, verbose_name="rows in all")),
                ("report", models.JSONField(blank=True, null=True, verbose_name="report")),
                ("error", models.TextField(blank=True, verbose_name="error")),
                (
                    "checked_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="checked at"),
                ),
                (
                    "applied_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="imported at"),
                ),
                (
                    "applied_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="confirmed by",
                    ),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="import_jobs",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="uploaded by",
                    ),
                ),
            ],
            options={
                "verbose_name": "import job",
                "verbose_name_plural": "import jobs",
                "ordering": ["-created", "-id"],
                "indexes": [models.Index(fields=["-created"], name="imports_importjob_created")],
            },
        ),
        migrations.RunPython(move_jobs, migrations.RunPython.noop),
    ]
