from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "nestguard.training"
    label = "training"
    verbose_name = "Training register"

    def ready(self) -> None:
        from nestguard.training import access_policy, events, report  # noqa: F401

        access_policy.register()
