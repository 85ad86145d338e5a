"""The system administrator's pages for accounts and departments.

Under the separation of duties (三员) the system administrator is not a Django superuser: the
admin site shows him what accounts/rules.py grants (accounts and departments), nothing of the
audit trail, lockouts, second-factor devices or business data. He creates and deactivates
accounts and sets temporary passwords, but cannot grant roles: a new account has no role (it
reads nothing) until a security administrator gives it one. A password he sets is temporary:
its owner must change it before any other page opens, and he cannot lift that obligation
(``must_change_password`` is read-only here). The accounts that may open personal data pass a
second factor too, which he cannot reset."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm, SetUnusablePasswordMixin
from django.http import HttpResponseRedirect
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from innoplan.accounts.choices import Role
from innoplan.accounts.models import Department, User

# A new account reads nothing until a security administrator grants it its role: an account
# the system administrator makes is no way into business data.
LEAST_PRIVILEGED_ROLE = Role.NO_ROLE

# The site's own name, not "Django 管理", in the admin's header and page titles.
admin.site.site_header = _("innoplan system administration")
admin.site.site_title = _("innoplan system administration")

# Django 5.2's Chinese catalogue lacks these admin words the system administrator meets (the
# app list's headers for screen readers, the new account page's note); ours holds them, marked
# here so that makemessages keeps them.
DJANGO_ADMIN_WORDS = (
    gettext_noop("Model name"),
    gettext_noop("Add link"),
    gettext_noop("Change or view list link"),
    gettext_noop("After you’ve created a user, you’ll be able to edit more user options."),
)


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "kind", "position")
    list_filter = ("kind",)
    search_fields = ("name", "code")
    ordering = ("position", "code")


class TemporaryPasswordForm(AdminPasswordChangeForm):
    """A password set by an administrator is temporary: the user changes it at next sign-in."""

    # Django writes this warning in English only.
    usable_password_help_text = format_lazy(
        '{}<ul id="id_unusable_warning" class="messagelist"><li class="warning">{}</li></ul>',
        SetUnusablePasswordMixin.usable_password_help_text,
        _("If disabled, the current password for this user will be lost."),
    )

    def save(self, commit=True):
        user = super().save(commit=False)
        user.must_change_password = True
        if commit:
            user.save()
        return user


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "first_name", "role", "department", "is_active", "last_login")
    list_filter = ("role", "department", "is_active")
    search_fields = ("username", "first_name", "last_name", "email")
    change_password_form = TemporaryPasswordForm
    # Roles are granted by a security administrator; superuser status, groups and per-user
    # permissions are not used at all (rights come from the role, in rules.py).
    # A forced password change is lifted only by its owner changing the password.
    readonly_fields = (
        "role",
        "must_change_password",
        "password_changed_at",
        "last_login",
        "date_joined",
    )
    fieldsets = (
        *DjangoUserAdmin.fieldsets[:1],
        (_("Personal info"), {"fields": ("first_name", "last_name", "email")}),
        (_("Role and department"), {"fields": ("role", "department")}),
        (
            _("Status"),
            {
                "fields": (
                    "is_active",
                    "is_staff",
                    "must_change_password",
                    "password_changed_at",
                    "last_login",
                    "date_joined",
                )
            },
        ),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "department", "usable_password", "password1", "password2"),
            },
        ),
    )

    def has_delete_permission(self, request, obj=None):
        # Accounts are deactivated, never deleted: the audit trail keeps referring to them.
        return False

    def save_model(self, request, obj, form, change):
        if not change:
            obj.role = LEAST_PRIVILEGED_ROLE
            obj.must_change_password = True
            obj.is_superuser = False
        super().save_model(request, obj, form, change)

    def user_change_password(self, request, id, form_url=""):
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and isinstance(response, HttpResponseRedirect):
            from innoplan.audit.services import record_event

            record_event("password.reset", request=request, obj=self.get_object(request, id))
        return response
