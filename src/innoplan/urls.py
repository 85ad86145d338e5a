from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from innoplan.api import api

urlpatterns = [
    path("", include("innoplan.dashboard.urls")),
    path("accounts/", include("innoplan.accounts.urls")),
    path("plans/", include("innoplan.plans.urls")),
    path("registry/", include("innoplan.registry.urls")),
    path("supervision/", include("innoplan.supervision.urls")),
    path("reports/", include("innoplan.reports.urls")),
    path("notifications/", include("innoplan.notifications.urls")),
    path("audit/", include("innoplan.audit.urls")),
    path("api/", api.urls),
    # Open to anonymous users: the login page carries the language switch.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
