from django.urls import path

from nestguard.reporting.views import costs, dashboard, exports, pages

app_name = "reporting"
urlpatterns: list = [
    path("reports/", pages.index, name="index"),
    # Before the reports' names, which it would otherwise be taken for.
    path("reports/project-costs/", costs.project_costs, name="project_costs"),
    path("reports/<slug:name>/", pages.report, name="report"),
    path("reports/<slug:name>/print/", pages.report_print, name="print"),
    path("reports/<slug:name>.csv", exports.report_csv, name="csv"),
    path("reports/<slug:name>.ods", exports.report_ods, name="ods"),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
]
