from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "nestguard.accounts"
    label = "accounts"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from nestguard.accounts import access_policy
        from nestguard.accounts.middleware import stamp_renewal

        access_policy.register()
        user_logged_in.connect(stamp_renewal, dispatch_uid="accounts:stamp_renewal")
