from django.apps import AppConfig


class LexiconConfig(AppConfig):
    name = "nestguard.lexicon"
    label = "lexicon"
    verbose_name = "Lexicon"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from nestguard.lexicon import access_policy, events  # noqa: F401  (registrations)
        from nestguard.lexicon.services.terms import load_missing_terms

        access_policy.register()
        post_migrate.connect(_load_terms, sender=self, dispatch_uid="lexicon-load-terms")
        self._load = load_missing_terms


def _load_terms(sender: LexiconConfig, using: str = "default", **kwargs: object) -> None:
    """After migrating, the data file's terms that the database does not have yet (a new
    release's terms arrive; the partnership's own wording of the others stays)."""
    sender._load(using=using)
