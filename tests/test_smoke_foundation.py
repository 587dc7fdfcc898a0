import pytest

from nestguard.audit.verify import verify_chain


@pytest.mark.django_db
def test_signed_in_persona_reaches_home_and_chain_is_intact(client_for, client):
    response = client_for("owner").get("/")
    assert response.status_code == 200
    assert b"Signed in as" in response.content
    anonymous = client.get("/")
    assert anonymous.status_code == 302 and "/sign-in/" in anonymous["Location"]
    assert verify_chain().intact
