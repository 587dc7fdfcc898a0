from django.urls import path

from nestguard.retention import views

app_name = "retention"
urlpatterns: list = [
    path("", views.schedule, name="schedule"),
    path("rules/<uuid:pk>/", views.rule_edit, name="rule_edit"),
    path("holds/", views.holds, name="holds"),
    path("holds/<uuid:pk>/lift/", views.hold_lift, name="hold_lift"),
    path("disposals/", views.disposals, name="disposals"),
    path("disposals/<uuid:pk>/", views.batch, name="batch"),
    path("certificates/<uuid:pk>/", views.certificate, name="certificate"),
]
