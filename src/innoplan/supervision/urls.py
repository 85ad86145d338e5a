from django.urls import path

from innoplan.supervision import views
from innoplan.supervision.import_views import urlpatterns_import

app_name = "supervision"

urlpatterns = [
    path("", views.battle_map, name="battle_map"),
    path("scoreboard/", views.scoreboard, name="scoreboard"),
    path("mine/", views.my_list, name="my_list"),
    path("milestones/", views.milestone_list, name="milestone_list"),
    path("milestones/new/", views.milestone_create, name="milestone_create"),
    path("milestones/<int:pk>/", views.milestone_detail, name="milestone_detail"),
    path("milestones/<int:pk>/edit/", views.milestone_edit, name="milestone_edit"),
    path("updates/<int:pk>/review/", views.progress_review, name="progress_review"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence_download"),
    path("projects/", views.project_list, name="project_list"),
    path("projects/new/", views.project_create, name="project_create"),
    path("policy/", views.policy_edit, name="policy"),
    path("notices/", views.notice_list, name="notice_list"),
    path("notices/<int:pk>/", views.notice_detail, name="notice_detail"),
]

urlpatterns += urlpatterns_import
