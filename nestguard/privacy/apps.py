from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "nestguard.privacy"
    label = "privacy"
    verbose_name = "Data protection records"

    def ready(self) -> None:
        from nestguard.privacy import access_policy, clocks, events  # noqa: F401  (registrations)

        access_policy.register()
