"""Validation of each referral section: (clean values, {field: message}). Used by the services
only; forms and the API check types, these check meaning, and the messages are the same
wherever the data comes from."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError

from nestguard.accounts.models import lawful_bases
from nestguard.core.forms import clean_text
from nestguard.core.phones import e164
from nestguard.people.services import validate_person_fields
from nestguard.places.services import validate_address_fields
from nestguard.referrals import codes as rc
from nestguard.referrals.models import ConsentStatus

Errors = dict[str, str]

_PHONE_CHARS = re.compile(r"^[0-9 +()\-]+$")
MAX_SUBJECT_PHONES = 10


def text(errors: Errors, field: str, value: Any, label: str, max_length: int) -> str:
    """Free text as typed (markup included; it is always shown escaped), trimmed."""
    if value is None:
        return ""
    if not isinstance(value, str):
        errors[field] = f"{label} must be text"
        return ""
    try:
        cleaned = clean_text(value, label=label)
    except ValidationError as exc:
        errors[field] = exc.messages[0]
        return ""
    if len(cleaned) > max_length:
        errors[field] = f"{label} must be {max_length} characters or fewer"
    return cleaned


def code_values(errors: Errors, field: str, value: Any, label: str, known: Any) -> list[str]:
    """A list of codes from a code list, each once, in the order given."""
    if value is None:
        return []
    if isinstance(value, str) or not isinstance(value, Iterable):
        errors[field] = f"{label} must be a list of codes"
        return []
    result: list[str] = []
    for item in value:
        if not isinstance(item, str) or item not in known:
            errors[field] = f"{label}: {str(item)[:40]!r} is not one of the codes allowed"
            return []
        if item not in result:
            result.append(item)
    return result


def validate_your_details(*, phone: Any, job_title: Any) -> tuple[dict[str, str], Errors]:
    errors: Errors = {}
    clean = {
        "phone": text(errors, "phone", phone, "Telephone number", 40),
        "job_title": text(errors, "job_title", job_title, "Job title", 200),
    }
    if "phone" not in errors:
        digits = re.sub(r"\D", "", clean["phone"])
        if not clean["phone"]:
            errors["phone"] = "Enter a telephone number triage can reach you on"
        elif not _PHONE_CHARS.match(clean["phone"]) or not 10 <= len(digits) <= 15:
            errors["phone"] = "Enter a telephone number, like 01632 960 001 or +44 808 157 0192"
    if "job_title" not in errors and not clean["job_title"]:
        errors["job_title"] = "Enter your job title"
    return clean, errors


def split_aliases(aliases: Any) -> tuple[list[Any], str]:
    """Other names as a list; a string is split on commas. Returns (names, error)."""
    if aliases is None:
        return [], ""
    if isinstance(aliases, str):
        return [a for a in aliases.split(",")], ""
    if isinstance(aliases, list | tuple):
        return list(aliases), ""
    return [], "Other names must be a list of names"


def subject_phones(phones: Any) -> tuple[list[str], str]:
    """A subject's phone numbers (a list, or text with one a line or separated by commas),
    each in E.164 and each once; or the message naming the numbers that are not UK numbers."""
    if isinstance(phones, str):
        phones = re.split(r"[\n,;]", phones)
    if not isinstance(phones, list | tuple) or not all(isinstance(p, str) for p in phones):
        return [], "Phone numbers must be a list of numbers"
    given = [p.strip() for p in phones if p.strip()]
    clean: list[str] = []
    bad: list[str] = []
    for raw in given:
        try:
            number = e164(raw)
        except ValidationError:
            bad.append(raw[:40])
            continue
        if number not in clean:
            clean.append(number)
    if bad:
        listed = ", ".join(f"“{b}”" for b in bad)
        verb = "is not a UK phone number" if len(bad) == 1 else "are not UK phone numbers"
        return [], f"{listed} {verb}: enter numbers like 07700 900123 or +44 7700 900123"
    if len(clean) > MAX_SUBJECT_PHONES:
        return [], f"Enter at most {MAX_SUBJECT_PHONES} phone numbers for one person"
    return clean, ""


def validate_subject(
    *,
    role: Any,
    given_name: Any = "",
    family_name: Any = "",
    aliases: Any = (),
    date_of_birth: Any = None,
    age_estimate: Any = None,
    identity_unknown: Any = False,
    description: Any = "",
    phones: Any = (),
) -> tuple[dict[str, Any], Errors]:
    names, alias_error = split_aliases(aliases)
    for name in names:
        if isinstance(name, str) and "," in name:
            alias_error = "Other names must not contain commas; give each name separately"
    clean, errors = validate_person_fields(
        given_name=given_name,
        family_name=family_name,
        date_of_birth=date_of_birth,
        age_estimate=age_estimate,
        description=description,
        aliases=names,
        alias_max_length=100,
    )
    if alias_error:
        errors["aliases"] = alias_error
    elif len(", ".join(clean["aliases"])) > 300:
        errors["aliases"] = "Other names must be 300 characters or fewer in all"
    if not isinstance(identity_unknown, bool):
        errors["identity_unknown"] = "Identity unknown must be true or false"
        identity_unknown = False
    clean["identity_unknown"] = identity_unknown
    clean["phones"], phone_error = subject_phones(phones)
    if phone_error:
        errors["phones"] = phone_error
    if not isinstance(role, str) or role not in rc.subject_roles():
        errors["role"] = "Select the person's role"
    clean["role"] = role
    has_age = clean["date_of_birth"] is not None or clean["age_estimate"] is not None
    if clean["date_of_birth"] is not None and clean["age_estimate"] is not None:
        errors.setdefault("age_estimate", "Give a date of birth or an age estimate, not both")
    if not has_age and not identity_unknown and not {"date_of_birth", "age_estimate"} & set(errors):
        errors["date_of_birth"] = (
            "Enter their date of birth or an estimate of their age, "
            "or select that you do not know who they are"
        )
    named = clean["given_name"] or clean["family_name"]
    if not identity_unknown and not named and not {"given_name", "family_name"} & set(errors):
        errors["given_name"] = (
            "Enter the person's first or last name, or select that you do not know who they are"
        )
    if (
        identity_unknown
        and not (named or clean["aliases"] or clean["description"])
        and "description" not in errors
    ):
        errors["description"] = (
            "Describe the person (what they look like, what they are called) "
            "so that others can recognise them"
        )
    return clean, errors


def validate_address(
    *,
    line1: Any = "",
    line2: Any = "",
    town: Any = "",
    postcode: Any = "",
    not_known: Any = False,
    not_known_reason: Any = "",
) -> tuple[dict[str, Any], Errors]:
    errors: Errors = {}
    if not isinstance(not_known, bool):
        return {}, {"not_known": "Not known must be true or false"}
    if not_known:
        reason = text(errors, "not_known_reason", not_known_reason, "Reason", 1000)
        if not reason and "not_known_reason" not in errors:
            errors["not_known_reason"] = (
                "Say why there is no address, for example 'sleeping rough' or 'not known'"
            )
        clean: dict[str, Any] = {
            "line1": "",
            "line2": "",
            "town": "",
            "postcode": "",
            "not_known": True,
            "not_known_reason": reason,
        }
        return clean, errors
    clean, errors = validate_address_fields(
        line1=line1 if line1 is not None else "",
        line2=line2,
        town=town,
        postcode=postcode if postcode is not None else "",
    )
    if not clean.get("town") and "town" not in errors:
        errors["town"] = "Enter the town or city"
    return {**clean, "not_known": False, "not_known_reason": ""}, errors


def validate_concern_types(value: Any) -> tuple[list[str], Errors]:
    errors: Errors = {}
    codes = code_values(errors, "concern_types", value, "Concern types", rc.concern_types())
    if not codes and not errors:
        errors["concern_types"] = "Select at least one kind of exploitation you are worried about"
    return codes, errors


def validate_concerns(
    *, concern_types: Any, indicators: Any, signs_text: Any
) -> tuple[dict[str, Any], Errors]:
    codes, errors = validate_concern_types(concern_types)
    signs = code_values(errors, "indicators", indicators, "Signs", rc.indicators())
    words = text(errors, "signs_text", signs_text, "What you saw", 5000)
    if not signs and not words and not {"indicators", "signs_text"} & set(errors):
        errors["indicators"] = "Select the signs you saw, or describe what you saw"
    return {"concern_types": codes, "indicators": signs, "signs_text": words}, errors


def validate_urgency(urgency: Any) -> tuple[str, Errors]:
    if not isinstance(urgency, str) or urgency not in rc.urgency_levels():
        return "", {"urgency": "Select how urgent this is"}
    return urgency, {}


def validate_consent(
    *, lawful_basis: Any, consent: Any, consent_reason: Any = "", consent_notes: Any = ""
) -> tuple[dict[str, Any], Errors]:
    errors: Errors = {}
    if not isinstance(lawful_basis, str) or lawful_basis not in lawful_bases():
        errors["lawful_basis"] = "Select the lawful basis for sharing this information"
    if not isinstance(consent, str) or consent not in ConsentStatus.values:
        errors["consent"] = "Select whether the person agreed to this referral"
    notes = text(errors, "consent_notes", consent_notes, "Notes on consent", 2000)
    reason = ""
    if consent in (ConsentStatus.NOT_SOUGHT, ConsentStatus.REFUSED):
        if not isinstance(consent_reason, str) or consent_reason not in rc.consent_reasons():
            errors["consent_reason"] = "Select why you are referring without the person's consent"
        else:
            reason = consent_reason
    if lawful_basis == "consent" and consent != ConsentStatus.GIVEN and "consent" not in errors:
        errors["lawful_basis"] = (
            "Consent cannot be the lawful basis when the person did not agree; choose another basis"
        )
    clean = {
        "lawful_basis": lawful_basis,
        "consent": consent,
        "consent_reason": reason,
        "consent_notes": notes,
    }
    return clean, errors
