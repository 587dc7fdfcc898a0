"""Factories for rows that tests need as a starting point. Anything with a workflow
(referrals, cases, assessments) is made through its service, never by a factory."""

from __future__ import annotations

import factory
from django_otp.plugins.otp_totp.models import TOTPDevice

from nestguard.accounts.models import Agency, RoleGrant, User
from nestguard.people.models import Person
from nestguard.places.models import Address

# A fixed base32 secret so tests (and the browser journeys) can compute TOTP codes.
TEST_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
TEST_PASSWORD = "correct horse battery staple 42"


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Test Agency {n}")
    type = "housing"
    contact_name = "Duty desk"
    contact_phone = "01632 960000"
    contact_email = factory.Sequence(lambda n: f"duty{n}@agency.example")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"User{n}")
    agency = factory.SubFactory(AgencyFactory)
    password = factory.django.Password(TEST_PASSWORD)

    # Nearly every test makes a dozen users (the personas in conftest.py), so these ask once
    # what the user already has and create the rest, rather than a get_or_create each (four
    # statements apiece, two of them savepoints): a quarter of the statements the personas
    # cost, the same rows and the same signals (decision 0126).
    @factory.post_generation
    def roles(self, create: bool, extracted: list[str] | None, **kwargs: object) -> None:
        new = kwargs.get("new", False)  # NewUserFactory: nothing to ask about
        held = (
            set()
            if new
            else set(RoleGrant.objects.filter(user=self).values_list("role", flat=True))
        )
        for role in dict.fromkeys(extracted or ["caseworker"]):
            if role not in held:
                RoleGrant.objects.create(user=self, role=role)

    @factory.post_generation
    def totp(self, create: bool, extracted: bool | None, **kwargs: object) -> None:
        if extracted is False:
            return
        import base64

        new = kwargs.get("new", False)  # NewUserFactory: nothing to ask about
        if new or not TOTPDevice.objects.filter(user=self, name="Test app").exists():
            key = base64.b32decode(TEST_TOTP_SECRET).hex()
            TOTPDevice.objects.create(user=self, name="Test app", key=key, confirmed=True)


# The personas (conftest.py) are made in every test that takes them, some 4,000 times a pass,
# into a test database that holds none of them yet. These make their rows at once instead of
# looking for them first: no get_or_create (a select and a savepoint pair per row) and no
# asking a user just made which roles and authenticator it holds. The same rows, each saved
# on its own with the same signals; 93 statements for the personas instead of 169 (decision
# 0128). A name already taken fails loudly (a unique constraint) rather than being reused.
class NewAgencyFactory(AgencyFactory):
    class Meta:
        django_get_or_create = ()


class NewUserFactory(UserFactory):
    class Meta:
        django_get_or_create = ()

    agency = factory.SubFactory(NewAgencyFactory)
    roles__new = True
    totp__new = True


class AddressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Address

    uprn = factory.Sequence(lambda n: f"{100000000 + n}")
    line1 = factory.Sequence(lambda n: f"{n % 200 + 1} Testing Street")
    town = "Northbrook"
    postcode = "NB1 2AB"
    postcode_key = "NB12AB"
    easting = 390000
    northing = 390000
    ward = "Central"
    tenure = "council"


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    given_name = factory.Sequence(lambda n: f"Given{n}")
    family_name = factory.Sequence(lambda n: f"Family{n}")
