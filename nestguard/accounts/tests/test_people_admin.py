"""Administrators' pages for people and agencies: a GET confirms, a POST changes, audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from nestguard.accounts.administration import enrolment_code_find
from nestguard.accounts.models import Agency, User
from nestguard.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def action_url(user: User, action: str) -> str:
    return reverse("accounts:user_action", kwargs={"pk": user.pk, "action": action})


def test_the_user_page_summarises_the_account(personas, client_for) -> None:  # type: ignore[no-untyped-def]
    page = client_for("admin").get(
        reverse("accounts:user_detail", kwargs={"pk": personas.partner.pk})
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert "govuk-summary-list" in html and "Northbrook Police" in html
    assert action_url(personas.partner, "deactivate") in html
    assert action_url(personas.partner, "reset-second-factor") in html


def test_get_confirms_and_post_deactivates(personas, client_for) -> None:  # type: ignore[no-untyped-def]
    admin = client_for("admin")
    partner = client_for("partner")
    url = action_url(personas.partner, "deactivate")
    confirm = admin.get(url)
    assert confirm.status_code == 200 and b"Deactivate account" in confirm.content
    assert User.objects.get(pk=personas.partner.pk).is_active
    assert admin.post(url).status_code == 302
    assert not User.objects.get(pk=personas.partner.pk).is_active
    event = AuditEvent.objects.get(action="user.deactivate")
    assert event.actor_id == personas.admin.pk and event.object_id == str(personas.partner.pk)
    assert partner.get(reverse("cases:list")).status_code == 302  # the open session ended
    admin.post(action_url(personas.partner, "reactivate"))
    assert User.objects.get(pk=personas.partner.pk).is_active


def test_an_admin_cannot_deactivate_themselves(personas, client_for) -> None:  # type: ignore[no-untyped-def]
    response = client_for("admin").post(action_url(personas.admin, "deactivate"))
    assert response.status_code == 400
    assert b"There is a problem" in response.content and b"your own account" in response.content
    assert User.objects.get(pk=personas.admin.pk).is_active
    assert not AuditEvent.objects.filter(action="user.deactivate").exists()


def test_roles_are_added_and_removed(personas, client_for) -> None:  # type: ignore[no-untyped-def]
    admin = client_for("admin")
    add = reverse("accounts:user_role_add", kwargs={"pk": personas.referrer.pk})
    bad = admin.post(add, {"role": "emperor"})
    assert bad.status_code == 400 and b"There is a problem" in bad.content
    assert admin.post(add, {"role": "analyst"}).status_code == 302
    assert User.objects.get(pk=personas.referrer.pk).role_codes == {"referrer", "analyst"}
    remove = reverse(
        "accounts:user_role_remove", kwargs={"pk": personas.referrer.pk, "role": "analyst"}
    )
    assert admin.get(remove).status_code == 200
    assert admin.post(remove).status_code == 302
    assert User.objects.get(pk=personas.referrer.pk).role_codes == {"referrer"}
    last = reverse(
        "accounts:user_role_remove", kwargs={"pk": personas.referrer.pk, "role": "referrer"}
    )
    refused = admin.post(last)
    assert refused.status_code == 400 and b"at least one role" in refused.content
    assert [
        e.details["role"] for e in AuditEvent.objects.filter(action__startswith="user.role")
    ] == [
        "analyst",
        "analyst",
    ]


def test_unlock(personas, client_for) -> None:  # type: ignore[no-untyped-def]
    User.objects.filter(pk=personas.owner.pk).update(
        locked_until=timezone.now() + dt.timedelta(minutes=10)
    )
    client_for("admin").post(action_url(personas.owner, "unlock"))
    assert not User.objects.get(pk=personas.owner.pk).is_locked()
    assert AuditEvent.objects.filter(action="user.unlock").count() == 1


def test_resetting_the_second_factor_shows_a_new_enrolment_code_once(personas, client_for) -> None:  # type: ignore[no-untyped-def]
    response = client_for("admin").post(action_url(personas.owner, "reset-second-factor"))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]  # the code is never cached
    plain = response.context["code"]
    assert plain in response.content.decode()
    assert not TOTPDevice.objects.filter(user=personas.owner).exists()
    assert enrolment_code_find(user=personas.owner, plain=plain) is not None
    assert AuditEvent.objects.filter(action="user.second_factor_reset").count() == 1


def test_deactivating_an_agency_ends_its_users_sessions(personas, client_for) -> None:  # type: ignore[no-untyped-def]
    partner = client_for("partner")
    assert partner.get(reverse("cases:list")).status_code == 200
    url = reverse(
        "accounts:agency_action", kwargs={"pk": personas.police.pk, "action": "deactivate"}
    )
    admin = client_for("admin")
    assert admin.get(url).status_code == 200 and Agency.objects.get(pk=personas.police.pk).active
    assert admin.post(url).status_code == 302
    assert not Agency.objects.get(pk=personas.police.pk).active
    assert partner.get(reverse("cases:list")).status_code == 302
    detail = admin.get(reverse("accounts:agency_detail", kwargs={"pk": personas.police.pk}))
    assert b"Inactive" in detail.content
    own = reverse("accounts:agency_action", kwargs={"pk": personas.hub.pk, "action": "deactivate"})
    assert admin.post(own).status_code == 400
    assert Agency.objects.get(pk=personas.hub.pk).active


def test_unknown_actions_and_users_are_404(personas, client_for) -> None:  # type: ignore[no-untyped-def]
    admin = client_for("admin")
    assert admin.get(action_url(personas.owner, "promote")).status_code == 404
    gone = reverse("accounts:user_action", kwargs={"pk": personas.hub.pk, "action": "unlock"})
    assert admin.get(gone).status_code == 404
