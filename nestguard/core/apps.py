from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "nestguard.core"
    label = "core"
