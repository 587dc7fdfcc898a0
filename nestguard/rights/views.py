"""The rights pages (HTTP only): subject access, rectification and objection, restriction of
processing, and the report of access to a person's records."""

from __future__ import annotations

import csv
import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from nestguard.access import door
from nestguard.access.rules import access_rule, signed_in_user
from nestguard.audit import events
from nestguard.core.codes import code_list
from nestguard.core.forms import GovukForm
from nestguard.core.pages import apply_service_errors
from nestguard.people.models import Person
from nestguard.rights import selectors, services
from nestguard.rights.forms import (
    DecideForm,
    ExtendForm,
    LiftForm,
    PersonSearchForm,
    RedactForm,
    RestrictForm,
    RightsRequestForm,
    SarLogForm,
)
from nestguard.rights.models import (
    DisclosurePack,
    Redaction,
    RightsRequest,
    SarItem,
    SarStatus,
    SubjectAccessRequest,
)
from nestguard.rights.rules import ACCESS_REPORTING, DATA_PROTECTION


@access_rule(DATA_PROTECTION)
def index(request: HttpRequest) -> HttpResponse:
    """Requests by due date, and finding a person to act on."""
    user = signed_in_user(request)
    form = PersonSearchForm(request.GET or None)
    people: list[Person] | None = None
    if form.is_bound and form.is_valid():
        people = selectors.people_named(
            user, form.cleaned_data["given_name"], form.cleaned_data["family_name"]
        )
        door.record_search(
            user,
            "rights.person_search",
            purpose="data_protection",
            terms={k: v for k, v in form.cleaned_data.items() if v},
            found=len(people),
        )
    page = selectors.open_requests(user, cursor=request.GET.get("after"))
    door.record_list(user, SubjectAccessRequest, page.rows, purpose="subject_access")
    return render(request, "rights/index.html", {"form": form, "people": people, "page": page})


def _person(user: Any, pk: Any) -> Person:
    return door.load(user, Person, pk, purpose="data_protection")


@access_rule(DATA_PROTECTION)
def person(request: HttpRequest, pk: Any) -> HttpResponse:
    """One person's rights: requests, restriction of processing, corrections."""
    user = signed_in_user(request)
    subject = _person(user, pk)
    restriction = selectors.open_restriction(user, subject)
    forms: dict[str, GovukForm] = {
        "sar_form": SarLogForm(),
        "restrict_form": RestrictForm(),
        "lift_form": LiftForm(),
    }
    # Not form_acted: three forms behind one action switch, one except, and no success message.
    if request.method == "POST":
        action = request.POST.get("action")
        form: GovukForm
        try:
            if action == "log_sar":
                forms["sar_form"] = form = SarLogForm(request.POST)
                if form.is_valid():
                    sar = services.sar_log(
                        actor=user,
                        person=subject,
                        received_on=form.cleaned_data["received_on"],
                        requester_note=form.cleaned_data["requester_note"],
                    )
                    return redirect("rights:sar_detail", pk=sar.pk)
            elif action == "restrict":
                forms["restrict_form"] = form = RestrictForm(request.POST)
                if form.is_valid():
                    services.processing_restriction_place(
                        actor=user,
                        person=subject,
                        grounds=form.cleaned_data["grounds"],
                        reason=form.cleaned_data["reason"],
                    )
                    return redirect("rights:person", pk=subject.pk)
            elif action == "lift" and restriction is not None:
                forms["lift_form"] = form = LiftForm(request.POST)
                if form.is_valid():
                    services.processing_restriction_lift(
                        actor=user, restriction=restriction, reason=form.cleaned_data["lift_reason"]
                    )
                    return redirect("rights:person", pk=subject.pk)
            else:
                raise Http404
        except ValidationError as exc:
            apply_service_errors(
                form, exc, rename={"reason": "lift_reason"} if action == "lift" else None
            )
    return render(
        request,
        "rights/person.html",
        {
            "person": subject,
            "restriction": restriction,
            "grounds": code_list("rights", "restriction_grounds"),
            "requests": selectors.person_requests(user, subject),
            "rights_requests": selectors.person_rights_requests(user, subject),
            **forms,
        },
    )


def _sar_action(
    user: Any, sar: SubjectAccessRequest, post: Any, forms: dict[str, GovukForm]
) -> bool:
    """Carry out one POSTed action on the request; True when done (redirect)."""
    action = post.get("action")
    form: GovukForm
    if action == "extend":
        forms["extend_form"] = form = ExtendForm(post)
        if not form.is_valid():
            return False
        services.sar_extend(actor=user, request=sar, reason=form.cleaned_data["reason"])
    elif action == "search":
        services.sar_search(actor=user, request=sar)
    elif action == "redact":
        forms["redact_form"] = form = RedactForm(post)
        if not form.is_valid():
            return False
        item = (
            door.visible(user, SarItem, purpose="subject_access")
            .filter(request=sar, position=form.cleaned_data["item"])
            .first()
        )
        if item is None:
            raise Http404
        services.sar_redact(
            actor=user,
            item=item,
            field_label=form.cleaned_data["field_label"],
            exemption=form.cleaned_data["exemption"],
            note=form.cleaned_data["note"],
        )
    elif action == "unredact":
        redaction = (
            door.visible(user, Redaction, purpose="subject_access")
            .filter(item__request=sar, pk=_uuid_or_404(post.get("redaction", "")))
            .select_related("item__request")
            .first()
        )
        if redaction is None:
            raise Http404
        services.sar_unredact(actor=user, redaction=redaction)
    elif action == "pack":
        services.sar_pack_request(actor=user, request=sar)
    elif action == "close":
        services.sar_close(actor=user, request=sar)
    else:
        raise Http404
    return True


def _uuid_or_404(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise Http404 from None


@access_rule(DATA_PROTECTION)
def sar_detail(request: HttpRequest, pk: Any) -> HttpResponse:
    user = signed_in_user(request)
    sar = door.load(user, SubjectAccessRequest, pk, purpose="subject_access")
    forms: dict[str, GovukForm] = {"extend_form": ExtendForm(), "redact_form": RedactForm()}
    errors: list[str] = []
    if request.method == "POST":
        try:
            if _sar_action(user, sar, request.POST, forms):
                return redirect("rights:sar_detail", pk=sar.pk)
        except ValidationError as exc:
            errors = [str(m) for m in exc.messages]
            target = (
                forms["extend_form"]
                if request.POST.get("action") == "extend"
                else forms["redact_form"]
            )
            apply_service_errors(target, exc)
    items = list(
        door.visible(user, SarItem, purpose="subject_access")
        .filter(request=sar)
        .prefetch_related("redactions")
        .order_by("position")
    )
    packs = list(
        door.visible(user, DisclosurePack, purpose="subject_access")
        .filter(request=sar)
        .defer("pdf", "bundle")
        .order_by("-created_at", "-pk")
    )
    return render(
        request,
        "rights/sar_detail.html",
        {
            "sar": sar,
            "items": items,
            "packs": packs,
            "errors": errors,
            "exemptions": code_list("rights", "exemptions"),
            "reviewing": sar.status == SarStatus.REVIEW,
            **forms,
        },
    )


@access_rule(DATA_PROTECTION)
def pack_download(request: HttpRequest, pk: Any, kind: str) -> HttpResponse:
    """The pack's PDF or JSON bundle; the download is audited by the door (`sar.download`)."""
    user = signed_in_user(request)
    if kind not in ("pdf", "json"):
        raise Http404
    pack = door.load(user, DisclosurePack, pk, purpose="subject_access", related=("request",))
    name = f"{pack.request.reference}-disclosure.{kind}"
    if kind == "pdf":
        response = HttpResponse(bytes(pack.pdf), content_type="application/pdf")
    else:
        response = HttpResponse(bytes(pack.bundle), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@access_rule(DATA_PROTECTION)
def request_new(request: HttpRequest, pk: Any) -> HttpResponse:
    """Log a rectification or objection request about a person."""
    user = signed_in_user(request)
    subject = _person(user, pk)
    form = RightsRequestForm(request.POST or None)
    # Not form_acted: these pages go on without a success message (form_acted always says one).
    if request.method == "POST" and form.is_valid():
        try:
            made = services.rights_request_log(actor=user, person=subject, **form.cleaned_data)
            return redirect("rights:request_detail", pk=made.pk)
        except ValidationError as exc:
            apply_service_errors(form, exc)
    return render(request, "rights/request_new.html", {"person": subject, "form": form})


@access_rule(DATA_PROTECTION)
def request_detail(request: HttpRequest, pk: Any) -> HttpResponse:
    """A rectification or objection request, and its decision with reasons."""
    user = signed_in_user(request)
    made = door.load(user, RightsRequest, pk, purpose="data_protection")
    form = DecideForm(request.POST or None)
    # Not form_acted: no success message here either (see request_new).
    if request.method == "POST" and form.is_valid():
        try:
            services.rights_request_decide(
                actor=user,
                request=made,
                decision=form.cleaned_data["decision"],
                reasons=form.cleaned_data["reasons"],
                corrected_value=form.cleaned_data["corrected_value"],
            )
            return redirect("rights:request_detail", pk=made.pk)
        except ValidationError as exc:
            apply_service_errors(form, exc)
    return render(request, "rights/request_detail.html", {"made": made, "form": form})


class _Echo:
    def write(self, value: str) -> str:
        return value


@access_rule(ACCESS_REPORTING)
def access_report(request: HttpRequest, pk: Any) -> HttpResponse | StreamingHttpResponse:
    """Who read or changed the person's records, when and for what purpose (a page of the
    audit trail, newest first; or all of it as CSV). Itself audited."""
    user = signed_in_user(request)
    purpose = selectors.report_purpose(user)
    subject = door.load(user, Person, pk, purpose=purpose)
    person_id = subject.pk
    descriptions = {t.code: t.description for t in events.all_types()}
    if request.GET.get("format") == "csv":
        door.record_search(
            user, "access_report.export", purpose=purpose, terms={"person": str(person_id)}, found=0
        )
        rows = selectors.access_events(user, person_id).order_by("-occurred_at", "-pk")
        writer = csv.writer(_Echo())
        lines = (
            writer.writerow(
                [e.occurred_at.isoformat(), e.actor_label, e.agency_label,
                 descriptions.get(e.action, e.action), e.object_type, e.object_label, e.purpose]
            )
            for e in rows.iterator(chunk_size=1000)
        )  # fmt: skip
        header = writer.writerow(
            ["When", "Who", "Agency", "What", "Record type", "Record", "Purpose"]
        )
        response = StreamingHttpResponse(
            (line for part in ([header], lines) for line in part), content_type="text/csv"
        )
        response["Content-Disposition"] = f'attachment; filename="access-{person_id}.csv"'
        return response
    page = selectors.access_page(user, person_id, cursor=request.GET.get("after"))
    door.record_search(
        user,
        "access_report.view",
        purpose=purpose,
        terms={"person": str(person_id)},
        found=len(page.rows),
        obj=subject,
    )
    for event in page.rows:
        event.description = descriptions.get(event.action, event.action)  # type: ignore[attr-defined]
    return render(
        request,
        "rights/access_report.html",
        {
            "person": subject,
            "person_id": person_id,
            "page": page,
            "csv_url": reverse("rights:access_report", args=[person_id]) + "?format=csv",
        },
    )
