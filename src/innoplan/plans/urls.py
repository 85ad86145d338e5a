from django.urls import path

from innoplan.plans import ingest_views, views

app_name = "plans"

urlpatterns = [
    path("indicators/<int:pk>/", views.indicator_detail, name="indicator_detail"),
    path("indicators/<int:pk>/edit/", views.indicator_edit, name="indicator_edit"),
    path("indicators/<int:pk>/report/", views.report_create, name="report_create"),
    path("indicators/<int:pk>/records/", views.indicator_records, name="indicator_records"),
    path("reports/mine/", views.my_reports, name="my_reports"),
    path("reports/pending/", views.review_list, name="review_list"),
    path("reports/<int:pk>/review/", views.report_review, name="report_review"),
    path("reports/<int:pk>/attachment/", views.report_attachment, name="report_attachment"),
    path("tasks/<int:pk>/edit/", views.task_edit, name="task_edit"),
    path("ingest/", ingest_views.plan_ingest, name="plan_ingest"),
    path("ingest/confirm/", ingest_views.plan_ingest_confirm, name="plan_ingest_confirm"),
]
