import json

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from centres.models import User
from tests.factories import PASSWORD, MembershipFactory, StaffFactory


@pytest.mark.django_db
def test_home_page_is_polish_by_default():
    response = Client().get("/")
    assert response.status_code == 200
    assert 'lang="pl"' in response.content.decode()


@pytest.mark.django_db
def test_home_page_switches_to_english():
    client = Client()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    body = client.get("/").content.decode()
    assert 'lang="en"' in body
    assert "Log in" in body


@pytest.mark.django_db
def test_signup_logs_in_and_sends_verification_link(django_capture_on_commit_callbacks):
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/konto/zaloz/", {"email": "Nowa@Example.org", "first_name": "Ewa",
                                                  "last_name": "Nowak", "password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 302
    user = User.objects.get(email="nowa@example.org")
    assert not user.email_verified
    assert len(mail.outbox) == 1
    link = next(line for line in mail.outbox[0].body.splitlines() if "/konto/potwierdz/" in line)
    client.get(link.replace("http://127.0.0.1:8000", ""))
    user.refresh_from_db()
    assert user.email_verified


@pytest.mark.django_db
def test_signup_with_bad_input_shows_the_form_again(resident):
    response = Client().post("/konto/zaloz/", {"email": resident.email, "first_name": "", "last_name": "X",
                                               "password1": "a", "password2": "b"})
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) >= {"email", "first_name", "password2"}


def test_tampered_verification_link_is_refused(resident):
    resident.email_verified_at = None
    resident.save()
    Client().get("/konto/potwierdz/not-a-token/")
    resident.refresh_from_db()
    assert resident.email_verified_at is None


def test_login_by_email(resident):
    response = Client().post("/konto/zaloguj/", {"username": resident.email, "password": PASSWORD})
    assert response.status_code == 302


def test_personal_data_download_is_own_data_only(resident):
    client = Client()
    client.force_login(resident)
    data = json.loads(client.get("/konto/moje-dane.json").content)
    assert data["account"]["email"] == resident.email


def test_anonymous_cannot_download_personal_data():
    assert Client().get("/konto/moje-dane.json").status_code == 302


def test_delete_account_erases_personal_data(resident):
    client = Client()
    client.force_login(resident)
    response = client.post("/konto/usun/", {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == 302
    resident.refresh_from_db()
    assert resident.email.startswith("erased-")
    assert resident.first_name == "" and not resident.is_active


def test_delete_account_needs_the_password(resident):
    client = Client()
    client.force_login(resident)
    response = client.post("/konto/usun/", {"password": "wrong", "confirm": "on"})
    assert response.status_code == 200
    resident.refresh_from_db()
    assert resident.is_active


@pytest.mark.django_db
def test_schema_and_docs_are_served():
    client = Client()
    assert client.get("/api/schema/").status_code == 200
    docs = client.get("/api/docs/").content.decode()
    assert "swagger-ui" in docs and "cdn" not in docs.lower()


@pytest.mark.django_db
def test_health():
    assert Client().get("/healthz").json() == {"status": "ok"}


def test_erasure_scrubs_the_audit_trail_of_the_person(resident):
    from auditlog.models import LogEntry

    from core.gdpr import erase_personal_data

    LogEntry.objects.log_create(resident, action=LogEntry.Action.UPDATE, changes={"first_name": ["Jan", "Janek"]},
                                force_log=True)
    LogEntry.objects.filter(object_pk=str(resident.pk)).update(actor=resident, actor_email=resident.email,
                                                              remote_addr="192.0.2.1")
    email = resident.email
    erase_personal_data(user=resident)
    entries = list(LogEntry.objects.filter(actor=resident))
    assert entries
    for entry in entries:
        assert entry.actor_email is None and entry.remote_addr is None
        assert email not in entry.object_repr and entry.changes is None


def test_account_page_links_each_person_to_their_own_services(resident, centre):
    def links(user) -> str:
        client = Client()
        client.force_login(user)
        return client.get(reverse("account")).content.decode()

    business_only = [reverse("gardens:application-list"), reverse("loyalty:till"), reverse("loyalty:partner-perks")]
    office_only = [reverse("office:dashboard"), reverse("loyalty:office-figures")]
    page = links(resident)
    assert reverse("loyalty:my-card") in page and reverse("contests:my-contests") in page
    assert not any(url in page for url in business_only + office_only)
    owner = MembershipFactory().user
    page = links(owner)
    assert all(url in page for url in business_only) and not any(url in page for url in office_only)
    page = links(StaffFactory(centres=[centre]))
    assert all(url in page for url in office_only)
