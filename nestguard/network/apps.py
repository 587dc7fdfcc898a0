from django.apps import AppConfig


class NetworkConfig(AppConfig):
    name = "nestguard.network"
    label = "network"

    def ready(self) -> None:
        from nestguard.network import (  # noqa: F401  (registrations)
            access_policy,
            agenda,  # new victims linked to a known line
            events,  # audit event types
            intelligence,  # links from released sanitised intelligence
            sources,  # the link sources of today's records
        )

        access_policy.register()
        sources.connect()
