from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "nestguard.audit"
    label = "audit"
