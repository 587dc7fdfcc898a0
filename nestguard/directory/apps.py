from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "nestguard.directory"
    label = "directory"
    verbose_name = "Services directory"

    def ready(self) -> None:
        from nestguard.core.seeding import load_after_migrate
        from nestguard.directory import access_policy, events  # noqa: F401  (registrations)
        from nestguard.directory.services import load_missing_services

        access_policy.register()
        # After migrating, the data file's services that the database lacks (a release's new
        # services arrive; the partnership's own record of the others stays).
        load_after_migrate(self, load_missing_services)
