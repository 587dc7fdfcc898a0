from django.conf import settings
from django.http import HttpRequest

from nestguard.access.rules import (
    ADMINISTERING,
    AUDITING,
    CASEWORK,
    REFERRING,
    SIGNED_IN,
    TRIAGE,
    AccessRule,
)


def service(request: HttpRequest) -> dict[str, object]:
    return {
        "service_name": settings.NESTGUARD_SERVICE_NAME,
        "demo_skip_mfa": settings.NESTGUARD_DEMO_SKIP_MFA,
    }


def navigation(request: HttpRequest) -> dict[str, object]:
    """The service navigation for this user: only what their roles can reach."""
    from django.urls import NoReverseMatch, reverse

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not getattr(request, "second_factor_ok", False):
        return {"navigation": []}
    items: list[dict[str, object]] = []
    for text, url_name, rule in NAVIGATION:
        if not rule.allows(user):
            continue
        try:
            href = reverse(url_name)
        except NoReverseMatch:
            continue  # an app not installed in this deployment
        items.append(
            {"text": text, "href": href, "current": request.path.startswith(href) and href != "/"}
        )
    return {"navigation": items}


NAVIGATION: list[tuple[str, str, AccessRule]] = [
    ("Make a referral", "referrals:start", REFERRING),
    ("My referrals", "referrals:mine", REFERRING),
    ("Triage queue", "referrals:triage_queue", TRIAGE),
    ("Cases", "cases:list", CASEWORK),
    ("Door check", "places:door_check", SIGNED_IN),
    ("Repeat addresses", "places:repeat_alerts", CASEWORK),
    ("Enforcement deadlines", "enforcement:deadlines", CASEWORK),
    ("Audit trail", "audit:search", AUDITING),
    ("Partnership", "accounts:partnership", ADMINISTERING),
]
