from django.urls import path

from nestguard.cases import views

app_name = "cases"
urlpatterns: list = [
    path("", views.case_list, name="list"),
    path("new/", views.case_create, name="create"),
    path("<uuid:pk>/", views.case_detail, name="detail"),
    path("<uuid:pk>/notes/add/", views.note_add, name="note_add"),
    path(
        "<uuid:pk>/chronology/<uuid:entry_pk>/restriction/",
        views.entry_restrict,
        name="entry_restrict",
    ),
    path("<uuid:pk>/team/users/add/", views.team_add_user, name="team_add_user"),
    path(
        "<uuid:pk>/team/users/<uuid:user_pk>/remove/",
        views.team_remove_user,
        name="team_remove_user",
    ),
    path("<uuid:pk>/team/agencies/add/", views.team_add_agency, name="team_add_agency"),
    path(
        "<uuid:pk>/team/agencies/<uuid:agency_pk>/remove/",
        views.team_remove_agency,
        name="team_remove_agency",
    ),
    path("<uuid:pk>/people/add/", views.subject_new, name="subject_new"),
    path("<uuid:pk>/people/role/", views.subject_add, name="subject_add"),
    path("<uuid:pk>/lead/", views.lead_change, name="lead_change"),
    path("<uuid:pk>/status/", views.status_change, name="status_change"),
    path("<uuid:pk>/interventions/add/", views.intervention_add, name="intervention_add"),
    path(
        "<uuid:pk>/interventions/<uuid:intervention_pk>/",
        views.intervention_update,
        name="intervention_update",
    ),
    path("<uuid:pk>/close/", views.close, name="close"),
    path("<uuid:pk>/reopen/", views.reopen, name="reopen"),
]
