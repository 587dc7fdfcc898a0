from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "nestguard.referrals"
    label = "referrals"

    def ready(self) -> None:
        from nestguard.referrals import (
            events,  # noqa: F401  (registers audit event types)
            policy,
        )

        policy.register()
