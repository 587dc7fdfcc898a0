from django.urls import path

from nestguard.referrals import triage_views, views

app_name = "referrals"
urlpatterns = [
    path("mine/", views.mine, name="mine"),
    path("start/", views.start, name="start"),
    path("triage/", triage_views.queue, name="triage_queue"),
    path("<uuid:pk>/", triage_views.detail, name="detail"),
    path("<uuid:pk>/triage/", triage_views.triage, name="triage"),
    path("<uuid:pk>/status/", views.status, name="status"),
    path("<uuid:pk>/tasks/", views.task_list, name="task_list"),
    path("<uuid:pk>/your-details/", views.your_details, name="your_details"),
    path("<uuid:pk>/people/", views.people, name="people"),
    path("<uuid:pk>/people/add/", views.person_add, name="person_add"),
    path("<uuid:pk>/people/<uuid:subject_pk>/", views.person_change, name="person_change"),
    path("<uuid:pk>/people/<uuid:subject_pk>/remove/", views.person_remove, name="person_remove"),
    path("<uuid:pk>/address/", views.address, name="address"),
    path("<uuid:pk>/concerns/", views.concerns, name="concerns"),
    path("<uuid:pk>/signs/", views.signs, name="signs"),
    path("<uuid:pk>/urgency/", views.urgency, name="urgency"),
    path("<uuid:pk>/consent/", views.consent, name="consent"),
    path("<uuid:pk>/check/", views.check, name="check"),
    path("<uuid:pk>/sent/", views.confirmation, name="confirmation"),
]
