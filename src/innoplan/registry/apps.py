from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "innoplan.registry"
    label = "registry"
    verbose_name = _("Innovation resource registry")

    def ready(self):
        from auditlog.registry import auditlog

        from innoplan.imports import importers
        from innoplan.registry.imports import RegisterImporter
        from innoplan.registry.models import RegisterSteward
        from innoplan.registry.registers import REGISTERS, audited_models

        for model, excluded in audited_models().items():
            auditlog.register(model, exclude_fields=["created", "updated", *excluded])
        auditlog.register(RegisterSteward, exclude_fields=["created", "updated"])
        for register in REGISTERS:
            if register.resource is not None:
                importers.register(RegisterImporter(register))
