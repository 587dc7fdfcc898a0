from django.urls import path

from nestguard.network.views import pages

app_name = "network"
urlpatterns: list = [
    path("", pages.home, name="home"),
    path("victims/", pages.victims, name="victims"),
    path("lines/<uuid:pk>/", pages.line, name="line"),
    path("<str:kind>/<uuid:pk>/", pages.entity, name="entity"),
    path("<str:kind>/<uuid:pk>/links/new/", pages.link_add, name="link_add"),
]
