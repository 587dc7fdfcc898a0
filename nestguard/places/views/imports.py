"""Administrators upload the address register; the import job reads it (decision 0088)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from nestguard.access.rules import ADMINISTERING, access_rule, signed_in_user
from nestguard.core.import_files import store_upload
from nestguard.jobs import enqueue
from nestguard.places.forms import RegisterImportForm
from nestguard.places.services.register import REGISTER_COLUMNS


@access_rule(ADMINISTERING)
def register_import(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    posted = request.method == "POST"
    form = RegisterImportForm(request.POST if posted else None, request.FILES if posted else None)
    if posted and form.is_valid():
        name = store_upload(form.cleaned_data["file"], kind="register")
        run = enqueue("places.import_addresses", started_by=user, file=name, user_id=str(user.pk))
        return redirect("jobs:detail", pk=run.pk)
    return render(
        request, "places/register_import.html", {"form": form, "columns": REGISTER_COLUMNS}
    )
