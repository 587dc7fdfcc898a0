from django.urls import path

from nestguard.enforcement import views

app_name = "enforcement"
urlpatterns = [
    path("", views.deadlines, name="deadlines"),
    path("address/<uuid:pk>/", views.address_record, name="address"),
    path("address/<uuid:pk>/chronology/", views.chronology, name="chronology"),
    path("address/<uuid:pk>/step/<slug:step>/", views.step_form, name="step"),
]
