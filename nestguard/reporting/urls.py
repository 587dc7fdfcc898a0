from django.urls import path

from nestguard.reporting.views import dashboard

app_name = "reporting"

urlpatterns = [
    path("dashboard/", dashboard.dashboard, name="dashboard"),
]
