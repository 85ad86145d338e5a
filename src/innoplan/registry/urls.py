from django.urls import path

from innoplan.registry import import_views, views

app_name = "registry"

urlpatterns = [
    path("", views.registry_index, name="index"),
    path("organisations/", views.OrganisationListView.as_view(), name="organisation_list"),
    path(
        "organisations/<int:pk>/",
        views.OrganisationDetailView.as_view(),
        name="organisation_detail",
    ),
    path("qualifications/", views.QualificationListView.as_view(), name="qualification_list"),
    path(
        "qualifications/<int:pk>/",
        views.QualificationDetailView.as_view(),
        name="qualification_detail",
    ),
    path("platforms/", views.PlatformListView.as_view(), name="platform_list"),
    path("platforms/<int:pk>/", views.PlatformDetailView.as_view(), name="platform_detail"),
    path("funds/", views.FundListView.as_view(), name="fund_list"),
    path("funds/<int:pk>/", views.FundDetailView.as_view(), name="fund_detail"),
    path("brand-events/", views.BrandEventListView.as_view(), name="brand_event_list"),
    path("brand-events/<int:pk>/", views.BrandEventDetailView.as_view(), name="brand_event_detail"),
    path("bases/", views.BaseListView.as_view(), name="base_list"),
    path("bases/<int:pk>/", views.BaseDetailView.as_view(), name="base_detail"),
    path("parks/", views.ParkListView.as_view(), name="park_list"),
    path("parks/<int:pk>/", views.ParkDetailView.as_view(), name="park_detail"),
    path("patents/", views.PatentListView.as_view(), name="patent_list"),
    path("patents/<int:pk>/", views.PatentDetailView.as_view(), name="patent_detail"),
    path("talents/", views.TalentListView.as_view(), name="talent_list"),
    path("talents/<int:pk>/", views.TalentDetailView.as_view(), name="talent_detail"),
    path(
        "talent-recognitions/",
        views.TalentRecognitionListView.as_view(),
        name="talent_recognition_list",
    ),
    path(
        "talent-recognitions/<int:pk>/",
        views.TalentRecognitionDetailView.as_view(),
        name="talent_recognition_detail",
    ),
    path("teams/", views.TeamListView.as_view(), name="team_list"),
    path("teams/<int:pk>/", views.TeamDetailView.as_view(), name="team_detail"),
    path("imports/", import_views.import_list, name="import_list"),
    path(
        "imports/template/<str:register>.xlsx",
        import_views.import_template,
        name="import_template",
    ),
    path("imports/<int:pk>/", import_views.import_job, name="import_job"),
    path("imports/<int:pk>/state/", import_views.import_job_state, name="import_job_state"),
    path("imports/<int:pk>/confirm/", import_views.import_job_confirm, name="import_job_confirm"),
]
