from django.apps import AppConfig


class PathwaysConfig(AppConfig):
    name = "nestguard.pathways"
    label = "pathways"
