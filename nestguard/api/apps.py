from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "nestguard.api"
    label = "api"
