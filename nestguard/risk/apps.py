from django.apps import AppConfig


class RiskConfig(AppConfig):
    name = "nestguard.risk"
    label = "risk"
