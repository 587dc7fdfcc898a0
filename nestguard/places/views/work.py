"""People linked to addresses, target hardening and leaflet drops."""

from __future__ import annotations

import csv
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from nestguard.access.door import load, record_search
from nestguard.access.rules import CASEWORK, access_rule, roles, signed_in_user
from nestguard.accounts.models import Role
from nestguard.people.models import Person
from nestguard.places import selectors
from nestguard.places.forms import HardeningForm, LeafletDoneForm, LinkForm, RadiusForm
from nestguard.places.models import Address
from nestguard.places.policy import places_rules
from nestguard.places.services.hardening import hardening_record
from nestguard.places.services.leaflets import leaflet_drop_record
from nestguard.places.services.links import person_address_link_add
from nestguard.places.views.common import form_acted, posted

FIGURES = roles(Role.CASEWORKER, Role.SUPERVISOR, Role.ANALYST)


@access_rule(CASEWORK)
def link_add(request: HttpRequest, pk: Any) -> HttpResponse:
    """Link a person the user may see to a register address, by UPRN or postcode and house."""
    user = signed_in_user(request)
    person = load(user, Person, pk, purpose="case_work")
    form = LinkForm(posted(request))

    def link(data: dict[str, Any]) -> Address:
        found = selectors.door_addresses(**form.query)
        if len(found) != 1:
            # An error on the field that was typed, shown as the service's would be; no link.
            field = "uprn" if "uprn" in form.query else "number"
            message = (
                "No single register address matches: check the postcode and house, or use the UPRN"
                if found
                else "No register address matches: check the postcode and house, or the UPRN"
            )
            raise ValidationError({field: message})
        person_address_link_add(
            actor=user,
            person=person,
            address=found[0],
            role=data["role"],
            from_date=data["from_date"],
            to_date=data["to_date"],
        )
        return found[0]

    acted = form_acted(
        request,
        form,
        link,
        done=lambda address: f"{person.display_name} linked to {address.one_line}",
        then=reverse("people:detail", args=[person.pk]),
    )
    if acted is not None:
        return acted
    return render(
        request,
        "places/link_form.html",
        {"form": form, "person": person, "title": "Link to an address"},
    )


@access_rule(CASEWORK)
def hardening_add(request: HttpRequest, pk: Any) -> HttpResponse:
    user = signed_in_user(request)
    address = load(user, Address, pk, purpose="case_work")
    form = HardeningForm(posted(request))
    acted = form_acted(
        request,
        form,
        lambda data: hardening_record(actor=user, address=address, **data),
        done="Target hardening recorded",
        then=reverse("places:detail", args=[address.pk]),
    )
    if acted is not None:
        return acted
    return render(
        request,
        "places/form.html",
        {
            "form": form,
            "address": address,
            "title": "Record target hardening",
            "button": "Record measure",
            "intro": f"Tenure: {address.tenure_label}. The tenure is kept with the measure so "
            "that the funding gap for private tenants stays visible.",
        },
    )


@access_rule(FIGURES)
def hardening_summary(request: HttpRequest) -> HttpResponse:
    """The partnership figure: target hardening cost, funded and unfunded, by tenure."""
    user = signed_in_user(request)
    rows = selectors.hardening_by_tenure()
    record_search(user, "hardening.summary", purpose="reporting", terms={}, found=len(rows))
    return render(request, "places/hardening_summary.html", {"rows": rows})


def _radius(request: HttpRequest) -> tuple[RadiusForm, int | None]:
    rule = places_rules().leaflet_drop
    form = RadiusForm(request.GET or {}, default=rule.default_radius_m, maximum=rule.max_radius_m)
    radius = form.cleaned_data["radius"] if form.is_valid() else None
    return form, radius


def _confirmed(request: HttpRequest, pk: Any) -> tuple[Any, Any, list[Any]]:
    user = signed_in_user(request)
    address = load(user, Address, pk, purpose="case_work")
    cases = selectors.confirmed_cases_at(user, address)
    if not cases:
        raise PermissionDenied
    return user, address, cases


@access_rule(CASEWORK)
def nearby(request: HttpRequest, pk: Any) -> HttpResponse:
    """The leaflet drop list: register addresses within the radius, printable."""
    user, address, cases = _confirmed(request, pk)
    form, radius = _radius(request)
    rows = selectors.nearby(address, radius) if radius else []
    if radius:
        record_search(
            user,
            "address.nearby",
            obj=address,
            purpose="case_work",
            terms={"radius": radius},
            found=len(rows),
        )
    return render(
        request,
        "places/nearby.html",
        {
            "address": address,
            "form": form,
            "radius": radius,
            "rows": rows,
            "done_form": LeafletDoneForm(cases=cases),
            "grid_missing": address.easting is None,
        },
    )


@access_rule(CASEWORK)
def nearby_csv(request: HttpRequest, pk: Any) -> HttpResponse:
    user, address, _ = _confirmed(request, pk)
    form, radius = _radius(request)
    if radius is None:
        return HttpResponse(
            "; ".join(str(m) for m in form.errors.get("radius", [])), status=400,
            content_type="text/plain; charset=utf-8",
        )  # fmt: skip
    rows = selectors.nearby(address, radius)
    record_search(
        user,
        "address.nearby",
        obj=address,
        purpose="case_work",
        terms={"radius": radius, "format": "csv"},
        found=len(rows),
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="leaflet-drop-{radius}m.csv"'
    writer = csv.writer(response)
    writer.writerow(["uprn", "address_line1", "address_line2", "town", "postcode", "metres"])
    for row in rows:
        a = row.address
        writer.writerow(
            [a.uprn or "", *(_safe(v) for v in (a.line1, a.line2, a.town, a.postcode)),
             f"{row.metres:.0f}"]
        )  # fmt: skip
    return response


def _safe(value: str) -> str:
    """Spreadsheets run cells that start with = + - @ as formulas: quote them as text."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


@access_rule(CASEWORK)
def leaflet_done(request: HttpRequest, pk: Any) -> HttpResponse:
    """Mark the leaflet drop as done: a completed `leaflet_drop` intervention on the case."""
    user, address, cases = _confirmed(request, pk)
    form_radius, radius = _radius(request)
    if request.method != "POST":
        return redirect(reverse("places:nearby", args=[address.pk]))
    form = LeafletDoneForm(request.POST, cases=cases)
    # Not form_acted: a refusal (or PermissionDenied) is a flash message here, not a form error.
    if radius is not None and form.is_valid():
        case = form.cases[form.cleaned_data["case"]]
        rows = selectors.nearby(address, radius)
        try:
            leaflet_drop_record(
                actor=user, address=address, case=case, radius=radius, addresses=len(rows)
            )
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, "; ".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(request, f"Leaflet drop recorded on case {case.reference}")
            return redirect(reverse("cases:detail", args=[case.pk]))
    return render(
        request,
        "places/nearby.html",
        {
            "address": address,
            "form": form_radius,
            "radius": radius,
            "rows": selectors.nearby(address, radius) if radius else [],
            "done_form": form,
            "grid_missing": address.easting is None,
        },
    )
