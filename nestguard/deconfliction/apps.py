from django.apps import AppConfig


class DeconflictionConfig(AppConfig):
    name = "nestguard.deconfliction"
    label = "deconfliction"
    verbose_name = "Deconfliction"

    def ready(self) -> None:
        from nestguard.deconfliction import access_policy, clocks, events  # noqa: F401

        access_policy.register()
