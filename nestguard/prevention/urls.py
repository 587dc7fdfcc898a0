from django.urls import path

from nestguard.prevention.views import pages

app_name = "prevention"
urlpatterns: list = [
    path("", pages.entry_list, name="list"),
    path("<uuid:pk>/", pages.entry_detail, name="detail"),
    path("<uuid:pk>/refer/", pages.entry_refer, name="refer"),
]
