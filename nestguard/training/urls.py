from django.urls import path

from nestguard.training.views import pages

app_name = "training"
urlpatterns: list = [
    path("", pages.agency_training, name="agency"),
    path("record/", pages.completion_new, name="record"),
    path("import/", pages.completion_import, name="import"),
    path("mine/", pages.my_training, name="mine"),
]
