from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "nestguard.access"
    label = "access"
