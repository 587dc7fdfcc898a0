from django.urls import path

from nestguard.places.views import imports, pages, repeats, warnings, work

app_name = "places"
urlpatterns: list = [
    path("", pages.search, name="search"),
    path("door-check/", pages.door_check, name="door_check"),
    path("register/import/", imports.register_import, name="register_import"),
    path("repeat-alerts/", repeats.repeat_alerts, name="repeat_alerts"),
    path("repeat-alerts/<uuid:pk>/", repeats.repeat_alert, name="repeat_alert"),
    path("target-hardening/", work.hardening_summary, name="hardening_summary"),
    path("warnings/<uuid:pk>/review/", warnings.warning_review_page, name="warning_review"),
    path("warnings/<uuid:pk>/withdraw/", warnings.warning_withdraw_page, name="warning_withdraw"),
    path(
        "warnings/<uuid:pk>/restriction/", warnings.warning_restrict_page, name="warning_restrict"
    ),
    path("people/<uuid:pk>/link/", work.link_add, name="link_add"),
    path("<uuid:pk>/", pages.detail, name="detail"),
    path("<uuid:pk>/warnings/new/", warnings.warning_add, name="warning_add"),
    path("<uuid:pk>/reports/new/", repeats.report_add, name="report_add"),
    path("<uuid:pk>/hardening/new/", work.hardening_add, name="hardening_add"),
    path("<uuid:pk>/nearby/", work.nearby, name="nearby"),
    path("<uuid:pk>/nearby.csv", work.nearby_csv, name="nearby_csv"),
    path("<uuid:pk>/nearby/done/", work.leaflet_done, name="leaflet_done"),
]
