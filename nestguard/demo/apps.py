from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "nestguard.demo"
    label = "demo"
