from django.urls import path

from nestguard.reporting.views import exports, pages

app_name = "reporting"
urlpatterns: list = [
    path("", pages.index, name="index"),
    path("<slug:name>/", pages.report, name="report"),
    path("<slug:name>/print/", pages.report_print, name="print"),
    path("<slug:name>.csv", exports.report_csv, name="csv"),
    path("<slug:name>.ods", exports.report_ods, name="ods"),
]
