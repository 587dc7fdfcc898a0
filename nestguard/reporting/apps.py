from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "nestguard.reporting"
    label = "reporting"

    def ready(self) -> None:
        from nestguard.reporting import scopes

        scopes.register()
