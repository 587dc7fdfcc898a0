"""The person index's parts of the referral pages, registered with referrals' page-part
registry at start-up (the referral templates do not load linkage's tags or templates)."""

from __future__ import annotations

from typing import Any

from django.template import Context
from django.utils.safestring import SafeString

from nestguard.linkage.templatetags.linkage import (
    linkage_candidates_for_subject,
    linkage_referral_address,
)
from nestguard.referrals.page_parts import register_page_part, render_template_part


def _person_lookup(context: Context, _obj: Any) -> SafeString:
    return render_template_part(context, "linkage/_person_lookup.html")


def _referral_known(context: Context, _obj: Any) -> SafeString:
    return render_template_part(context, "linkage/_referral_known.html")


register_page_part("person_form", "linkage.lookup", _person_lookup)
register_page_part("subject", "linkage.candidates", linkage_candidates_for_subject)
register_page_part("address", "linkage.address_match", linkage_referral_address)
register_page_part("detail", "linkage.known", _referral_known)
