from django.contrib import admin

from innoplan.imports.models import ImportJob


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    """Import jobs are evidence of what was loaded: readable here, changed only by the
    import pages."""

    list_display = ("file_name", "importer", "status", "rows_total", "created_by", "created")
    list_filter = ("importer", "status")
    list_select_related = ("created_by",)
    search_fields = ("file_name",)
    exclude = ("report", "file")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
