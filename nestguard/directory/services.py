"""The one write path for the services directory: adding, editing, retiring and restoring a
service, and loading the data file's services the database lacks (decision 0108)."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from nestguard.accounts.models import Agency
from nestguard.audit.services import audit_record
from nestguard.core.codes import CodeList, code_list
from nestguard.core.seeding import load_missing
from nestguard.core.validation import code_value, text_value
from nestguard.core.versioning import require_version, versioned_save
from nestguard.directory.models import FollowUpFrom, Service
from nestguard.directory.rules import EDITING_DIRECTORY

if TYPE_CHECKING:
    from nestguard.accounts.models import User

DATA_FILE = Path(__file__).resolve().parent / "data" / "services.json"
NOT_EDITOR = (
    "Only a directory editor, a partnership manager or an administrator changes the directory"
)
NAME_MAX = 200
TEXT_MAX = 4000
SOURCE_MAX = 300
ITEM_MAX = 200
MAX_AGE = 120
_CODE = re.compile(r"^[a-z0-9]+(?:_[a-z0-9]+)*$")
# Keys of the data file that document an entry rather than fill a field.
_DOCUMENTATION_KEYS = {"provider_source"}


def categories() -> CodeList:
    return code_list("directory", "categories")


@cache
def data_file_services() -> tuple[dict[str, Any], ...]:
    """The services the release brings, as field values."""
    raw = json.loads(DATA_FILE.read_text(encoding="utf-8"))["services"]
    fields = {f.name for f in Service._meta.get_fields()}
    rows = []
    for entry in raw:
        unknown = set(entry) - fields - _DOCUMENTATION_KEYS
        if unknown:
            raise ValueError(f"services.json {entry.get('code')}: unknown keys {sorted(unknown)}")
        rows.append({k: v for k, v in entry.items() if k not in _DOCUMENTATION_KEYS})
    return tuple(rows)


def load_missing_services(*, using: str = "default") -> int:
    """Add the data file's services that the database lacks (by code); never change one that
    exists, so that the partnership's record survives a release."""
    return load_missing(Service, data_file_services(), key="code", using=using)


def _age(errors: dict[str, str], field: str, value: Any, label: str) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_AGE:
        errors[field] = f"{label} must be a whole number from 0 to {MAX_AGE}"
        return None
    return value


def _count(errors: dict[str, str], field: str, value: Any, label: str, most: int) -> int | None:
    if value is None or value == "" or value == 0:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= most:
        errors[field] = f"{label} must be a whole number from 1 to {most}"
        return None
    return value


def _codes(
    errors: dict[str, str], field: str, value: Any, codes: CodeList, message: str
) -> list[str]:
    if value in (None, ""):
        return []
    if not isinstance(value, list | tuple) or any(c not in codes for c in value):
        errors[field] = message
        return []
    return list(dict.fromkeys(value))


def _items(errors: dict[str, str], field: str, value: Any, label: str) -> list[str]:
    """A list of short texts (levels of support, wards): blank ones dropped, order kept."""
    if value in (None, ""):
        return []
    if isinstance(value, str):
        value = value.splitlines()
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        errors[field] = f"{label} must be a list of text"
        return []
    items = list(dict.fromkeys(v.strip() for v in value if v.strip()))
    if any(len(v) > ITEM_MAX for v in items):
        errors[field] = f"Each of the {label.lower()} must be {ITEM_MAX} characters or fewer"
    return items


def _details(errors: dict[str, str], data: dict[str, Any]) -> dict[str, Any]:
    """A service's fields from `data`, checked; each failure a message in `errors`."""
    concerns = code_list("referrals", "concern_types")
    roles = code_list("referrals", "subject_roles")
    out: dict[str, Any] = {
        "name": text_value(errors, "name", data.get("name"), label="Name",
                           max_length=NAME_MAX, required=True),
        "category": code_value(errors, "category", data.get("category"), categories(),
                               "Choose a category"),
        "provider": text_value(errors, "provider", data.get("provider"), label="Provider",
                               max_length=NAME_MAX, required=True),
        "description": text_value(errors, "description", data.get("description"),
                                  label="What it offers", max_length=TEXT_MAX, required=True),
        "min_age": _age(errors, "min_age", data.get("min_age"), "The youngest age"),
        "max_age": _age(errors, "max_age", data.get("max_age"), "The oldest age"),
        "consent_required": data.get("consent_required", False),
        "concern_types_any": _codes(errors, "concern_types_any", data.get("concern_types_any"),
                                    concerns, "Choose concerns from the list"),
        "subject_roles_any": _codes(errors, "subject_roles_any", data.get("subject_roles_any"),
                                    roles, "Choose roles from the list"),
        "wards_any": _items(errors, "wards_any", data.get("wards_any"), "Wards"),
        "eligibility_source": text_value(errors, "eligibility_source",
                                         data.get("eligibility_source"),
                                         label="Source of the eligibility rules",
                                         max_length=SOURCE_MAX, required=False),
        "support_levels": _items(errors, "support_levels", data.get("support_levels"),
                                 "Levels of support"),
        "follow_up_months": _count(errors, "follow_up_months", data.get("follow_up_months"),
                                   "Months", 60),
        "follow_up_days": _count(errors, "follow_up_days", data.get("follow_up_days"),
                                 "Days", 366),
        "follow_up_from": data.get("follow_up_from") or "",
        "follow_up_label": text_value(errors, "follow_up_label", data.get("follow_up_label"),
                                      label="What the follow-up is", max_length=NAME_MAX,
                                      required=False),
        "how_to_refer": text_value(errors, "how_to_refer", data.get("how_to_refer"),
                                   label="How to refer", max_length=TEXT_MAX, required=False),
        "provider_agency": data.get("provider_agency"),
    }  # fmt: skip
    if not isinstance(out["consent_required"], bool):
        errors["consent_required"] = "Say whether the service needs the person's consent"
    low, high = out["min_age"], out["max_age"]
    if low is not None and high is not None and low > high:
        errors["max_age"] = "The oldest age must be the same as or more than the youngest age"
    if out["follow_up_from"] not in ("", *FollowUpFrom.values):
        errors["follow_up_from"] = "Choose when the follow-up is counted from"
    has_period = out["follow_up_months"] is not None or out["follow_up_days"] is not None
    if out["follow_up_from"] and not has_period and "follow_up_months" not in errors:
        errors["follow_up_months"] = "Enter how many months or days until the follow-up"
    if has_period and not out["follow_up_from"]:
        errors["follow_up_from"] = "Choose when the follow-up is counted from"
    if has_period and not out["follow_up_label"]:
        errors["follow_up_label"] = "Say what the follow-up is, for example aftercare ends"
    agency = out["provider_agency"]
    if agency is not None and (not isinstance(agency, Agency) or not agency.active):
        errors["provider_agency"] = "Choose an active partner agency, or none"
    return out


def service_add(actor: User, *, code: Any, **data: Any) -> Service:
    """A new service, named by referrals by `code` (lower-case words joined by underscores)."""
    if not EDITING_DIRECTORY.allows(actor):
        raise PermissionDenied(NOT_EDITOR)
    errors: dict[str, str] = {}
    name = code.strip() if isinstance(code, str) else ""
    if not _CODE.match(name) or len(name) > 60:
        errors["code"] = (
            "Enter a code of lower-case letters and numbers, with underscores between words, "
            "60 characters or fewer (for example youth_employment)"
        )
    details = _details(errors, data)
    with transaction.atomic():
        if "code" not in errors and Service.objects.filter(code=name).exists():
            errors["code"] = f"The directory already has a service with the code {name}"
        if errors:
            raise ValidationError(errors)
        added = Service.objects.create(code=name, **details)
        audit_record(actor=actor, action="directory.service_add", obj=added,
                     details={"code": name})  # fmt: skip
    return added


def service_edit(
    actor: User, *, record: Service, expected_version: int | None = None, **data: Any
) -> Service:
    """New details for a service; its code stays. Referrals already sent keep the follow-up
    date worked out when they were accepted or completed (decision 0108)."""
    if not EDITING_DIRECTORY.allows(actor):
        raise PermissionDenied(NOT_EDITOR)
    require_version(record, expected_version)
    errors: dict[str, str] = {}
    details = _details(errors, data)
    if errors:
        raise ValidationError(errors)
    with (
        transaction.atomic(),
        versioned_save(record, actor=actor, expected_version=expected_version),
    ):
        for field, value in details.items():
            setattr(record, field, value)
        record.save(update_fields=[*details, "updated_at"])
        audit_record(actor=actor, action="directory.service_edit", obj=record,
                     details={"code": record.code})  # fmt: skip
    return record


def service_set_active(
    actor: User, *, record: Service, active: bool, expected_version: int | None = None
) -> Service:
    """Retire a service (no new referrals to it; those sent keep it) or bring it back. A
    service is never deleted: referrals name it."""
    if not EDITING_DIRECTORY.allows(actor):
        raise PermissionDenied(NOT_EDITOR)
    require_version(record, expected_version)
    if record.active == active:
        state = "in the directory" if active else "retired"
        raise ValidationError({"active": f"{record.name} is already {state}"})
    with (
        transaction.atomic(),
        versioned_save(record, actor=actor, expected_version=expected_version),
    ):
        record.active = active
        record.save(update_fields=["active", "updated_at"])
        action = "directory.service_restore" if active else "directory.service_retire"
        audit_record(actor=actor, action=action, obj=record, details={"code": record.code})
    return record
