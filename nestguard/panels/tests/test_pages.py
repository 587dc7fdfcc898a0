"""The panel pages as a chair and an attendee use them: forms with the GOV.UK error summary,
nothing written on bad input, markup shown escaped, keyboard-only reordering."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import sign_in
from nestguard.audit.models import AuditEvent
from nestguard.panels.models import Action, AgendaItem, Attendance, Meeting, Panel
from nestguard.panels.services.actions import action_record
from nestguard.panels.services.meetings import agenda_item_add, attendance_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def chair_client(panel_world) -> Client:
    return sign_in(Client(), panel_world.chair)


def meeting_url(world) -> str:
    return reverse("panels:meeting", args=[world.meeting.pk])


def date_parts(name: str, day) -> dict[str, str]:
    return {
        f"{name}_day": str(day.day),
        f"{name}_month": str(day.month),
        f"{name}_year": str(day.year),
    }


def test_the_chair_creates_a_panel(chair_client) -> None:
    response = chair_client.post(
        reverse("panels:create"), {"name": "Northbrook MACE", "meeting_type": "mace"}
    )
    panel = Panel.objects.get(name="Northbrook MACE")
    assert response.status_code == 302
    assert response["Location"] == reverse("panels:detail", args=[panel.pk])
    assert panel.cadence_days == 14


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Enter the panel"),
        ({"name": "X", "meeting_type": "marac"}, "Select a valid choice"),
        ({"name": "X", "meeting_type": "mace", "cadence_days": "0"}, "from 1 to 365"),
        ({"name": "X", "meeting_type": "mace", "cadence_days": "weekly"}, "whole number"),
        ({"name": "Northbrook MACEMM", "meeting_type": "mace"}, "already a panel called"),
        ({"name": "x" * 201, "meeting_type": "mace"}, "200 characters or fewer"),
    ],
)
def test_bad_panels_show_the_error_summary(panel_world, chair_client, data, message) -> None:
    before = Panel.objects.count()
    response = chair_client.post(reverse("panels:create"), data)
    assert response.status_code == 200
    assert b"govuk-error-summary" in response.content
    assert message in response.content.decode()
    assert Panel.objects.count() == before


def test_the_meeting_page_shows_the_agenda_to_the_chair(panel_world, chair_client) -> None:
    response = chair_client.get(meeting_url(panel_world))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("<h1") == 1
    assert "Jamie Childperson" in html
    assert "Move up" not in html and "Move down" not in html  # one item: nowhere to move
    assert AuditEvent.objects.filter(action="meeting.view").count() == 1


def test_the_chair_reorders_by_buttons(panel_world, chair_client) -> None:
    added = agenda_item_add(actor=panel_world.chair, meeting=panel_world.meeting, title="AOB")
    html = chair_client.get(meeting_url(panel_world)).content.decode()
    assert 'Move down<span class="govuk-visually-hidden"> item 1</span>' in html
    assert 'Move up<span class="govuk-visually-hidden"> item 2</span>' in html
    url = reverse("panels:item_move", args=[panel_world.meeting.pk, added.pk])
    response = chair_client.post(url, {"direction": "up"})
    assert response.status_code == 302
    assert response["Location"].endswith(f"#item-{added.pk}")
    first = AgendaItem.objects.filter(meeting=panel_world.meeting).order_by("position").first()
    assert first == added
    assert chair_client.get(url).status_code == 405  # moving is a POST, never a link


def test_markup_is_stored_as_text_and_shown_escaped(panel_world, chair_client) -> None:
    url = reverse("panels:item_add", args=[panel_world.meeting.pk])
    chair_client.post(url, {"title": "<script>alert(1)</script>", "reason": "<b>why</b>"})
    item = AgendaItem.objects.get(meeting=panel_world.meeting, source="manual")
    assert item.title == "<script>alert(1)</script>"
    html = chair_client.get(meeting_url(panel_world)).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)</script>" not in html


def test_the_chair_records_minutes_and_an_action(personas, panel_world, chair_client) -> None:
    item = panel_world.meeting.items.get()
    chair_client.post(
        reverse("panels:item_minutes", args=[panel_world.meeting.pk, item.pk]),
        {"discussion": "Three episodes in a month.", "decisions": "Refer to the NRM.",
         "risk_before": "high", "risk_after": "high"},
    )  # fmt: skip
    item.refresh_from_db()
    assert (item.discussion, item.risk_after) == ("Three episodes in a month.", "high")
    due = timezone.localdate() + timedelta(days=14)
    response = chair_client.post(
        reverse("panels:action_add", args=[panel_world.meeting.pk]) + f"?item={item.pk}",
        {"item": str(item.pk), "description": "Complete the NRM referral",
         "owner_agency": str(personas.hub.pk), "owner": str(personas.owner.pk),
         **date_parts("due_on", due)},
    )  # fmt: skip
    assert response.status_code == 302
    action = Action.objects.get()
    assert (action.item, action.owner, action.due_on) == (item, personas.owner, due)
    html = chair_client.get(meeting_url(panel_world)).content.decode()
    assert "Complete the NRM referral" in html and "Refer to the NRM." in html


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Enter what must be done"),
        ({"description": "x", "owner_agency": "nope"}, "Select a valid choice"),
        ({"description": "x", "due_on_day": "30", "due_on_month": "2", "due_on_year": "2027"},
         "must be a real date"),
        ({"description": "x", "due_on_day": "1", "due_on_month": "1", "due_on_year": "27"},
         "Year must include 4 numbers"),
        ({"description": "x" * 2001}, "2,000 characters or fewer"),
    ],
)  # fmt: skip
def test_bad_actions_show_the_error_summary(panel_world, chair_client, data, message) -> None:
    response = chair_client.post(reverse("panels:action_add", args=[panel_world.meeting.pk]), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html and message in html
    assert not Action.objects.exists()


def test_an_action_before_the_meeting_is_refused_by_the_service(
    personas, panel_world, chair_client
):
    past = panel_world.meeting.meets_on - timedelta(days=1)
    response = chair_client.post(
        reverse("panels:action_add", args=[panel_world.meeting.pk]),
        {"description": "x", "owner_agency": str(personas.hub.pk), **date_parts("due_on", past)},
    )
    assert "on or after the meeting" in response.content.decode()
    assert not Action.objects.exists()


def test_an_attendee_signs_before_reading(personas, panel_world) -> None:
    attendance_record(actor=panel_world.chair, meeting=panel_world.meeting, user=personas.partner)
    client = sign_in(Client(), personas.partner)
    response = client.get(meeting_url(panel_world))
    agreement = reverse("panels:agreement", args=[panel_world.meeting.pk])
    assert response["Location"] == agreement
    refused = client.post(agreement, {})
    assert "Confirm that you agree" in refused.content.decode()
    assert not Attendance.objects.get(user=personas.partner).signed
    assert client.post(agreement, {"agreed": "on"})["Location"] == meeting_url(panel_world)
    assert client.get(meeting_url(panel_world)).status_code == 200
    again = client.post(agreement, {"agreed": "on"})
    assert "already signed" in again.content.decode()


def test_the_owner_updates_their_action(personas, panel_world) -> None:
    action = action_record(
        actor=panel_world.chair, meeting=panel_world.meeting, description="Visit",
        owner_agency=personas.hub, owner=personas.owner, due_on=timezone.localdate(),
    )  # fmt: skip
    client = sign_in(Client(), personas.owner)
    assert "Visit" in client.get(reverse("panels:actions")).content.decode()
    listed = AuditEvent.objects.get(action="action.list")
    assert listed.details["shown"] == [action.reference]
    url = reverse("panels:action_update", args=[action.pk])
    response = client.post(url, {"status": "completed"})
    assert "Enter the completion date" in response.content.decode()
    response = client.post(
        url, {"status": "completed", **date_parts("completed_on", timezone.localdate())}
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == "completed"
    page = client.get(reverse("panels:action", args=[action.pk])).content.decode()
    assert "Completed" in page


def test_scheduling_builds_the_agenda(panel_world, chair_client) -> None:
    day = panel_world.meeting.meets_on + timedelta(days=28)
    response = chair_client.post(
        reverse("panels:schedule", args=[panel_world.panel.pk]),
        {**date_parts("meets_on", day), "venue": "Town hall, room 2"},
    )
    meeting = Meeting.objects.get(meets_on=day)
    assert response["Location"] == reverse("panels:meeting", args=[meeting.pk])
    assert meeting.agenda_built_at is not None


def test_the_panels_list_and_navigation(panel_world, chair_client, personas) -> None:
    html = chair_client.get(reverse("panels:list")).content.decode()
    assert "Northbrook MACEMM" in html and "You chair" in html
    assert 'href="/panels/"' in html  # in the service navigation
    outsider = sign_in(Client(), personas.outsider).get(reverse("panels:list")).content.decode()
    assert "Northbrook MACEMM" not in outsider


def test_the_meeting_page_queries_do_not_grow_with_items(
    personas, panel_world, chair_client, django_assert_max_num_queries
) -> None:
    def add(n: int) -> None:
        for i in range(n):
            item = agenda_item_add(
                actor=panel_world.chair, meeting=panel_world.meeting, title=f"{i}"
            )
            action_record(
                actor=panel_world.chair, meeting=panel_world.meeting, item=item,
                description="x", owner_agency=personas.hub, due_on=timezone.localdate(),
            )  # fmt: skip

    add(2)
    with django_assert_max_num_queries(40) as few:
        chair_client.get(meeting_url(panel_world))
    add(15)
    with django_assert_max_num_queries(len(few.captured_queries)):
        chair_client.get(meeting_url(panel_world))


def test_the_cross_panel_flag_is_shown_to_the_chair_only(personas, panel_world) -> None:
    from nestguard.cases.services.work import case_create, case_subject_add
    from nestguard.panels.services.meetings import attendance_sign, meeting_schedule
    from nestguard.panels.services.panels import panel_create

    other = case_create(
        actor=personas.owner, lead_agency=personas.hub, concern_types=["cuckooing"],
        summary="Seen at a cuckooed flat",
    )  # fmt: skip
    case_subject_add(actor=personas.owner, case=other, person=panel_world.child, role="victim")
    other.next_review_on = timezone.localdate()
    other.save(update_fields=["next_review_on"])
    asb = panel_create(actor=panel_world.chair, name="Northbrook ASB panel", meeting_type="asb")
    meeting_schedule(actor=panel_world.chair, panel=asb, meets_on=timezone.localdate())
    attendance = attendance_record(
        actor=panel_world.chair, meeting=panel_world.meeting, user=personas.partner
    )
    attendance_sign(actor=personas.partner, attendance=attendance, agreed=True)
    chair_html = sign_in(Client(), panel_world.chair).get(meeting_url(panel_world)).content
    partner_html = sign_in(Client(), personas.partner).get(meeting_url(panel_world)).content
    assert b"Also on other panels&#x27; lists" in chair_html or b"Also on other panels' lists" in (
        chair_html
    )
    assert b"Northbrook ASB panel (" in chair_html
    assert b"Northbrook ASB panel (" not in partner_html


def test_the_chair_records_the_meeting_as_held(panel_world, chair_client) -> None:
    url = reverse("panels:hold", args=[panel_world.meeting.pk])
    assert chair_client.post(url, {}).status_code == 302
    panel_world.meeting.refresh_from_db()
    assert panel_world.meeting.status == "held"
    again = chair_client.post(url, {})
    assert "already recorded as held" in again.content.decode()
    html = chair_client.get(meeting_url(panel_world)).content.decode()
    assert "Bring the agenda up to date" not in html and "Add an agenda item" not in html


def test_the_panels_list_queries_do_not_grow_with_panels(
    panel_world, chair_client, django_assert_max_num_queries
) -> None:
    from nestguard.panels.services.panels import panel_create

    panel_create(actor=panel_world.chair, name="Panel A", meeting_type="iom")
    with django_assert_max_num_queries(40) as few:
        chair_client.get(reverse("panels:list"))
    for n in range(8):
        panel_create(actor=panel_world.chair, name=f"Panel {n}", meeting_type="asb")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = chair_client.get(reverse("panels:list"))
    assert response.content.decode().count("You chair") == 10
