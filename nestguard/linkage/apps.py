from django.apps import AppConfig


class LinkageConfig(AppConfig):
    name = "nestguard.linkage"
    label = "linkage"
