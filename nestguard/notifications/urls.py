from django.urls import path

from nestguard.notifications import views

app_name = "notifications"
urlpatterns = [
    path("account/notifications/", views.preferences, name="preferences"),
]
