from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "nestguard.referrals"
    label = "referrals"

    def ready(self) -> None:
        from nestguard.referrals import (
            access_policy,
            events,  # noqa: F401  (registers audit event types)
        )

        access_policy.register()
