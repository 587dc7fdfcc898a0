from django.urls import path

from nestguard.deconfliction.views import pages

app_name = "deconfliction"
urlpatterns: list = [
    path("", pages.operation_list, name="list"),
    path("plan/<uuid:address_pk>/", pages.operation_new, name="plan"),
    path("<uuid:pk>/", pages.operation_detail, name="detail"),
    path("<uuid:pk>/respond/", pages.operation_respond, name="respond"),
    path("<uuid:pk>/cancel/", pages.operation_cancel_view, name="cancel"),
]
