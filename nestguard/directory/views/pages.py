"""The services directory: everyone signed in reads it; directory editors keep it."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from nestguard.access.door import load, visible
from nestguard.access.rules import SIGNED_IN, access_rule, signed_in_user
from nestguard.core.codes import code_list
from nestguard.core.pages import form_acted, posted
from nestguard.directory.forms import NewServiceForm, RetireForm, ServiceForm
from nestguard.directory.models import Service
from nestguard.directory.rules import EDITING_DIRECTORY
from nestguard.directory.selectors import eligibility, service_history
from nestguard.directory.services import categories, service_add, service_edit, service_set_active


def _anchor(service: Service) -> str:
    return f"{reverse('directory:list')}#service-{service.code}"


@access_rule(SIGNED_IN)
def service_list(request: HttpRequest) -> HttpResponse:
    """The active services by name, each with who it takes; retired ones after them for those
    who keep the directory."""
    user = signed_in_user(request)
    may_edit = EDITING_DIRECTORY.allows(user)
    services = visible(user, Service).select_related("provider_agency").order_by("name")
    if not may_edit:
        services = services.filter(active=True)
    listed = list(services)
    active = [{"service": s, "rule": eligibility(s)} for s in listed if s.active]
    retired = [{"service": s, "rule": eligibility(s)} for s in listed if not s.active]
    return render(
        request,
        "directory/list.html",
        {
            "title": "Services directory",
            "active": active,
            "retired": retired,
            "may_edit": may_edit,
            "categories": categories(),
            "concerns": code_list("referrals", "concern_types"),
            "roles": code_list("referrals", "subject_roles"),
        },
    )


@access_rule(EDITING_DIRECTORY)
def service_new(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    form = NewServiceForm(posted(request))
    acted = form_acted(
        request,
        form,
        lambda _: service_add(user, **form.service_data()),
        done=lambda added: f"Added to the directory: {added.name}",
        then=_anchor,
    )
    if acted is not None:
        return acted
    return render(request, "directory/service_form.html", {"title": "Add a service", "form": form})


@access_rule(EDITING_DIRECTORY)
def service_change(request: HttpRequest, code: str) -> HttpResponse:
    """A service's details, with every earlier version (who, when, what changed); a save over
    someone else's newer one is refused with what they changed (core.versioning)."""
    user = signed_in_user(request)
    service = load(user, Service, code, purpose="admin", field="code")
    form = ServiceForm(posted(request), initial=ServiceForm.initial_of(service))
    acted = form_acted(
        request,
        form,
        lambda data: service_edit(
            user, record=service, expected_version=data["version"], **form.service_data()
        ),
        # Read after the save: the name and code as they now are.
        done=lambda _: f"Saved: {service.name}",
        then=lambda _: _anchor(service),
    )
    if acted is not None:
        return acted
    return render(
        request,
        "directory/service_form.html",
        {
            "title": f"Change a service: {service.name}",
            "form": form,
            "service": service,
            "history": [
                {
                    "revision": revision,
                    "changes": [
                        (Service.version_fields.get(field, field), values[0], values[1])
                        for field, values in revision.changes.items()
                    ],
                }
                for revision in service_history(service)
            ],
        },
    )


@access_rule(EDITING_DIRECTORY)
def service_retire(request: HttpRequest, code: str) -> HttpResponse:
    """Retire a service (no new referrals; it is never deleted, as referrals name it) or bring
    a retired one back: one question, one button."""
    user = signed_in_user(request)
    service = load(user, Service, code, purpose="admin", field="code")
    form = RetireForm(posted(request), initial={"version": service.version})
    acted = form_acted(
        request,
        form,
        lambda data: service_set_active(
            user, record=service, active=not service.active, expected_version=data["version"]
        ),
        # Read after the change: whether the service is now active.
        done=lambda _: (
            f"{'Back in the directory' if service.active else 'Retired'}: {service.name}"
        ),
        then=lambda _: _anchor(service),
    )
    if acted is not None:
        return acted
    title = f"Retire {service.name}?" if service.active else f"Bring {service.name} back?"
    return render(
        request, "directory/retire.html", {"title": title, "form": form, "service": service}
    )
