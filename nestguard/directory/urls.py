from django.urls import path

from nestguard.directory.views import pages

app_name = "directory"
urlpatterns: list = [
    path("", pages.service_list, name="list"),
    path("new/", pages.service_new, name="new"),
    path("<slug:code>/change/", pages.service_change, name="change"),
    path("<slug:code>/retire/", pages.service_retire, name="retire"),
]
