from django.urls import path

from nestguard.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.search, name="search"),
    path("checks/", views.chain_checks, name="checks"),
]
