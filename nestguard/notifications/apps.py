from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "nestguard.notifications"
    label = "notifications"

    def ready(self) -> None:
        from nestguard.notifications import events  # noqa: F401  (audit event types)
