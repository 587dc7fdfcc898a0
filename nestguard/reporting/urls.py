from django.urls import path

from nestguard.reporting.views import costs

app_name = "reporting"

urlpatterns = [
    path("project-costs/", costs.project_costs, name="project_costs"),
]
