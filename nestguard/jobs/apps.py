from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "nestguard.jobs"
    label = "jobs"
    verbose_name = "Jobs"

    def ready(self) -> None:
        from django.conf import settings
        from django.utils.module_loading import autodiscover_modules

        from nestguard.jobs import access_policy, events  # noqa: F401  (registrations)

        access_policy.register()
        # Every app's jobs: `<app>/jobs.py`, registered by their `@job` decorators.
        autodiscover_modules("jobs")
        for module in settings.NESTGUARD_JOB_MODULES:
            __import__(module)
