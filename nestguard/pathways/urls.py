from django.urls import path

from nestguard.pathways import views

app_name = "pathways"
urlpatterns: list = [
    path("due/", views.due_mine, name="due"),
    path("due/team/", views.due_team, name="due_team"),
    path("missing/report/", views.missing_report, name="missing_report"),
    path("missing/people/<uuid:person_pk>/new/", views.missing_new, name="missing_new"),
    path("missing/<uuid:pk>/", views.missing_detail, name="missing_detail"),
    path("missing/<uuid:pk>/return/", views.missing_return, name="missing_return"),
    path("missing/<uuid:pk>/interview/", views.missing_interview, name="missing_interview"),
    path("nrm/people/<uuid:person_pk>/new/", views.nrm_new, name="nrm_new"),
    path("nrm/duty-to-notify/", views.dtn_list, name="dtn_list"),
    path("nrm/duty-to-notify/new/", views.dtn_new, name="dtn_new"),
    path("nrm/<uuid:pk>/", views.nrm_detail, name="nrm_detail"),
    path(
        "nrm/<uuid:pk>/reasonable-grounds/",
        views.nrm_reasonable_grounds,
        name="nrm_reasonable_grounds",
    ),
    path(
        "nrm/<uuid:pk>/conclusive-grounds/",
        views.nrm_conclusive_grounds,
        name="nrm_conclusive_grounds",
    ),
    path("nrm/<uuid:pk>/reconsideration/", views.nrm_reconsideration, name="nrm_reconsideration"),
    path("nrm/<uuid:pk>/withdraw/", views.nrm_withdraw, name="nrm_withdraw"),
    path("services/refer/<uuid:case_pk>/", views.onward_new, name="onward_new"),
    path("services/referrals/<uuid:pk>/", views.onward_detail, name="onward_detail"),
    path("services/referrals/<uuid:pk>/update/", views.onward_update, name="onward_update"),
]
