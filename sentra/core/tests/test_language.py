from django.conf import settings
from django.urls import reverse


def test_interface_is_indonesian_even_when_the_browser_asks_for_english(client):
    response = client.get("/masuk/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "id"


def test_the_language_switch_turns_english_on(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert client.get("/masuk/")["Content-Language"] == "en"


def test_an_unknown_language_cookie_falls_back_to_indonesian(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "xx"
    assert client.get("/masuk/")["Content-Language"] == "id"


def test_the_budget_control_dashboard_speaks_english(auth_client):
    auth_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = auth_client.get(reverse("web:control_dashboard"))
    assert response.status_code == 200
    assert response["Content-Language"] == "en"
    html = response.content.decode()
    assert "National budget control" in html
    assert "Early warning" in html
    assert "Pengendalian anggaran nasional" not in html
    assert "Peringatan dini" not in html
