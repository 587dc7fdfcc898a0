"""The service navigation offers only what each user can open: following any link it shows
answers 200, for every persona (a link that ends in "forbidden" is a defect)."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from conftest import Personas, sign_in
from nestguard.core.context_processors import NAVIGATION

PERSONAS = ("owner", "supervisor", "partner", "outsider", "referrer", "auditor", "admin")


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_every_navigation_link_opens(personas: Personas, persona: str) -> None:
    client = sign_in(Client(), personas.all()[persona])
    response = client.get("/")
    links = response.context["navigation"]
    assert links, f"{persona} sees no navigation"
    for link in links:
        assert client.get(link["href"]).status_code == 200, (persona, link["text"])


@pytest.mark.django_db
def test_repeat_addresses_shown_only_to_the_queue(personas: Personas) -> None:
    # Both are caseworkers; only the police are on the repeat-address queue.
    shown = {
        name: "Repeat addresses"
        in [link["text"] for link in sign_in(Client(), user).get("/").context["navigation"]]
        for name, user in (("partner", personas.partner), ("outsider", personas.outsider))
    }
    assert shown == {"partner": True, "outsider": False}
    assert any(len(item) == 4 for item in NAVIGATION)


_HREF = re.compile(r'href="(/[^"#]*)"')
# Not pages: signing out, files, exports and the API (each tested where it is built).
_NOT_PAGES = re.compile(r"/sign-out|/static/|format=|/export|\.csv|\.ods|/api/")


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_every_link_on_the_navigation_pages_opens(personas: Personas, persona: str) -> None:
    """One level below the navigation: a link a page shows must open for the user who sees
    it (the training page showed an admin a link to the reports, which answered 403)."""
    client = sign_in(Client(), personas.all()[persona])
    pages = [link["href"] for link in client.get("/").context["navigation"]]
    followed: set[str] = set()
    for page in pages:
        body = client.get(page).content.decode()
        for href in _HREF.findall(body):
            href = href.replace("&amp;", "&")
            if href in followed or _NOT_PAGES.search(href):
                continue
            followed.add(href)
            status = client.get(href, follow=True).status_code
            assert status == 200, (persona, page, href, status)
    assert followed
