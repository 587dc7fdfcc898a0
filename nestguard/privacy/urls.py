from django.urls import path

from nestguard.privacy.views import breaches, pages

app_name = "privacy"
urlpatterns: list = [
    path("", pages.index, name="index"),
    path("record-of-processing/", pages.ropa, name="ropa"),
    path("record-of-processing/export.<str:fmt>", pages.ropa_export, name="ropa_export"),
    path("impact-assessment/", pages.dpia, name="dpia"),
    path("impact-assessment/export.<str:fmt>", pages.dpia_export, name="dpia_export"),
    path("breaches/", breaches.breach_list, name="breaches"),
    path("breaches/new/", breaches.breach_new, name="breach_new"),
    path("breaches/export.<str:fmt>", breaches.breach_export, name="breach_export"),
    path("breaches/<uuid:pk>/", breaches.breach_detail, name="breach"),
    path("breaches/<uuid:pk>/assess/", breaches.breach_assess_view, name="breach_assess"),
    path("breaches/<uuid:pk>/notice/", breaches.breach_notice_view, name="breach_notice"),
    path("breaches/<uuid:pk>/close/", breaches.breach_close_view, name="breach_close"),
]
