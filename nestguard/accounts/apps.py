from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "nestguard.accounts"
    label = "accounts"
