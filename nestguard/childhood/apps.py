from django.apps import AppConfig


class ChildhoodConfig(AppConfig):
    name = "nestguard.childhood"
    label = "childhood"
    verbose_name = "Placements, education and transitions"

    def ready(self) -> None:
        from nestguard.childhood import access_policy, agenda, clocks, events  # noqa: F401

        access_policy.register()
