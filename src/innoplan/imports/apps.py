from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "innoplan.imports"
    label = "imports"
    verbose_name = _("Imports")

    def ready(self):
        from auditlog.registry import auditlog

        from innoplan.core.crypto import after_rotation
        from innoplan.core.schedule import daily
        from innoplan.imports import models, services

        # An import's batch record: who uploaded and who confirmed which file, and how it
        # ended. The rows' outcomes stay in the job's report, not in the log.
        auditlog.register(
            models.ImportJob, exclude_fields=["created", "updated", "rows_done", "report"]
        )
        # Kept uploads are deleted when no longer needed, and move with the field key.
        daily("imports.discard_kept_files")(services.kept_files_discard)
        after_rotation(services.kept_files_reseal)
