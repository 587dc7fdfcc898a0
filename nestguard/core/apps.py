from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    name = "nestguard.core"
    label = "core"

    def ready(self) -> None:
        from nestguard.core.statistics import after_migrate

        # Once per migrate (sent for every app; this app's is enough).
        post_migrate.connect(after_migrate, sender=self, dispatch_uid="core.statistics")
