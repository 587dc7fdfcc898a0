from django.urls import path

from nestguard.risk import views

app_name = "risk"
urlpatterns: list = [
    path("cases/<uuid:pk>/assess/", views.assess, name="assess"),
    path("assessments/<uuid:pk>/", views.assessment, name="assessment"),
]
