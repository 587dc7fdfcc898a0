from django.urls import path

from nestguard.people import views

app_name = "people"
urlpatterns: list = [
    path("<uuid:pk>/", views.detail, name="detail"),
    path("<uuid:pk>/equality/", views.equality, name="equality"),
]
