from django.apps import AppConfig


class ChannelConfig(AppConfig):
    name = "nestguard.channel"
    label = "channel"
    verbose_name = "Prevent and Channel"

    def ready(self) -> None:
        from nestguard.channel import access_policy, events  # noqa: F401

        access_policy.register()
