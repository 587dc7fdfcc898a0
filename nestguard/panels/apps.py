from django.apps import AppConfig


class PanelsConfig(AppConfig):
    name = "nestguard.panels"
    label = "panels"
