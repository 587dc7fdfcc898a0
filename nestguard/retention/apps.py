from django.apps import AppConfig


class RetentionConfig(AppConfig):
    name = "nestguard.retention"
    label = "retention"

    def ready(self) -> None:
        from nestguard.retention import access_policy, events  # noqa: F401  (registrations)

        access_policy.register()
