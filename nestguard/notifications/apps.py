from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "nestguard.notifications"
    label = "notifications"

    def ready(self) -> None:
        from nestguard.notifications import access_policy, events  # noqa: F401  (registrations)

        access_policy.register()
