"""The handling restriction a partner system sends with a note, an entry or a marker
(docs/decisions/0078-handling-restrictions.md): one help text and one request body for both."""

from __future__ import annotations

from rest_framework import serializers

RESTRICTION_HELP = (
    "A handling_restrictions code: open_to_case_team (the default), originating_agency_only, "
    "police_only or do_not_disclose_to_subject"
)


class RestrictionInSerializer(serializers.Serializer):
    restriction = serializers.CharField(help_text=RESTRICTION_HELP)
