from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "innoplan.core"
    label = "core"

    def ready(self):
        from innoplan.core.schedule import daily
        from innoplan.core.uploads import kept_uploads_discard

        daily("core.discard_kept_uploads")(kept_uploads_discard)
