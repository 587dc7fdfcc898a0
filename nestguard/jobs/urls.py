from django.urls import path

from nestguard.jobs import views

app_name = "jobs"

urlpatterns = [
    path("", views.job_list, name="list"),
    path("start/", views.job_start, name="start"),
    path("<uuid:pk>/", views.job_detail, name="detail"),
]
