"""The user's own choice of immediate emails or a daily summary, on their account page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from nestguard.audit.models import AuditEvent
from nestguard.notifications.models import Delivery, NotificationPreference

pytestmark = pytest.mark.django_db
URL = reverse("notifications:preferences")


def test_the_default_is_the_daily_summary_and_the_choice_is_saved_and_audited(personas, client_for):  # type: ignore[no-untyped-def]
    client = client_for("partner")
    page = client.get(URL)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'value="daily_digest" checked' in html
    assert 'value="immediate" checked' not in html
    assert "Email notifications" in html

    answer = client.post(URL, {"delivery": "immediate"})
    assert answer.status_code == 302 and answer["Location"] == URL
    preference = NotificationPreference.objects.get(user=personas.partner)
    assert preference.delivery == Delivery.IMMEDIATE
    event = AuditEvent.objects.get(action="notification.preference")
    assert event.details == {"from": "daily_digest", "to": "immediate"}
    assert 'value="immediate" checked' in client.get(URL).content.decode()


def test_a_choice_that_is_not_offered_shows_the_error_summary(personas, client_for):  # type: ignore[no-untyped-def]
    page = client_for("owner").post(URL, {"delivery": "hourly"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "govuk-error-summary" in html and "Choose how you want to be told" in html
    assert not NotificationPreference.objects.exists()


def test_the_page_needs_a_signed_in_user(client):  # type: ignore[no-untyped-def]
    answer = client.get(URL)
    assert answer.status_code == 302 and "sign-in" in answer["Location"]


def test_the_page_lists_what_was_emailed_to_the_user_only(personas, client_for):  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime

    from nestguard.notifications.models import Notification

    sent = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
    for user, reference in ((personas.partner, "REF-MINE"), (personas.owner, "REF-THEIRS")):
        Notification.objects.create(
            user=user, kind="repeat_address_alert", object_type="places.repeataddressalert",
            object_id=reference, reference=reference, path="/addresses/repeat-alerts/",
            event_at=sent, sent_at=sent, delivery=Delivery.IMMEDIATE,
        )  # fmt: skip
    html = client_for("partner").get(URL).content.decode()
    assert "Recently emailed to you" in html and "REF-MINE" in html
    assert "A repeat-address alert was raised" in html
    assert "REF-THEIRS" not in html
