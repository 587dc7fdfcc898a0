from django.apps import AppConfig


class RiskConfig(AppConfig):
    name = "nestguard.risk"
    label = "risk"

    def ready(self) -> None:
        from nestguard.risk import events  # noqa: F401  (registers audit event types)
