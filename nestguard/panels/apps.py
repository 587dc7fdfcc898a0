from django.apps import AppConfig


class PanelsConfig(AppConfig):
    name = "nestguard.panels"
    label = "panels"
    verbose_name = "Panels"

    def ready(self) -> None:
        from nestguard.panels import agenda, clocks, events  # noqa: F401  (registrations)
