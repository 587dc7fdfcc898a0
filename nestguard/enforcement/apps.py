from django.apps import AppConfig


class EnforcementConfig(AppConfig):
    name = "nestguard.enforcement"
    label = "enforcement"
