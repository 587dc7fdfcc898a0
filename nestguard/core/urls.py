from django.urls import path

from nestguard.core import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("health/", views.health, name="health"),
    path("ready/", views.ready, name="ready"),
    path("accessibility/", views.accessibility, name="accessibility"),
]
