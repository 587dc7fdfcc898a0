from django.urls import path

from nestguard.reporting.views import costs, exports, pages

app_name = "reporting"
urlpatterns: list = [
    path("", pages.index, name="index"),
    # Before the reports' names, which it would otherwise be taken for.
    path("project-costs/", costs.project_costs, name="project_costs"),
    path("<slug:name>/", pages.report, name="report"),
    path("<slug:name>/print/", pages.report_print, name="print"),
    path("<slug:name>.csv", exports.report_csv, name="csv"),
    path("<slug:name>.ods", exports.report_ods, name="ods"),
]
