from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "nestguard.referrals"
    label = "referrals"
