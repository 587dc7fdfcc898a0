"""The user's own notification settings: immediate emails or the daily summary."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from nestguard.access.rules import SIGNED_IN, access_rule
from nestguard.core.forms import messages_by_field
from nestguard.notifications import selectors, services
from nestguard.notifications.forms import PreferenceForm
from nestguard.notifications.messages import kinds


@access_rule(SIGNED_IN)
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = PreferenceForm(request.POST or None, initial={"delivery": selectors.delivery_of(user)})
    if request.method == "POST" and form.is_valid():
        try:
            services.notification_preference_set(actor=user, delivery=form.cleaned_data["delivery"])
        except ValidationError as exc:
            for field, errors in messages_by_field(exc, "delivery").items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            messages.success(request, "Your email notification choice has been saved")
            return redirect("notifications:preferences")
    return render(
        request,
        "notifications/preferences.html",
        {
            "form": form,
            "email": getattr(user, "email", ""),
            "kinds": kinds(),
            "sent": selectors.recently_sent(user),
        },
    )
