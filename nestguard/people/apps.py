from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "nestguard.people"
    label = "people"
