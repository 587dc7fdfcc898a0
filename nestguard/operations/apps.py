from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "nestguard.operations"
    label = "operations"
    verbose_name = "Operations: backups and restore drills"

    def ready(self) -> None:
        from nestguard.operations import events  # noqa: F401  (its audit event types)
