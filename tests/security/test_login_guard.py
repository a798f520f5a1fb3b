"""Log-ins resist guessing without letting an attacker lock the real user out; tokens die with the password."""

import datetime as dt

import pytest
from django.test import Client, override_settings
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from core.security import SecurityEvent
from tests.factories import PASSWORD, UserFactory

LOGIN = "/konto/zaloguj/"
TOKEN = "/api/v1/auth/token/"


def page_login(email, password, ip, forwarded=None):
    client = Client(REMOTE_ADDR=ip, **({"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}))
    response = client.post(LOGIN, {"username": email, "password": password})
    return client, response


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_eleventh_wrong_password_is_refused_but_the_real_user_elsewhere_logs_in(db):
    user = UserFactory()
    for n in range(10):
        _client, response = page_login(user.email, "wrong-guess", "203.0.113.7")
        # the form again with its error; the tenth failure already answers with the wait page
        assert response.status_code == (429 if n == 9 else 200)
    client, response = page_login(user.email, PASSWORD, "203.0.113.7")
    assert response.status_code == 429 and not logged_in(client)  # even the right password, from that address
    client, response = page_login(user.email, PASSWORD, "198.51.100.20")
    assert response.status_code == 302 and logged_in(client)
    failures = SecurityEvent.objects.filter(attempted=user.email)
    assert failures.filter(kind=SecurityEvent.Kind.LOGIN_FAILED).count() == 9
    assert failures.filter(kind=SecurityEvent.Kind.LOCKED_OUT).count() == 2  # the tenth and the refused eleventh
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.LOGIN, user=user, ip_address="198.51.100.20").exists()


def test_rotating_x_forwarded_for_changes_nothing(db):
    user = UserFactory()
    for n in range(10):
        page_login(user.email, "wrong-guess", "203.0.113.7", forwarded=f"10.0.{n}.{n}")
    client, response = page_login(user.email, PASSWORD, "203.0.113.7", forwarded="10.9.9.9")
    assert response.status_code == 429 and not logged_in(client)


def test_token_endpoint_is_guarded_per_account_and_address_and_ignores_forwarded_for(db):
    user = UserFactory()
    for n in range(10):
        client = APIClient(REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR=f"10.1.{n}.1")
        assert client.post(TOKEN, {"email": user.email, "password": "wrong"}).status_code == (429 if n == 9 else 400)
    attacker = APIClient(REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="10.2.2.2")
    assert attacker.post(TOKEN, {"email": user.email, "password": PASSWORD}).status_code == 429
    real = APIClient(REMOTE_ADDR="198.51.100.30")
    response = real.post(TOKEN, {"email": user.email, "password": PASSWORD})
    assert response.status_code == 200 and response.json()["token"]
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.TOKEN_CREATED, user=user).exists()


@override_settings(REST_FRAMEWORK={"NUM_PROXIES": 0})
def test_api_throttle_ignores_a_spoofed_forwarded_for(db):
    from rest_framework.settings import api_settings
    from rest_framework.test import APIRequestFactory
    from rest_framework.throttling import SimpleRateThrottle

    api_settings.reload()
    try:
        request = APIRequestFactory().get("/", REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR="1.2.3.4")
        assert SimpleRateThrottle.get_ident(SimpleRateThrottle.__new__(SimpleRateThrottle), request) == "203.0.113.5"
    finally:
        api_settings.reload()


def test_client_ip_trusts_only_the_configured_proxies(rf, settings):
    from core.net import client_ip

    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.4")
    settings.NUM_PROXIES = 0
    assert client_ip(request) == "10.0.0.1"
    settings.NUM_PROXIES = 1
    assert client_ip(request) == "198.51.100.4"  # the spoofed left-most entry is never read


def _token_for(user) -> str:
    response = APIClient(REMOTE_ADDR="198.51.100.40").post(TOKEN, {"email": user.email, "password": PASSWORD})
    assert response.status_code == 200
    return response.json()["token"]


def test_old_token_is_refused_after_a_password_change(db):
    user = UserFactory()
    key = _token_for(user)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/auth/token/").status_code in (405,)  # authenticated, method not allowed
    client = Client()
    client.login(email=user.email, password=PASSWORD)
    response = client.post("/konto/haslo/zmien/", {"old_password": PASSWORD, "new_password1": "Another-Horse-77",
                                                   "new_password2": "Another-Horse-77"})
    assert response.status_code == 302
    assert not Token.objects.filter(key=key).exists()
    assert api.get("/api/v1/loyalty/cards/").status_code == 401


def test_token_is_deleted_on_logout(db):
    user = UserFactory()
    key = _token_for(user)
    client = Client()
    client.login(email=user.email, password=PASSWORD)
    client.post("/konto/wyloguj/")
    assert not Token.objects.filter(key=key).exists()


def test_expired_token_is_refused_and_a_new_one_issued(db, settings):
    user = UserFactory()
    key = _token_for(user)
    Token.objects.filter(key=key).update(created=timezone.now() - dt.timedelta(hours=settings.API_TOKEN_TTL_HOURS + 1))
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/loyalty/cards/").status_code == 401
    assert _token_for(user) != key


def test_password_reset_is_limited_per_address_with_the_same_answer(db, settings, mailoutbox):
    settings.PASSWORD_RESET_LIMIT_PER_EMAIL = 2
    user = UserFactory()
    client = Client(REMOTE_ADDR="203.0.113.77")
    answers = [client.post("/konto/haslo/reset/", {"email": user.email}) for _ in range(4)]
    assert [a.status_code for a in answers] == [302] * 4
    assert len({a["Location"] for a in answers}) == 1
    assert len(mailoutbox) == 2
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.PASSWORD_RESET_THROTTLED).count() == 2


def test_a_person_sees_and_ends_their_other_sessions_and_tokens(db):
    user = UserFactory()
    phone, laptop = Client(HTTP_USER_AGENT="Phone"), Client(HTTP_USER_AGENT="Laptop")
    for c in (phone, laptop):
        c.post(LOGIN, {"username": user.email, "password": PASSWORD})
        assert logged_in(c)
    _token_for(user)
    page = laptop.get("/konto/").content.decode()
    assert "Phone" in page and "Laptop" in page
    other = user.signed_in_sessions.get(user_agent="Phone")
    assert laptop.post(f"/konto/sesje/{other.pk}/zakoncz/").status_code == 302
    assert phone.get("/konto/").status_code == 302  # logged out
    assert laptop.post("/konto/tokeny/zakoncz/").status_code == 302
    assert not Token.objects.filter(user=user).exists()


def test_a_person_cannot_end_someone_elses_session(db):
    victim, attacker = UserFactory(), UserFactory()
    v, a = Client(), Client()
    v.post(LOGIN, {"username": victim.email, "password": PASSWORD})
    a.post(LOGIN, {"username": attacker.email, "password": PASSWORD})
    target = victim.signed_in_sessions.get()
    a.post(f"/konto/sesje/{target.pk}/zakoncz/")
    assert v.get("/konto/").status_code == 200


@pytest.mark.parametrize("url,method", [("/konto/zaloz/", "post"), ("/centrum/", "post")])
def test_next_pointing_elsewhere_is_not_followed(db, centre, url, method):
    client = Client()
    for evil in ("https://evil.example/phish", "//evil.example/x", "/\\evil.example", "javascript:alert(1)"):
        if url == "/centrum/":
            response = client.post(url, {"centre": centre.slug, "next": evil})
        else:
            response = Client().post(f"{url}?next={evil}", {
                "email": f"p{abs(hash(evil))}@example.org", "first_name": "A", "last_name": "B",
                "password1": "Very-Long-Pass-99", "password2": "Very-Long-Pass-99"})
        assert response.status_code == 302
        assert "evil.example" not in response["Location"] and not response["Location"].startswith("javascript")


def test_next_on_own_host_is_followed(db, centre):
    response = Client().post("/centrum/", {"centre": centre.slug, "next": "/ogrodki/"})
    assert response["Location"] == "/ogrodki/"


def test_the_wait_grows_with_each_further_failure_of_the_pair_only(db, settings):
    from axes.models import AccessAttempt
    from django.test import RequestFactory

    from core.security import login_cool_off

    user = UserFactory()
    for _ in range(12):
        page_login(user.email, "wrong-guess", "203.0.113.50")
    request = RequestFactory().post(LOGIN, {"username": user.email}, REMOTE_ADDR="203.0.113.50")
    elsewhere = RequestFactory().post(LOGIN, {"username": user.email}, REMOTE_ADDR="198.51.100.50")
    base = dt.timedelta(minutes=settings.AXES_COOLOFF_MINUTES)
    assert AccessAttempt.objects.get(ip_address="203.0.113.50").failures_since_start == 12
    assert login_cool_off(request) == base * 4  # two failures past the limit: the wait doubled twice
    assert login_cool_off(elsewhere) == base
