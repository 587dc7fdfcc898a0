from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "nestguard.public"
    label = "public"
    verbose_name = "Public reports"

    def ready(self) -> None:
        from nestguard.public import (
            access_policy,
            events,  # noqa: F401  (registers audit event types)
            page_parts,
        )

        access_policy.register()
        page_parts.register()
