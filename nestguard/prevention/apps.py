from django.apps import AppConfig


class PreventionConfig(AppConfig):
    name = "nestguard.prevention"
    label = "prevention"

    def ready(self) -> None:
        from nestguard.prevention import access_policy, events  # noqa: F401  (registrations)

        access_policy.register()
