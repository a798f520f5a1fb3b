"""Every public and owner page, rendered in Polish on the demo data, prints Polish formats: no "12240.00 PLN",
"1.50 zł" or ISO date "2027-05-01" in the text a person reads.

The test walks the URL patterns themselves: a new page is checked as soon as it exists (its arguments are found
in NEEDS below), and a pattern neither checked nor named in NOT_PAGES fails the test, so none is forgotten.
"""

from __future__ import annotations

import html
import io
import re
from collections.abc import Callable

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse

from centres import demo as centre_demo
from centres.models import Business, User

ENGLISH_MONEY = re.compile(r"\d\.\d\d[\s\xa0]*(PLN|zł)")
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
HIDDEN = re.compile(r"<(script|style|template|svg)\b.*?</\1>|<!--.*?-->", re.S | re.I)
TAG = re.compile(r"<[^>]+>")

# Not pages a person reads (files, JSON, redirects, actions that only accept POST, one-off links).
NOT_PAGES = {
    "healthz", "set_language", "javascript-catalog", "schema", "swagger-ui", "logout", "web-manifest", "favicon",
    "password_reset_confirm", "verify-email", "resend-verification", "personal-data", "end-session", "end-tokens",
    "choose-centre", "loyalty:office-figures-csv", "loyalty:till-sw", "loyalty:till-manifest",
    "gardens:attachment", "gardens:attachment-delete", "gardens:application-move", "gardens:permit-pdf",
    "contests:vote", "contests:results-csv", "contests:results-json", "office:chart-csv", "office:export", "office:import-job", "office:import-status",
    "office:import-confirm", "murals:submit-design",
}


def _first(model_path: str, **filters):
    from django.apps import apps

    app_label, model_name = model_path.split(".")
    return apps.get_model(app_label, model_name).objects.filter(**filters).order_by("pk").first()


def _application_pk() -> list:
    owner = User.objects.get(email=centre_demo.DEMO_ACCOUNTS["owner"])
    app = _first("gardens.GardenApplication", business__memberships__user=owner)
    return [app.pk]


def _business() -> list:
    business = Business.objects.select_related("centre").order_by("pk").first()
    return [business.centre.slug, business.slug]


# URL name → the arguments of one demo object to show.
NEEDS: dict[str, Callable[[], list]] = {
    "business-detail": _business,
    "loyalty:partner-detail": lambda: [_first("loyalty.Partner").pk],
    "loyalty:perk-edit": lambda: [_first("loyalty.Perk", partner__business__memberships__user__email=centre_demo
                                         .DEMO_ACCOUNTS["owner"]).pk],
    "gardens:application-detail": _application_pk,
    "gardens:application-edit": _application_pk,
    "gardens:application-declarations": _application_pk,
    "gardens:attachment-upload": _application_pk,
    "gardens:application-check": _application_pk,
    "gardens:verify": lambda: [_first("gardens.GardenApplication", status="approved").verification_token],
    "contests:contest-detail": lambda: [_first("contests.Contest").pk],
    "contests:submit": lambda: [_first("contests.Contest").pk],
    "contests:results": lambda: [_first("contests.Contest").pk],
    "contests:jury": lambda: [_first("contests.Contest").pk],
    "murals:mural-detail": lambda: [_first("murals.Mural").pk],
    "murals:wall-detail": lambda: [_first("murals.Wall").pk],
}


def _page_names() -> list[str]:
    names: list[str] = []

    def walk(patterns, namespace: str = "") -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                if str(p.pattern).startswith(("admin/", "api/")):
                    continue
                walk(p.url_patterns, f"{namespace}{p.namespace}:" if p.namespace else namespace)
            elif isinstance(p, URLPattern) and p.name and not str(p.pattern).startswith(("api/", "^media")):
                names.append(namespace + p.name)

    walk(get_resolver().url_patterns)
    return sorted(set(names))


def visible_text(body: str) -> str:
    return html.unescape(TAG.sub(" ", HIDDEN.sub(" ", body)))


@pytest.fixture
def demo_clients(db) -> dict[str, Client]:
    call_command("seed_demo", stdout=io.StringIO())
    clients = {"visitor": Client()}
    for kind, email in centre_demo.DEMO_ACCOUNTS.items():
        client = Client()
        client.force_login(User.objects.get(email=email))
        clients[kind] = client
    return clients


def test_every_page_is_checked_or_named_as_not_a_page():
    unknown = []
    for name in _page_names():
        if name in NOT_PAGES or name in NEEDS:
            continue
        try:
            reverse(name)
        except NoReverseMatch:
            unknown.append(name)
    assert unknown == [], "add these URL names to NEEDS (their demo arguments) or NOT_PAGES"


def test_polish_pages_print_polish_money_and_dates(demo_clients):
    checked, offences = [], []
    for name in _page_names():
        if name in NOT_PAGES:
            continue
        try:
            url = reverse(name, args=NEEDS[name]()) if name in NEEDS else reverse(name)
        except Exception as exc:  # a page whose demo object is missing is reported, not skipped
            offences.append(f"{name}: no demo arguments ({exc})")
            continue
        for who, client in demo_clients.items():
            response = client.get(url, HTTP_ACCEPT_LANGUAGE="pl")
            if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
                continue
            text = visible_text(response.content.decode())
            for pattern in (ENGLISH_MONEY, ISO_DATE):
                for match in pattern.finditer(text):
                    around = text[max(0, match.start() - 40):match.end() + 20].replace("\n", " ")
                    offences.append(f"{name} as {who}: {match.group(0)!r} in …{around.strip()}…")
            checked.append((name, who))
    assert {n for n, _ in checked} >= {"home", "gardens:register", "gardens:fee-quote", "loyalty:perk-list",
                                       "gardens:application-detail", "loyalty:my-card", "office:dashboard"}
    assert offences == [], "\n".join(offences)


def test_the_checker_sees_an_english_amount_and_an_iso_date():
    text = visible_text("<p>Razem: 12240.00 PLN</p><p data-x='2027-05-01'>od 2027-05-01</p>"
                        "<script>var d='2027-05-02'</script>")
    assert ENGLISH_MONEY.search(text) and ISO_DATE.findall(text) == ["2027-05-01"]
