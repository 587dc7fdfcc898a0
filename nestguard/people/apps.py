from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "nestguard.people"
    label = "people"

    def ready(self) -> None:
        from nestguard.people import (
            access_policy,
            events,  # noqa: F401  (registers audit event types)
        )

        access_policy.register()
