from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "nestguard.accounts"
    label = "accounts"

    def ready(self) -> None:
        from nestguard.accounts import access_policy

        access_policy.register()
