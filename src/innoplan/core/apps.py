from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "innoplan.core"
    label = "core"
