"""The system administrator's pages for accounts and departments."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from innoplan.accounts.models import Department, User


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "kind", "position")
    list_filter = ("kind",)
    search_fields = ("name", "code")
    ordering = ("position", "code")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "first_name", "role", "department", "is_active", "last_login")
    list_filter = ("role", "department", "is_active")
    search_fields = ("username", "first_name", "last_name", "email")
    fieldsets = (
        *DjangoUserAdmin.fieldsets[:1],
        (_("Role and department"), {"fields": ("role", "department")}),
        *DjangoUserAdmin.fieldsets[1:],
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "role", "department", "password1", "password2"),
            },
        ),
    )
