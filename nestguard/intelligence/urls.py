from django.urls import path

from nestguard.intelligence.views import pages

app_name = "intelligence"
urlpatterns: list = [
    path("", pages.mine, name="mine"),
    path("new/", pages.submit, name="submit"),
    path("<uuid:pk>/", pages.report_detail, name="report"),
    path("grading/", pages.queue, name="queue"),
    path("<uuid:pk>/grade/", pages.grade, name="grade"),
    path("<uuid:pk>/sanitise/", pages.sanitise, name="sanitise"),
    path("received/", pages.received, name="received"),
    path("sanitised/<uuid:pk>/", pages.version_detail, name="version"),
    path("sanitised/<uuid:pk>/check/", pages.check, name="check"),
    path("sanitised/<uuid:pk>/share/", pages.share, name="share"),
]
