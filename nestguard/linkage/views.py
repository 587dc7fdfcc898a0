"""The person index pages: HTTP only. Reads are the selectors', writes the services'."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from nestguard.access.door import load, look_up, record_list, visible
from nestguard.access.rules import ADMINISTERING, access_rule, signed_in_user
from nestguard.core.import_files import store_upload
from nestguard.core.pages import posted
from nestguard.jobs import enqueue
from nestguard.linkage import selectors
from nestguard.linkage.forms import (
    AddressDecisionForm,
    DecisionForm,
    ImportForm,
    ImportQueueForm,
    RunForm,
    UndoForm,
)
from nestguard.linkage.models import (
    AddressMatch,
    Cluster,
    ImportBatch,
    LinkageRun,
    Merge,
    ReviewPair,
)
from nestguard.linkage.rules import LOOKING_UP, REVIEWING, RUNNING
from nestguard.linkage.services.addresses import (
    address_match_confirm,
    address_match_reject,
    referral_address_text,
)
from nestguard.linkage.services.imports import ImportRejected, source_records_import
from nestguard.linkage.services.lookups import LookupsExhausted
from nestguard.linkage.services.merges import blocking_merge, merge_undo
from nestguard.linkage.services.review import review_pair_confirm, review_pair_reject
from nestguard.linkage.services.runs import launch, linkage_run_start
from nestguard.linkage.thresholds import thresholds

PAGE_SIZE = 25


@access_rule(RUNNING)
def index(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    runs = list(visible(user, LinkageRun)[:5])
    return render(
        request,
        "linkage/index.html",
        {
            "runs": runs,
            "active": next((r for r in runs if r.is_active), None),
            "form": RunForm(),
            "reviewer": user.has_role(selectors.REVIEWER),
            "pairs": selectors.review_queue(user).count(),
            "addresses": selectors.address_queue(user).count(),
            "imports": visible(user, ImportBatch)[:5],
            "limits": thresholds(),
        },
    )


@access_rule(RUNNING)
def run_start(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    form = RunForm(posted(request))
    # Not form_acted: no success message, and the run is launched after the service acts.
    if request.method == "POST" and form.is_valid():
        try:
            run = linkage_run_start(
                actor=user,
                engine=form.cleaned_data["engine"],
                retrain=form.cleaned_data["retrain"],
            )
        except ValidationError as exc:
            for key, messages in exc.message_dict.items():
                for message in messages:
                    form.add_error(key if key in form.fields else None, message)
        else:
            launch(run)
            return redirect("linkage:run_detail", pk=run.pk)
    return render(request, "linkage/run_start.html", {"form": form})


@access_rule(RUNNING)
def run_detail(request: HttpRequest, pk: Any) -> HttpResponse:
    run = load(signed_in_user(request), LinkageRun, pk, purpose="linkage_review")
    return render(request, "linkage/run_detail.html", {"run": run})


@access_rule(RUNNING)
def run_status(request: HttpRequest, pk: Any) -> JsonResponse:
    """The run's progress for the page's script (counts only, no personal data)."""
    run = load(signed_in_user(request), LinkageRun, pk, purpose="linkage_review")
    return JsonResponse(
        {
            "status": run.status,
            "status_label": run.get_status_display(),
            "progress": run.progress,
            "stage": run.stage,
            "active": run.is_active,
            "counts": run.counts,
        }
    )


@access_rule(LOOKING_UP)
def matches(request: HttpRequest) -> JsonResponse:
    """Is the person being typed already known? JSON for the referral form's script (the
    same answer as GET /api/v1/people/matches/, with the browser's session)."""
    user = signed_in_user(request)
    values: dict[str, str] = {}
    for name in selectors.QUERY_FIELDS:
        value = request.GET.get(name, "")
        if len(value) > 200:
            return JsonResponse({name: ["Must be 200 characters or fewer"]}, status=400)
        values[name] = value.strip()
    try:
        lookup = look_up(user, "already_known", values, purpose="already_known").result
    except LookupsExhausted as exc:
        # As the API answers (429, Retry-After, {"detail": ...}); the script shows the words.
        return _retry_later(exc.message, exc.retry_after, status=429)
    if lookup.waiting:
        # As the API answers (503, Retry-After, {"detail": ...}); nothing shown, nothing audited.
        return _retry_later(lookup.message, lookup.retry_after, status=503)
    return JsonResponse(
        selectors.lookup_as_json(lookup, lambda p: reverse("people:detail", args=[p.pk]))
    )


def _retry_later(message: str, seconds: int, *, status: int) -> JsonResponse:
    answer = JsonResponse({"detail": message}, status=status)
    answer["Retry-After"] = str(seconds)
    return answer


@access_rule(REVIEWING)
def import_new(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    form = ImportForm(posted(request), request.FILES if request.method == "POST" else None)
    rejected: ImportRejected | None = None
    # Not form_acted: a rejected file keeps its problems for the page, and no success message.
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = source_records_import(
                actor=user,
                system=form.cleaned_data["system"],
                data=upload.read(),
                filename=upload.name or "",
                mapping=form.mapping(),
                encoding=form.cleaned_data["encoding"],
            )
        except ImportRejected as exc:
            rejected = exc
            form.add_error(
                "file",
                f"The file has {exc.total} problem{'s' if exc.total != 1 else ''}: "
                "nothing was imported",
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            return redirect("linkage:import_detail", pk=result.batch.pk)
    return render(
        request,
        "linkage/import_new.html",
        {"form": form, "rejected": rejected, "agency": user.agency},
    )


@access_rule(ADMINISTERING)
def import_queue(request: HttpRequest) -> HttpResponse:
    """An administrator uploads a file of their agency's people and the import job reads it
    (decision 0088); the job's page shows its progress, or each problem in the file."""
    user = signed_in_user(request)
    posted = request.method == "POST"
    form = ImportQueueForm(request.POST if posted else None, request.FILES if posted else None)
    if posted and form.is_valid() and user.agency is None:
        form.add_error(None, "Only a user of an agency can import its records")
    if posted and form.is_valid():
        name = store_upload(form.cleaned_data["file"], kind="source_records")
        run = enqueue(
            "linkage.import_source_records",
            started_by=user,
            file=name,
            user_id=str(user.pk),
            system=form.cleaned_data["system"],
            encoding=form.cleaned_data["encoding"],
            mapping=form.mapping(),
        )
        return redirect("jobs:detail", pk=run.pk)
    return render(request, "linkage/import_queue.html", {"form": form, "agency": user.agency})


@access_rule(REVIEWING)
def import_detail(request: HttpRequest, pk: Any) -> HttpResponse:
    batch = load(signed_in_user(request), ImportBatch, pk, purpose="admin")
    created = selectors.batch_record_count(batch)
    return render(
        request,
        "linkage/import_detail.html",
        {
            "batch": batch,
            "created": created,
            "already": batch.rows - created,
            "doubtful": selectors.batch_doubtful_dates(batch),
        },
    )


@access_rule(REVIEWING)
def review_queue(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    page = Paginator(selectors.review_queue(user), PAGE_SIZE).get_page(request.GET.get("page"))
    record_list(user, ReviewPair, list(page.object_list), purpose="linkage_review")
    return render(request, "linkage/review_queue.html", {"page": page})


def _pair_rows(pair: ReviewPair) -> list[tuple[str, str, str]]:
    fields = [
        ("Given name", "given_name"),
        ("Family name", "family_name"),
        ("Date of birth", "date_of_birth"),
        ("Sex", "sex"),
        ("Address", "address_text"),
        ("Phone", "phone"),
        ("Identifier", "identifier"),
    ]
    return [(label, getattr(pair.left, f), getattr(pair.right, f)) for label, f in fields]


@access_rule(REVIEWING)
def review_pair(request: HttpRequest, pk: Any) -> HttpResponse:
    user = signed_in_user(request)
    pair = load(user, ReviewPair, pk, purpose="linkage_review")
    form = DecisionForm(posted(request))
    # Not form_acted: no success message; the next pair is found after the decision.
    if request.method == "POST" and form.is_valid():
        decide = (
            review_pair_confirm
            if form.cleaned_data["decision"] == "confirm"
            else review_pair_reject
        )
        try:
            decide(actor=user, pair=pair, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            following = selectors.review_queue(user).exclude(pk=pair.pk).first()
            if following is not None:
                return redirect("linkage:review_pair", pk=following.pk)
            return redirect("linkage:review_queue")
    return render(
        request,
        "linkage/review_pair.html",
        {
            "pair": pair,
            "rows": _pair_rows(pair),
            "evidence": selectors.evidence_rows(pair.evidence),
            "form": form,
        },
    )


@access_rule(REVIEWING)
def cluster_detail(request: HttpRequest, pk: Any) -> HttpResponse:
    user = signed_in_user(request)
    view = selectors.cluster_view(user, load(user, Cluster, pk, purpose="linkage_review"))
    return render(request, "linkage/cluster.html", {"view": view})


@access_rule(REVIEWING)
def merge_undo_page(request: HttpRequest, pk: Any) -> HttpResponse:
    user = signed_in_user(request)
    merge = load(user, Merge, pk, purpose="linkage_review")
    form = UndoForm(posted(request))
    # Not form_acted: no success message, and the form's own add_service_errors.
    if request.method == "POST" and form.is_valid():
        try:
            merge_undo(actor=user, merge=merge, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            return redirect("linkage:cluster", pk=merge.into_id)
    moved = selectors.merge_moved_records(user, merge)
    return render(
        request,
        "linkage/merge_undo.html",
        {
            "merge": merge,
            "moved": moved,
            "form": form,
            "blocking": blocking_merge(merge) if merge.undone_at is None else None,
        },
    )


@access_rule(REVIEWING)
def address_queue(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    page = Paginator(selectors.address_queue(user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "linkage/address_queue.html", {"page": page})


@access_rule(REVIEWING)
def address_match(request: HttpRequest, pk: Any) -> HttpResponse:
    user = signed_in_user(request)
    match = load(user, AddressMatch, pk, purpose="linkage_review")
    uprns = [str(a.get("uprn")) for a in match.alternatives]
    register = selectors.register_addresses(uprns)
    confidence = {str(a.get("uprn")): a.get("confidence") for a in match.alternatives}
    choices = [
        (
            uprn,
            f"{register[uprn].line1}, {register[uprn].postcode} (UPRN {uprn}, "
            f"confidence {round(float(confidence[uprn] or 0) * 100)}%)",
        )
        for uprn in uprns
        if uprn in register
    ]
    form = AddressDecisionForm(posted(request), choices=choices)
    # Not form_acted: no success message; every refusal goes on the one question.
    if request.method == "POST" and form.is_valid():
        chosen = form.cleaned_data["uprn"]
        try:
            if chosen == AddressDecisionForm.NONE:
                address_match_reject(actor=user, match=match)
            else:
                address_match_confirm(actor=user, match=match, uprn=chosen)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            return redirect("linkage:address_queue")
    origin = (
        match.source_record.audit_label
        if match.source_record
        else (match.referral.reference if match.referral else "")
    )
    return render(
        request,
        "linkage/address_match.html",
        {
            "match": match,
            "form": form,
            "origin": origin,
            "evidence": selectors.evidence_rows(match.evidence),
            "referral_text": referral_address_text(match.referral) if match.referral else "",
            "decided": match.status != AddressMatch.Status.PENDING,
            "queue_url": reverse("linkage:address_queue"),
        },
    )
