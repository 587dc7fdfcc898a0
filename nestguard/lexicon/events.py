"""Audit event types of the lexicon (see nestguard.audit.events)."""

from nestguard.audit.events import register

register("lexicon.term_add", "Added a term to the partnership's glossary")
register("lexicon.term_edit", "Changed a term's wording in the partnership's glossary")
