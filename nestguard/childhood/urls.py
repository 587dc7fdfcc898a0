from django.urls import path

from nestguard.childhood.views import pages

app_name = "childhood"
urlpatterns: list = [
    path("person/<uuid:person_pk>/placements/new/", pages.placement_new, name="placement_new"),
    path("placements/<uuid:pk>/end/", pages.placement_end_view, name="placement_end"),
    path("person/<uuid:person_pk>/education/new/", pages.education_new, name="education_new"),
    path("education/<uuid:pk>/end/", pages.education_end_view, name="education_end"),
    path(
        "case/<uuid:case_pk>/transition/<uuid:person_pk>/",
        pages.transition_view,
        name="transition",
    ),
]
