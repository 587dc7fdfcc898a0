from django.urls import path

from nestguard.channel.views import pages

app_name = "channel"
urlpatterns: list = [
    path("", pages.prevent_list, name="list"),
    path("lead/", pages.lead_settings, name="lead"),
    path("new/<str:source>/<uuid:pk>/", pages.prevent_new, name="new"),
    path("<uuid:pk>/", pages.prevent_detail, name="detail"),
    path("<uuid:pk>/<str:step>/", pages.prevent_step, name="step"),
]
