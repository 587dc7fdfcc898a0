from django.apps import AppConfig


class LinkageConfig(AppConfig):
    name = "nestguard.linkage"
    label = "linkage"
    verbose_name = "Person index and record linkage"

    def ready(self) -> None:
        from nestguard.linkage import events  # noqa: F401  (registers audit event types)
