from django.urls import path

from nestguard.public import views

app_name = "public"

urlpatterns = [
    path("report-exploitation/", views.report, name="report"),
    path("public-reports/", views.queue, name="queue"),
    path("public-reports/<uuid:pk>/", views.detail, name="detail"),
]
