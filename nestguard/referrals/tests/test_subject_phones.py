"""Phone numbers on the people named on a referral (issue 12 point 3, decision 0115): one
normaliser (E.164), field errors on the page and the API with nothing written, shown where the
subject is read."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from nestguard.audit.models import AuditEvent
from nestguard.referrals import services
from nestguard.referrals.models import Referral, ReferralSubject
from nestguard.referrals.tests.helpers import PERSON, submitted
from nestguard.referrals.tests.test_api import LIST, body, counts, doc_example
from nestguard.referrals.tests.test_pages import PERSON_FORM, url

pytestmark = pytest.mark.django_db

FORMS_OF_ONE_NUMBER = [
    "07700 900461",
    "07700900461",
    "+44 7700 900461",
    "+447700900461",
    "0044 7700 900461",
    "(07700) 900-461",
    "+44 (0)7700 900461",
]


def test_uk_numbers_in_any_common_form_are_stored_once_in_e164(personas) -> None:
    referral = services.referral_start(actor=personas.referrer)
    subject = services.referral_subject_add(
        actor=personas.referrer, referral=referral, **PERSON,
        phones=[*FORMS_OF_ONE_NUMBER, "020 7946 0018"],
    )  # fmt: skip
    subject.refresh_from_db()
    assert subject.phones == ["+447700900461", "+442079460018"]


@pytest.mark.parametrize("bad", ["0770 12", "not a number", "+44 7700 900461 99999"])
def test_a_bad_number_is_a_field_error_and_nothing_is_written(personas, bad) -> None:
    referral = services.referral_start(actor=personas.referrer)
    with pytest.raises(ValidationError) as caught:
        services.referral_subject_add(
            actor=personas.referrer, referral=referral, **PERSON, phones=["07700 900461", bad]
        )
    message = caught.value.message_dict["phones"][0]
    assert f"“{bad}” is not a UK phone number" in message
    assert not ReferralSubject.objects.exists()


def test_the_person_page_takes_numbers_one_a_line_and_shows_them(personas, client_for) -> None:
    referrer = client_for("referrer")
    referral = services.referral_start(actor=personas.referrer)
    response = referrer.post(
        url("person_add", referral), {**PERSON_FORM, "phones": "07700 900461\n+44 7700 900462"}
    )
    assert response.status_code == 302
    subject = ReferralSubject.objects.get()
    assert subject.phones == ["+447700900461", "+447700900462"]
    people = referrer.get(url("people", referral)).content.decode()
    assert "Phone numbers" in people and "07700 900461" in people and "07700 900462" in people
    change = referrer.get(url("person_change", referral, subject_pk=subject.pk)).content.decode()
    assert "07700 900461\n07700 900462" in change


def test_a_bad_number_on_the_page_shows_the_error_summary_and_writes_nothing(
    personas, client_for
) -> None:
    referral = services.referral_start(actor=personas.referrer)
    events = AuditEvent.objects.count()
    response = client_for("referrer").post(
        url("person_add", referral), {**PERSON_FORM, "phones": "07700 900461\n0770 12"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page and "“0770 12” is not a UK phone number" in page
    assert 'href="#id_phones"' in page
    assert not ReferralSubject.objects.exists()
    assert AuditEvent.objects.count() == events


def test_the_api_stores_the_documented_numbers_in_e164(personas, api_for) -> None:
    response = api_for("partner").post(LIST, doc_example("POST /api/v1/referrals/"))
    assert response.status_code == 201, response.content
    referral = Referral.objects.get(pk=response.json()["id"])
    phones = [s.phones for s in referral.subjects.all()]
    assert phones == [[], ["+447700900461", "+447700900462"]]
    full = api_for("owner").get(f"{LIST}{referral.pk}/").json()
    assert [s["phones"] for s in full["subjects"]] == phones


def test_a_bad_number_on_the_api_is_400_by_position_and_writes_nothing(personas, api_for) -> None:
    data = body()
    data["subjects"][1]["phones"] = ["07700 900461", "0770 12"]
    before = counts()
    response = api_for("partner").post(LIST, data)
    assert response.status_code == 400
    errors = response.json()["subjects"]
    assert errors[0] == {} and "“0770 12” is not a UK phone number" in errors[1]["phones"][0]
    assert counts() == before


def test_phones_of_the_wrong_type_are_400(personas, api_for) -> None:
    data = body()
    data["subjects"][0]["phones"] = "07700 900461"
    before = counts()
    response = api_for("partner").post(LIST, data)
    assert response.status_code == 400 and "phones" in str(response.json()["subjects"])
    assert counts() == before


def test_the_referral_page_shows_the_numbers_to_triage(personas, client_for) -> None:
    referral = submitted(personas.referrer, people=[{**PERSON, "phones": ["07700 900461"]}])
    page = client_for("owner").get(url("detail", referral)).content.decode()
    assert "07700 900461" in page
