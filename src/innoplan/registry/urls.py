"""The registry's URLs: per register a list and a detail page (``registry.registers``), and
the import pages."""

from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from innoplan.imports.views import ImportPages
from innoplan.registry import views
from innoplan.registry.registers import REGISTERS, register_by_slug

app_name = "registry"

IMPORT_PAGES = ImportPages(
    scope="registry",
    namespace=app_name,
    name="import",
    title=_("Import registers from Excel"),
    intro=_(
        "Fill a register's template in Excel, WPS or LibreOffice and upload it as .xlsx or .csv "
        "(UTF-8 or GBK). Every row is checked first and nothing is written until you confirm; "
        "then every row is imported, or none."
    ),
    home=(_("Innovation resource registry"), "registry:index"),
)

urlpatterns = [
    path("", views.registry_index, name="index"),
    path("stewards/", views.stewards, name="stewards"),
]
for register in REGISTERS:
    urlpatterns += [
        path(
            f"{register.slug}/",
            views.RegisterListView.as_view(register=register),
            name=f"{register.route}_list",
        ),
        path(
            f"{register.slug}/<int:pk>/",
            views.detail_view(register).as_view(register=register),
            name=f"{register.route}_detail",
        ),
        path(
            f"{register.slug}/quality/",
            views.RegisterQualityView.as_view(register=register),
            name=f"{register.route}_quality",
        ),
        path(
            f"{register.slug}/new/",
            views.RegisterEditView.as_view(register=register),
            name=f"{register.route}_create",
        ),
        path(
            f"{register.slug}/<int:pk>/edit/",
            views.RegisterEditView.as_view(register=register),
            name=f"{register.route}_edit",
        ),
    ]
    if register.dated:
        urlpatterns.append(
            path(
                f"{register.slug}/<int:pk>/retire/",
                views.RegisterRetireView.as_view(register=register),
                name=f"{register.route}_retire",
            )
        )
urlpatterns += [
    path(
        "organisations/<int:pk>/merge/",
        views.OrganisationMergeView.as_view(register=register_by_slug("organisations")),
        name="organisation_merge",
    ),
    path("imports/", include(IMPORT_PAGES.urlpatterns())),
]
