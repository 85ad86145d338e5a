from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from innoplan.imports.views import ImportPages
from innoplan.supervision import views

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

IMPORT_PAGES = ImportPages(
    scope="supervision",
    namespace=app_name,
    name="milestone_import",
    title=_("Import milestones from Excel"),
    intro=_(
        "Fill the template in Excel, WPS or LibreOffice, one milestone a row, and upload it as "
        ".xlsx or .csv (UTF-8 or GBK). Every row is checked first and nothing is written until "
        "you confirm; then every row is imported, or none. A row with the same task number and "
        "milestone title as an existing milestone updates it."
    ),
    home=(_("Task battle map"), "supervision:battle_map"),
)
urlpatterns.append(path("milestones/import/", include(IMPORT_PAGES.urlpatterns())))
