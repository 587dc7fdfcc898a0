from django.apps import AppConfig


class LinkageConfig(AppConfig):
    name = "nestguard.linkage"
    label = "linkage"
    verbose_name = "Person index and record linkage"

    def ready(self) -> None:
        from nestguard.linkage import (  # noqa: F401  (registrations at start-up)
            access_policy,
            arrivals,  # hooks run as a referral is submitted
            events,  # audit event types
            referral_parts,  # the person index's parts of the referral pages
        )

        access_policy.register()
