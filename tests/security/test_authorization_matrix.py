"""The authorization matrix: every operation of the generated OpenAPI schema and every page and admin URL,
run as ten actors against objects of the demo centre (Toruń) and its businesses. Actors of the other centre
(a resident, an owner, a till, office staff, a juror) and anonymous must never succeed where the table says
they may not; nor may the demo centre's own people outside their role. Each request runs in a rolled-back
transaction so that a success changes nothing for the next.

The operations are enumerated from the running configuration: an operation or page added later without a row
in tests/security/access_table.py fails this test, which prints how many operations × actors it ran.
"""

from __future__ import annotations

import io
import json
import re

import pytest
from django.contrib import admin
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.test.utils import override_settings
from django.urls import Resolver404, resolve

from centres.admin_scoping import _centre_path
from tests.security.access_table import API, PAGES, Who
from tests.security.fuzzing import page_patterns, schema_operations

SUCCESS = range(200, 300)


class Actor:
    def __init__(self, name: str, side: str, role: Who, user=None):
        self.name, self.side, self.role, self.user = name, side, role, user
        self.client = Client(raise_request_exception=False)
        if user is not None:
            self.client.force_login(user)


@pytest.fixture(scope="module")
def _world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The world, built once for the module's three matrices (building it seeds the whole demo, some 20 s on
    PostgreSQL) in a transaction rolled back when the module ends. Each test runs in a savepoint inside it (`db`)
    and each request in a rolled-back transaction of its own, so no test sees another's changes."""
    with django_db_blocker.unblock(), transaction.atomic():
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
                               MEDIA_ROOT=str(tmp_path_factory.mktemp("world-media"))):
            built = _build_world()
        yield built
        transaction.set_rollback(True)


@pytest.fixture
def world(_world, db, settings):
    """The demo centre (side "home": the objects) and a second centre with its own people (side "away")."""
    settings.MEDIA_ROOT = _world["media_root"]
    return _world


def _build_world() -> dict:
    from django.conf import settings
    from django.core import mail

    from centres import demo as centre_demo
    from centres.models import BusinessMembership, User
    from contests.models import JuryMember
    from office.management.commands.seed_demo import APPS_IN_ORDER, _demo_module
    from office.roles import ensure_office_staff_group
    from tests.contests.factories import ContestFactory, JuryMemberFactory
    from tests.factories import BusinessFactory, CentreFactory, MembershipFactory, StaffFactory
    from tests.loyalty.factories import CardFactory

    mail.outbox = []
    out = io.StringIO()
    home = centre_demo.seed(out, office_group=ensure_office_staff_group())
    for app in APPS_IN_ORDER:
        module = _demo_module(app)
        if module is not None:
            module.seed(centre=home, stdout=out)
    away = CentreFactory()
    till_home = BusinessMembership.objects.filter(business__centre=home, role="till").select_related("user").first()
    owner_home = (BusinessMembership.objects.filter(business__centre=home, role="owner", user__is_staff=False)
                  .select_related("user").first())
    juror_home = (JuryMember.objects.filter(contest__centre=home, user__is_staff=False).select_related("user")
                  .first())
    resident_home = User.objects.get(email=centre_demo.DEMO_ACCOUNTS["resident"])
    staff_home = User.objects.get(email=centre_demo.DEMO_ACCOUNTS["staff"])
    away_business = BusinessFactory(centre=away)
    actors = [
        Actor("anonymous", "away", Who.ANON),
        Actor("resident (other centre)", "away", Who.RESIDENT, CardFactory(centre=away).holder),
        Actor("resident (this centre)", "home", Who.RESIDENT, resident_home),
        Actor("owner (other business)", "away", Who.OWNER,
              MembershipFactory(business=away_business, role="owner").user),
        Actor("owner (this centre)", "home", Who.OWNER, owner_home.user),
        Actor("till (other business)", "away", Who.TILL, MembershipFactory(business=away_business, role="till").user),
        Actor("staff (other centre)", "away", Who.STAFF, StaffFactory(centres=[away])),
        Actor("staff (this centre)", "home", Who.STAFF, staff_home),
        Actor("juror (other centre)", "away", Who.JUROR, JuryMemberFactory(contest=ContestFactory(centre=away)).user),
        Actor("juror (this centre)", "home", Who.JUROR, juror_home.user if juror_home else None),
    ]
    assert till_home and owner_home and juror_home, "the demo data has a till, an owner and a juror"
    return {"home": home, "away": away, "actors": actors, "till_home": till_home.user,
            "media_root": settings.MEDIA_ROOT}


def _model_of(url: str):
    try:
        match = resolve(url)
    except Resolver404:
        return None
    cls = getattr(match.func, "cls", None) or getattr(match.func, "view_class", None)
    queryset = getattr(cls, "queryset", None)
    if queryset is not None:
        return queryset.model
    serializer = getattr(cls, "serializer_class", None)
    meta = getattr(serializer, "Meta", None)
    return getattr(meta, "model", None)


def _home_object(model, home, path: str | None = None):
    if model is None:
        return None
    path = _centre_path(model) if path is None else path
    qs = model._default_manager.all()
    if path == "":
        qs = qs.filter(pk=home.pk)
    elif path is not None:
        qs = qs.filter(**{path: home})
    return qs.order_by("pk").first()


def _lookup_value(op, model, obj) -> dict[str, str]:
    values = {}
    for name in op.path_params:
        if obj is None:
            values[name] = "1"
        elif name in ("id", "pk"):
            values[name] = str(obj.pk)
        else:
            value = getattr(obj, name, None) or getattr(obj, name.replace("_pk", "_id"), None)
            values[name] = str(value if value is not None else obj.pk)
    return values


def _request(actor, method, url, body=None):
    cache.clear()  # no throttle hides an answer
    with transaction.atomic():
        kwargs = {"content_type": "application/json", "data": json.dumps(body or {})} \
            if method in {"POST", "PUT", "PATCH"} else {}
        response = getattr(actor.client, method.lower())(url, **kwargs)
        transaction.set_rollback(True)
    return response


def _may(actor: Actor, allowed: Who) -> bool:
    if allowed & Who.ANON:
        return True
    if actor.side == "away":
        # People of another centre or business act on the home centre's objects only where anyone may.
        return False
    return bool(actor.role & allowed)


def test_the_access_table_has_a_row_for_every_operation_and_page():
    missing_api = sorted({op.key for op in schema_operations()} - set(API))
    missing_pages = sorted({p.route for p in page_patterns() if not p.admin} - set(PAGES))
    assert not missing_api and not missing_pages, (
        "add rows to tests/security/access_table.py:\n"
        + "\n".join(f'    "{k}": ...,' for k in missing_api + missing_pages))
    stale = sorted((set(API) - {op.key for op in schema_operations()})
                   | (set(PAGES) - {p.route for p in page_patterns() if not p.admin}))
    assert not stale, f"rows for operations that no longer exist: {stale}"


def test_api_matrix(world):
    failures, runs = [], 0
    ops = schema_operations()
    for op in ops:
        allowed = API.get(op.key)
        if allowed is None:
            continue  # reported by the table test
        model = _model_of(op.url())
        obj = _home_object(model, world["home"])
        url = op.url(_lookup_value(op, model, obj))
        home_ids = set()
        if op.method == "GET" and not op.path_params and model is not None and not (allowed & Who.ANON):
            path = _centre_path(model)
            if path is not None:
                home_ids = set(model._default_manager.filter(**({"pk": world["home"].pk} if path == "" else
                                                                {path: world["home"]})).values_list("pk", flat=True))
        for actor in world["actors"]:
            response = _request(actor, op.method, url)
            runs += 1
            if response.status_code >= 500:
                failures.append(f"{actor.name}: {op.key} → {response.status_code}")
            elif response.status_code in SUCCESS and not _may(actor, allowed):
                if op.method == "GET" and not op.path_params:
                    # A list may answer 200 if it holds nothing of the home centre.
                    leaked = _ids_in(response) & home_ids
                    if not home_ids or not leaked:
                        continue
                    failures.append(f"{actor.name}: {op.key} lists home objects {sorted(leaked)[:5]}")
                else:
                    failures.append(f"{actor.name}: {op.key} ({url}) → {response.status_code}")
    print(f"\nauthorization matrix (API): {len(ops)} operations × {len(world['actors'])} actors = {runs} requests")
    assert not failures, "\n".join(failures)


def _ids_in(response) -> set:
    try:
        data = response.json()
    except (ValueError, TypeError):
        return set()
    items = data.get("results", data.get("features", [])) if isinstance(data, dict) else data
    ids = set()
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict) and isinstance(item.get("id"), int):
            ids.add(item["id"])
    return ids


def test_pages_matrix(world):
    failures, runs = [], 0
    pages = [p for p in page_patterns() if not p.admin]
    for page in pages:
        allowed = PAGES.get(page.route)
        if allowed is None:
            continue
        url = page.url("1")
        for actor in world["actors"]:
            response = _request(actor, "GET", url)
            runs += 1
            if response.status_code >= 500:
                failures.append(f"{actor.name}: {page.route} → {response.status_code}")
            elif response.status_code == 200 and not _may(actor, allowed) and "<" in page.route:
                failures.append(f"{actor.name}: {page.route} → 200")
            elif response.status_code == 200 and not (allowed & Who.ANON) and actor.user is None:
                failures.append(f"{actor.name}: {page.route} → 200 without logging in")
    print(f"\nauthorization matrix (pages): {len(pages)} pages × {len(world['actors'])} actors = {runs} requests")
    assert not failures, "\n".join(failures)


def _admin_centre_path(model, model_admin) -> str | None:
    from centres.admin_scoping import CentreScopedMixin

    if isinstance(model_admin, CentreScopedMixin):
        return model_admin.centre_field if model_admin.centre_field != "pk" else ""
    return _centre_path(model)


GLOBAL_ADMIN_MODELS = {
    # Models with no centre: superusers only, or shared reference data office staff may read.
    "auth.Group", "centres.User", "core.SentNotification", "core.SecurityEvent", "auditlog.LogEntry",
    "authtoken.Token", "authtoken.TokenProxy", "axes.AccessAttempt", "axes.AccessLog", "axes.AccessFailureLog",
}


def test_admin_matrix(world):
    """Every registered admin model: anonymous and people without staff status never reach it; staff of the
    other centre neither see nor change the home centre's objects (list, change, delete, history)."""
    failures, runs, models = [], 0, 0
    unscoped = []
    for model, model_admin in admin.site._registry.items():
        label = model._meta.label
        path = _admin_centre_path(model, model_admin)
        if path is None:
            if label not in GLOBAL_ADMIN_MODELS:
                unscoped.append(label)
            continue
        models += 1
        obj = _home_object(model, world["home"], path)
        info = model._meta.app_label, model._meta.model_name
        urls = [f"/admin/{info[0]}/{info[1]}/"]
        if obj is not None:
            urls += [f"/admin/{info[0]}/{info[1]}/{obj.pk}/change/", f"/admin/{info[0]}/{info[1]}/{obj.pk}/delete/",
                     f"/admin/{info[0]}/{info[1]}/{obj.pk}/history/"]
        for actor in world["actors"]:
            if actor.side == "home" and actor.role == Who.STAFF:
                continue
            for url in urls:
                response = _request(actor, "GET", url)
                runs += 1
                text = response.content.decode(errors="replace") if response.status_code == 200 else ""
                if response.status_code >= 500:
                    failures.append(f"{actor.name}: {url} → {response.status_code}")
                elif response.status_code == 200 and (actor.role != Who.STAFF or "/change/" in url
                                                       or "/delete/" in url or "/history/" in url):
                    failures.append(f"{actor.name}: {url} → 200")
                elif response.status_code == 200 and obj is not None and re.search(
                        rf'href="[^"]*/{obj.pk}/change/', text):
                    failures.append(f"{actor.name}: {url} lists a home object")
            if obj is not None:
                response = _request(actor, "POST", f"/admin/{info[0]}/{info[1]}/{obj.pk}/delete/")
                runs += 1
                if response.status_code == 302 and not model._default_manager.filter(pk=obj.pk).exists():
                    failures.append(f"{actor.name}: deleted {label} {obj.pk}")
    print(f"\nauthorization matrix (admin): {models} scoped admin models × {len(world['actors'])} actors = {runs} "
          "requests")
    assert not unscoped, f"admin models with no path to a centre and not listed as global: {unscoped}"
    assert not failures, "\n".join(failures)
