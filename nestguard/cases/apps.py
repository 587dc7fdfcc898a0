from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "nestguard.cases"
    label = "cases"
