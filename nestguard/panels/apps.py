from django.apps import AppConfig


class PanelsConfig(AppConfig):
    name = "nestguard.panels"
    label = "panels"
    verbose_name = "Panels"

    def ready(self) -> None:
        from nestguard.panels import access_policy, agenda, clocks, events  # noqa: F401  (registrations)

        access_policy.register()
