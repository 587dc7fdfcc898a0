from django.apps import AppConfig


class LexiconConfig(AppConfig):
    name = "nestguard.lexicon"
    label = "lexicon"
    verbose_name = "Lexicon"

    def ready(self) -> None:
        from nestguard.core.seeding import load_after_migrate
        from nestguard.lexicon import access_policy, events  # noqa: F401  (registrations)
        from nestguard.lexicon.services.terms import load_missing_terms

        access_policy.register()
        # After migrating, the data file's terms that the database does not have yet (a new
        # release's terms arrive; the partnership's own wording of the others stays).
        load_after_migrate(self, load_missing_terms)
