from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from innoplan.api import api

urlpatterns = [
    path("", include("innoplan.dashboard.urls")),
    path("accounts/", include("innoplan.accounts.urls")),
    path("plans/", include("innoplan.plans.urls")),
    path("api/", api.urls),
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
