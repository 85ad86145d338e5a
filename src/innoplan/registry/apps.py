from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "innoplan.registry"
    label = "registry"
    verbose_name = _("Innovation resource registry")

    def ready(self):
        from auditlog.registry import auditlog

        from innoplan.registry import models

        for model in (
            models.Park,
            models.Organisation,
            models.Qualification,
            models.Platform,
            models.Fund,
            models.FundScale,
            models.BrandEvent,
            models.Base,
            models.Patent,
            models.PatentOwner,
            models.TalentRecognition,
            models.Team,
            models.TeamMember,
        ):
            auditlog.register(model, exclude_fields=["created", "updated"])
        # The log keeps the masked number only; unmasking is logged as an access.
        auditlog.register(
            models.Talent,
            exclude_fields=[
                "created",
                "updated",
                "id_number_encrypted",
                "id_number_digest",
                "phone_encrypted",
                "phone_digest",
            ],
        )
        # An import's batch record: who uploaded and who confirmed which file, and how it
        # ended. The rows' outcomes stay in the job's report, not in the log.
        auditlog.register(
            models.ImportJob, exclude_fields=["created", "updated", "rows_done", "report"]
        )
