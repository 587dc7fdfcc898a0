"""The partnership picture: aggregates (counts, never names) read through the access door,
with small numbers suppressed before they leave the system (decision 0089)."""

from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "nestguard.reporting"
    label = "reporting"

    def ready(self) -> None:
        from nestguard.reporting import access_policy, events, scopes  # noqa: F401

        scopes.register()
        access_policy.register()
