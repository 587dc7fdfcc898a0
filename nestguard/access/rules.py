"""Every URL declares who may reach it. The middleware refuses any view that does not.

A declaration is the coarse gate (signed in? which roles?). Which records a user may see is
decided by the apps' policies, read through `nestguard.access.door`; what they may not see
answers 404 exactly as what does not exist.

    @access_rule(PUBLIC)                 # the anonymous pages: health, accessibility
    @access_rule(SIGNED_IN)              # any signed-in user
    @access_rule(roles(Role.CASEWORKER, Role.SUPERVISOR))

Class-based views set `access_rule = ...` as a class attribute.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar, cast

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from nestguard.accounts.models import Role

if TYPE_CHECKING:
    from nestguard.accounts.models import User

V = TypeVar("V", bound=Callable[..., Any])


@dataclass(frozen=True)
class AccessRule:
    name: str
    public: bool = False
    # Empty means any signed-in user; otherwise the user needs at least one of these roles.
    any_of_roles: frozenset[Role] = frozenset()
    # API views authenticate with a bearer token, not the session; the rule still applies.
    token: bool = False

    def allows(self, user: Any) -> bool:
        if self.public:
            return True
        if user is None or not user.is_authenticated or not user.is_active:
            return False
        if not self.any_of_roles:
            return True
        return bool(user.has_role(*self.any_of_roles))


PUBLIC = AccessRule("public", public=True)
SIGNED_IN = AccessRule("signed_in")
# Sign-in pages themselves: reachable before the session is complete.
AUTHENTICATING = AccessRule("authenticating", public=True)

CASE_ROLES = frozenset({Role.CASEWORKER, Role.SUPERVISOR})
TRIAGE_ROLES = CASE_ROLES


def roles(*names: Role) -> AccessRule:
    return AccessRule("roles:" + ",".join(sorted(names)), any_of_roles=frozenset(names))


def api(rule: AccessRule) -> AccessRule:
    """The same rule for a token-authenticated API view."""
    return AccessRule("api:" + rule.name, any_of_roles=rule.any_of_roles, token=True)


def access_rule(rule: AccessRule) -> Callable[[V], V]:
    def decorate(view: V) -> V:
        view.access_rule = rule  # type: ignore[attr-defined]
        if rule.public:
            return login_not_required(view)
        return view

    return decorate


def rule_of(view: Any) -> AccessRule | None:
    """The rule a resolved view declares: on the function, or on its class."""
    rule = getattr(view, "access_rule", None)
    if rule is None:
        for attr in ("view_class", "cls"):
            cls = getattr(view, attr, None)
            if cls is not None:
                rule = getattr(cls, "access_rule", None)
                break
    return rule if isinstance(rule, AccessRule) else None


# The named gates every view uses. Roles are listed once, here.
REFERRING = roles(Role.REFERRER, Role.CASEWORKER, Role.SUPERVISOR, Role.PANEL_CHAIR)
CASEWORK = roles(*CASE_ROLES)
TRIAGE = roles(*TRIAGE_ROLES)
AUDITING = roles(Role.AUDITOR)
# The audit chain's daily verification results: no personal data, for auditors and admins.
CHAIN_CHECKING = roles(Role.AUDITOR, Role.ADMIN)
# Aggregate reports (counts, no names): the missing episodes report, the partnership
# dashboard and the scrutiny reports (decision 0089).
REPORTING_ROLES = frozenset({Role.ANALYST, Role.SUPERVISOR, Role.PARTNERSHIP_MANAGER})
REPORTING = roles(*REPORTING_ROLES)
# Entering what the partnership's project cost (the cost-benefit of the evaluation report).
MANAGING_PARTNERSHIP = roles(Role.PARTNERSHIP_MANAGER)
# Offered the "due and overdue" view in the navigation (anyone signed in may open it).
# Data protection officers: the breach log's ICO clock (privacy/clocks.py).
DUE_VIEWING = roles(
    Role.CASEWORKER, Role.SUPERVISOR, Role.PANEL_CHAIR, Role.DATA_PROTECTION_OFFICER
)
ADMINISTERING = roles(Role.ADMIN)
# The network of people, objects, places and lines (decision 0099).
NETWORK_ROLES = (Role.INTELLIGENCE_OFFICER, Role.CASEWORKER, Role.SUPERVISOR)
NETWORK_VIEWING = roles(*NETWORK_ROLES)


def may_report(user: Any) -> bool:
    """Whether the user may see the partnership's aggregate picture (counts, never names)."""
    return REPORTING.allows(user)


def signed_in_user(request: HttpRequest) -> User:
    """The signed-in user of a request that passed a non-public rule, typed for services."""
    user = request.user
    if not user.is_authenticated:
        raise PermissionDenied
    return cast("User", user)
