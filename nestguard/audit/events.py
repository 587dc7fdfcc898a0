"""The registry of audit event types. An action not listed here cannot be recorded.

`reads_personal_data` marks the events that record a look at someone's personal data,
which is what a data protection officer asks about first ("who looked at this person?").
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class EventType:
    code: str
    description: str
    reads_personal_data: bool = False


_TYPES: dict[str, EventType] = {}


def register(code: str, description: str, *, reads_personal_data: bool = False) -> EventType:
    if code in _TYPES and _TYPES[code].description != description:
        raise ValueError(f"audit event type {code!r} is registered twice")
    _TYPES[code] = EventType(code, description, reads_personal_data)
    return _TYPES[code]


def get(code: str) -> EventType:
    try:
        return _TYPES[code]
    except KeyError:
        raise KeyError(f"audit event type {code!r} is not registered") from None


def all_types() -> list[EventType]:
    return sorted(_TYPES.values(), key=lambda t: t.code)


# Accounts and sessions
register("auth.sign_in", "Signed in")
register("auth.sign_in_failed", "Failed sign-in attempt")
register("auth.locked", "Account locked after repeated failures")
register("auth.sign_out", "Signed out")
register("auth.mfa_enrolled", "Enrolled an authenticator app")
register("auth.mfa_failed", "Wrong second-factor code")
register("agency.create", "Created an agency")
register("user.create", "Created a user")
register("team.create", "Created a team")
register("sharing_agreement.create", "Recorded a sharing agreement")
register("sharing_agreement.end", "Ended a sharing agreement")
register("api_token.create", "Issued an API token")
register("api_token.revoke", "Revoked an API token")
register("user.view", "Opened a user's account (administering)", reads_personal_data=True)
register("user.deactivate", "Deactivated a user")
register("user.reactivate", "Reactivated a user")
register("user.role_add", "Gave a user a role")
register("user.role_remove", "Took a role from a user")
register("user.unlock", "Unlocked a user's account")
register("user.second_factor_reset", "Reset a user's second factor")
register("user.enrolment_code_issue", "Issued an enrolment code")
register("user.enrolment_code_use", "Used an enrolment code")
register("agency.deactivate", "Deactivated an agency")
register("agency.reactivate", "Reactivated an agency")
register("demo.seed", "Loaded the synthetic demo borough")
register("audit.view", "Searched the audit trail")
register("audit.anchor", "Anchored the audit chain outside the database")
register("audit.chain_check", "Verified the audit chain against its anchors")
register(
    "audit.payloads_redacted", "Redacted the payload of audit events past their retention period"
)
