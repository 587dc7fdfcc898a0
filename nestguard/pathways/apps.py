from django.apps import AppConfig


class PathwaysConfig(AppConfig):
    name = "nestguard.pathways"
    label = "pathways"

    def ready(self) -> None:
        # Registering: audit event types, the repeat-missing agenda source, the clock sources.
        from nestguard.pathways import access_policy, agenda, clocks, events, timeline  # noqa: F401

        access_policy.register()
        timeline.register()
