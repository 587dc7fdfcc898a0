from django.urls import path

from nestguard.operations import views

app_name = "operations"
urlpatterns = [
    path("restore-drills/", views.restore_drills, name="restore_drills"),
]
