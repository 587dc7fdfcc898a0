from django.urls import path

from nestguard.reporting.views import dashboard, exports, pages

app_name = "reporting"
urlpatterns: list = [
    path("reports/", pages.index, name="index"),
    path("reports/<slug:name>/", pages.report, name="report"),
    path("reports/<slug:name>/print/", pages.report_print, name="print"),
    path("reports/<slug:name>.csv", exports.report_csv, name="csv"),
    path("reports/<slug:name>.ods", exports.report_ods, name="ods"),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
]
