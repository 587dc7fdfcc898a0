from django.apps import AppConfig


class RetentionConfig(AppConfig):
    name = "nestguard.retention"
    label = "retention"

    def ready(self) -> None:
        from nestguard.retention import access_policy, events  # noqa: F401  (registrations)

        access_policy.register()
        from nestguard.core import backup_expiry
        from nestguard.retention.services.backups import SchedulePolicy

        backup_expiry.set_policy(SchedulePolicy())
