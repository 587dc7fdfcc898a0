from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "nestguard.cases"
    label = "cases"

    def ready(self) -> None:
        from nestguard.cases import (
            access_policy,
            events,  # noqa: F401  (registers audit event types)
        )

        access_policy.register()
