from django.urls import path

from nestguard.places import views

app_name = "places"
urlpatterns: list = [
    path("", views.search, name="search"),
    path("<uuid:pk>/", views.detail, name="detail"),
]
