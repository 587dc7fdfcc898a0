from django.apps import AppConfig


class EnforcementConfig(AppConfig):
    name = "nestguard.enforcement"
    label = "enforcement"

    def ready(self) -> None:
        from nestguard.enforcement import clocks, events, timeline  # noqa: F401  (registrations)
