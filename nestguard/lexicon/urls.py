from django.urls import path

from nestguard.lexicon.views import pages

app_name = "lexicon"
urlpatterns: list = [
    path("", pages.glossary, name="glossary"),
    path("new/", pages.term_new, name="new"),
    path("<slug:slug>/change/", pages.term_change, name="change"),
]
