from django.apps import AppConfig


class RightsConfig(AppConfig):
    name = "nestguard.rights"
    label = "rights"
    verbose_name = "Data subjects' rights"

    def ready(self) -> None:
        from nestguard.rights import access_policy, clocks, events, jobs  # noqa: F401
        from nestguard.rights.sources import load_sources

        load_sources()
        access_policy.register()
