from django.apps import AppConfig


class PlacesConfig(AppConfig):
    name = "nestguard.places"
    label = "places"

    def ready(self) -> None:
        from nestguard.places import (  # noqa: F401  (registrations)
            access_policy,
            agenda,  # the repeat_addresses agenda source
            clocks,  # the warning-review clock
            events,  # audit event types
            timeline,  # the built-in timeline sources of the address page
        )

        access_policy.register()
