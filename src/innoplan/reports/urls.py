from django.urls import path

from innoplan.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
    path("request/", views.request_report, name="request"),
    path("jobs/<int:pk>/download/", views.download, name="download"),
    path("jobs/<int:pk>/status/", views.status, name="status"),
]
