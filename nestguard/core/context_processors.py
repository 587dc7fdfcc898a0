from django.conf import settings
from django.http import HttpRequest

from nestguard.access.rules import (
    ADMINISTERING,
    AUDITING,
    CASEWORK,
    CHAIN_CHECKING,
    DUE_VIEWING,
    REFERRING,
    REPORTING,
    SIGNED_IN,
    TRIAGE,
    AccessRule,
    roles,
)
from nestguard.accounts.models import Role


def service(request: HttpRequest) -> dict[str, object]:
    return {
        "service_name": settings.NESTGUARD_SERVICE_NAME,
        "demo_skip_mfa": settings.NESTGUARD_DEMO_SKIP_MFA,
    }


def navigation(request: HttpRequest) -> dict[str, object]:
    """The service navigation for this user: only what their roles can reach."""
    from django.urls import NoReverseMatch, reverse
    from django.utils.module_loading import import_string

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not getattr(request, "second_factor_ok", False):
        return {"navigation": []}
    items: list[dict[str, object]] = []
    for text, url_name, rule, *more in NAVIGATION:
        if not rule.allows(user) or not all(import_string(check)(user) for check in more):
            continue
        try:
            href = reverse(url_name)
        except NoReverseMatch:
            continue  # an app not installed in this deployment
        items.append(
            {"text": text, "href": href, "current": request.path.startswith(href) and href != "/"}
        )
    return {"navigation": items}


# (text, URL name, the view's access rule, then any further checks the view makes, by dotted
# path so that core imports no app): a link is shown only where following it cannot 403.
NAVIGATION: list[tuple[str, str, AccessRule] | tuple[str, str, AccessRule, str]] = [
    ("Make a referral", "referrals:start", REFERRING),
    ("My referrals", "referrals:mine", REFERRING),
    ("Triage queue", "referrals:triage_queue", TRIAGE),
    ("Cases", "cases:list", CASEWORK),
    ("Find an address", "places:search", SIGNED_IN),
    ("Door check", "places:door_check", SIGNED_IN),
    ("Planned operations", "deconfliction:list", CASEWORK),
    ("Prevent", "channel:list", CASEWORK),
    (
        "Repeat addresses",
        "places:repeat_alerts",
        CASEWORK,
        "nestguard.places.services.repeats.can_work_repeat_alerts",
    ),
    (
        "Prevention list",
        "prevention:list",
        CASEWORK,
        "nestguard.prevention.rules.works_prevention",
    ),
    ("Enforcement deadlines", "enforcement:deadlines", CASEWORK),
    (
        "Intelligence",
        "intelligence:mine",
        roles(
            Role.REFERRER,
            Role.CASEWORKER,
            Role.SUPERVISOR,
            Role.PANEL_CHAIR,
            Role.INTELLIGENCE_OFFICER,
        ),
    ),
    ("Intelligence to grade", "intelligence:queue", roles(Role.INTELLIGENCE_OFFICER)),
    (
        "Network",
        "network:home",
        roles(Role.INTELLIGENCE_OFFICER, Role.CASEWORKER, Role.SUPERVISOR),
    ),
    ("Person index", "linkage:index", roles(Role.LINKAGE_REVIEWER, Role.ADMIN)),
    ("Panels", "panels:list", roles(Role.PANEL_CHAIR, Role.CASEWORKER, Role.SUPERVISOR)),
    ("Due and overdue", "pathways:due", DUE_VIEWING),
    ("Dashboard", "reporting:dashboard", REPORTING),
    ("Reports", "reporting:index", REPORTING),
    ("Services directory", "directory:list", SIGNED_IN),
    ("Audit trail", "audit:search", AUDITING),
    ("Data subjects' rights", "rights:index", roles(Role.DATA_PROTECTION_OFFICER)),
    ("Audit chain checks", "audit:checks", CHAIN_CHECKING),
    ("Retention", "retention:schedule", roles(Role.DATA_PROTECTION_OFFICER)),
    ("Partnership", "accounts:partnership", ADMINISTERING),
    ("Prevent lead", "channel:lead", ADMINISTERING),
    ("Data protection", "privacy:index", roles(Role.DATA_PROTECTION_OFFICER)),
    ("Training", "training:agency", roles(Role.SUPERVISOR, Role.ADMIN)),
    ("Restore drills", "operations:restore_drills", ADMINISTERING),
    ("Jobs", "jobs:list", ADMINISTERING),
]
