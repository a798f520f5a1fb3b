"""Every page carries the Content-Security-Policy (no inline script) and a Permissions-Policy that allows the
camera only on the till page; templates hold no inline script or event handler."""

import re
from pathlib import Path

import pytest
from django.test import Client

from tests.factories import UserFactory
from tests.security.fuzzing import page_patterns

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def admin_client(db):
    client = Client(raise_request_exception=False)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_every_page_answers_with_the_csp_and_the_permissions_policy(admin_client):
    checked = 0
    for page in page_patterns():
        if "logout" in page.name or ("<" in page.route and page.admin):
            continue
        response = admin_client.get(page.url("1"))
        if response.status_code >= 500 or response.status_code in (301, 302, 405):
            continue
        checked += 1
        policy = response.headers.get("Content-Security-Policy", "")
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0], \
            page.route
        assert "object-src 'none'" in policy and "frame-ancestors 'none'" in policy
        camera = "camera=(self)" if page.route.startswith("moja-starowka/kasa/") else "camera=()"
        assert camera in response.headers.get("Permissions-Policy", ""), page.route
        assert response.headers.get("X-Content-Type-Options") == "nosniff"
    assert checked > 30


def test_swagger_ui_loads_its_start_up_script_from_a_file(db):
    client = Client()
    page = client.get("/api/docs/")
    html = page.content.decode()
    assert page.status_code == 200
    inline = [s for s in re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S) if s[1].strip()]
    assert inline == []
    script = re.search(r'<script src="([^"]*\?script[^"]*)"', html)
    assert script, html
    assert client.get(script.group(1).replace("&amp;", "&")).status_code == 200


def test_templates_hold_no_inline_script_or_event_handler():
    offenders = []
    for template in (ROOT / "templates").rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        for attrs, body in re.findall(r"<script([^>]*)>(.*?)</script>", text, re.S):
            if body.strip() and 'type="application/json"' not in attrs and "application/ld+json" not in attrs:
                offenders.append(f"{template.relative_to(ROOT)}: inline <script>")
        if re.search(r"\son[a-z]+\s*=\s*[\"']", text):
            offenders.append(f"{template.relative_to(ROOT)}: event handler attribute")
    assert offenders == []
