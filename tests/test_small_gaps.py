"""Issue 16 point 7, the small gaps: each code list now has what the seed documents name, used
through the services a user's action goes through."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from conftest import Personas
from nestguard.accounts.services import agency_create
from nestguard.cases.models import Case
from nestguard.cases.services.closing import case_close
from nestguard.core.codes import code_list
from nestguard.panels.services.panels import panel_create
from nestguard.places.models import Address
from nestguard.places.policy import places_rules
from nestguard.places.services.register import address_register_import
from nestguard.referrals import services as referrals
from nestguard.referrals.tests.helpers import complete_draft, submitted
from nestguard.reporting import measures
from nestguard.reporting.registry import ReportRequest
from tests.factories import UserFactory

# The shared seeds sit beside the repository (CI) or beside the work trees (here).
_REPO = Path(__file__).resolve().parents[1]
SEEDS = next(
    (
        p / "shared" / "seeds"
        for p in (_REPO.parent, _REPO.parent.parent)
        if (p / "shared").exists()
    ),
    _REPO.parent / "shared" / "seeds",
)


@pytest.mark.django_db
def test_fear_of_being_called_a_grass_is_a_sign(personas: Personas) -> None:
    indicators = code_list("referrals", "indicators")
    sign = indicators.get("fear_of_being_a_grass")
    assert sign["group"] == "cuckooing_signs" and "grass" in sign.label
    assert "seed 000" in sign["source"]
    referral = complete_draft(personas.referrer)
    referrals.referral_concerns_update(
        actor=personas.referrer,
        referral=referral,
        concern_types=["cuckooing"],
        indicators=["fear_of_being_a_grass"],
    )
    referral.refresh_from_db()
    assert referral.indicators == ["fear_of_being_a_grass"]


@pytest.mark.django_db
def test_a_disruption_panel_can_be_set_up(personas: Personas) -> None:
    chair = UserFactory(username="disruption_chair", agency=personas.police, roles=["panel_chair"])
    panel = panel_create(actor=chair, name="Northbrook Disruption Panel", meeting_type="disruption")
    assert panel.meeting_type == "disruption"
    assert panel.cadence_days == 28


@pytest.mark.django_db
def test_a_short_let_is_a_tenure(personas: Personas) -> None:
    csv = (
        "uprn,address_line1,address_line2,town,postcode,easting,northing,latitude,longitude,"
        "ward,tenure,landlord\n"
        "990000000777,Flat 2 Harbour View,,Northbrook,NB1 2AB,403500,398500,,,Lanterns,"
        "short_let,Nightly Lets Ltd\n"
    )
    address_register_import(actor=None, stream=io.StringIO(csv))
    address = Address.objects.get(uprn="990000000777")
    assert address.tenure == "short_let"
    assert address.tenure_label == "Short let or holiday let"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "label"),
    [
        ("trading_standards", "Trading Standards"),
        ("british_transport_police", "British Transport Police"),
        ("secure_estate", "Secure estate"),
    ],
)
def test_the_agencies_the_york_review_names_are_agency_types(code: str, label: str) -> None:
    agency = agency_create(actor=None, name=f"Northbrook {label}", type=code)
    assert agency.type == code
    assert code_list("accounts", "agency_types").label(code).startswith(label)
    assert "seed 003" in code_list("accounts", "agency_types").get(code)["source"]


@pytest.mark.django_db
def test_an_unknown_agency_type_is_still_refused() -> None:
    with pytest.raises(ValidationError):
        agency_create(actor=None, name="Northbrook Nowhere", type="disruption_panel")


def test_the_displacement_rule_cites_the_york_review() -> None:
    source = places_rules().displacement.source
    assert "seed 003" in source and "York" in source
    assert "002" not in source and "004" not in source
    quote = "there was an issue around displacement, with vulnerable adults moving from property"
    assert quote in source
    york = SEEDS / "003_0966e6c81c716c5c.txt"
    if york.exists():
        assert quote in york.read_text(encoding="utf-8")


def _open_case(personas: Personas) -> Case:
    referral = submitted(personas.referrer)
    referral = referrals.referral_triage(
        actor=personas.owner, referral=referral, decision="accept", reason="Cuckooing"
    )
    return Case.objects.get(pk=referral.case_id)


@pytest.mark.django_db
def test_a_drug_related_death_is_recorded_and_counted(personas: Personas) -> None:
    case = _open_case(personas)
    case_close(
        actor=personas.owner,
        case=case,
        outcomes=["died_drug_related"],
        resolution="person_died",
        summary="Found dead at the address; the coroner's inquest is awaited.",
        cancel_open_interventions=True,
    )
    case.refresh_from_db()
    assert case.outcomes == ["died_drug_related"] and case.resolution == "person_died"
    assert (
        "Operation Sanctuary" in code_list("cases", "outcomes").get("died_drug_related")["source"]
    )
    analyst = UserFactory(username="gap_analyst", agency=personas.hub, roles=["analyst"])
    today = timezone.localdate()
    table = measures.closed_case_outcomes(ReportRequest(analyst, today, today))
    counts = {row[0]: row[1] for row in table.rows}
    assert counts["The person died: a drug-related death"] == 1
    assert counts["The person died: another cause"] == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("outcomes", "resolution", "field"),
    [
        (["died_drug_related"], "not_resolved", "resolution"),
        (["moved"], "person_died", "outcomes"),
    ],
)
def test_a_death_is_recorded_consistently(
    personas: Personas, outcomes: list[str], resolution: str, field: str
) -> None:
    case = _open_case(personas)
    with pytest.raises(ValidationError) as caught:
        case_close(
            actor=personas.owner,
            case=case,
            outcomes=outcomes,
            resolution=resolution,
            summary="Closing",
            cancel_open_interventions=True,
        )
    assert field in caught.value.message_dict
    case.refresh_from_db()
    assert case.status != "closed"
