from django.apps import AppConfig


class PlacesConfig(AppConfig):
    name = "nestguard.places"
    label = "places"

    def ready(self) -> None:
        from nestguard.places import events  # noqa: F401  (registers audit event types)
