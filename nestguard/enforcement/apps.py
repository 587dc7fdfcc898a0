from django.apps import AppConfig


class EnforcementConfig(AppConfig):
    name = "nestguard.enforcement"
    label = "enforcement"

    def ready(self) -> None:
        from nestguard.enforcement import access_policy, clocks, events, timeline  # noqa: F401  (registrations)

        access_policy.register()
