"""core.tokens.CachedTokenAuthentication: a known token costs no query, and a revoked token, a deactivated person
or a changed identity part is refused or rebuilt on the very next request."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.test import APIClient, APIRequestFactory

from core import tokens
from core.tokens import CachedTokenAuthentication, identity_part
from tests.factories import MembershipFactory, UserFactory

ME = "/api/v1/loyalty/cards/"  # any endpoint for signed-in users


def _authenticate(key: str):
    request = APIRequestFactory().get("/", HTTP_AUTHORIZATION=f"Token {key}")
    return CachedTokenAuthentication().authenticate(request)


def _api(key: str) -> APIClient:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return api


@pytest.fixture
def token(db):
    return Token.objects.create(user=UserFactory())


def test_a_known_token_is_answered_from_the_cache_without_a_query(token, django_assert_num_queries):
    user, _first = _authenticate(token.key)
    assert user.pk == token.user_id
    with django_assert_num_queries(0):
        again, second = _authenticate(token.key)
    assert again.pk == token.user_id and again.email == token.user.email
    assert second.key == token.key and second.created == token.created


def test_the_cache_holds_neither_the_token_nor_the_password_hash(token):
    _authenticate(token.key)
    entry = cache.get(tokens._entry_key(token.key))
    assert "password" not in entry["user"].__dict__
    assert token.key not in tokens._entry_key(token.key)
    user, _token = _authenticate(token.key)
    assert user.check_password("Correct-Horse-42")  # read from the database when asked for


def test_a_deleted_token_is_refused_on_the_next_request(token):
    api = _api(token.key)
    assert api.get(ME).status_code == 200
    Token.objects.filter(key=token.key).delete()
    assert api.get(ME).status_code == 401


def test_a_deactivated_person_is_refused_on_the_next_request(token):
    api = _api(token.key)
    assert api.get(ME).status_code == 200
    user = token.user
    user.is_active = False
    user.save()
    assert api.get(ME).status_code == 401


def test_a_log_in_does_not_forget_cached_identities(token, django_assert_num_queries):
    other = UserFactory()
    _authenticate(token.key)
    other.last_login = timezone.now()
    other.save(update_fields=["last_login"])
    with django_assert_num_queries(0):
        _authenticate(token.key)


def test_an_expired_token_is_refused_even_from_the_cache(token, settings):
    _authenticate(token.key)
    settings.API_TOKEN_TTL_HOURS = 0  # the cached entry keeps the token's age
    with pytest.raises(AuthenticationFailed):
        _authenticate(token.key)
    assert not Token.objects.filter(key=token.key).exists()


def test_an_unknown_token_is_refused_and_not_remembered(db):
    with pytest.raises(AuthenticationFailed):
        _authenticate("0" * 40)
    assert cache.get(tokens._entry_key("0" * 40)) is None


def test_an_identity_part_is_built_once_and_again_after_a_registered_change(token):
    tokens.register_identity_models("centres.BusinessMembership")  # as loyalty does for its till identity
    built = []

    def build(user):
        built.append(user.pk)
        return list(user.memberships.values_list("business_id", flat=True))

    def request_part():
        request = APIRequestFactory().get("/")
        request.user, request.auth = _authenticate(token.key)
        return identity_part(request, "businesses", build)

    assert request_part() == []
    assert request_part() == []
    assert len(built) == 1
    membership = MembershipFactory(user=token.user)
    assert request_part() == [membership.business_id]
    membership.delete()
    assert request_part() == []
    assert len(built) == 3


def test_a_change_inside_a_transaction_bumps_again_on_commit(token):
    from django.db import connection

    _authenticate(token.key)
    Token.objects.filter(key=token.key).delete()
    # The second bump, after the commit, drops an entry made from the old rows meanwhile (once per transaction).
    assert [entry[1] for entry in connection.run_on_commit].count(tokens._bump_now) == 1
    with pytest.raises(AuthenticationFailed):
        _authenticate(token.key)


def test_an_entry_lives_only_api_token_cache_seconds(token, settings, monkeypatch):
    settings.API_TOKEN_CACHE_SECONDS = 7
    stored = {}
    monkeypatch.setattr(tokens.cache, "set_many", lambda data, timeout=None: stored.update(dict.fromkeys(data, timeout)))
    _authenticate(token.key)
    assert stored[tokens._entry_key(token.key)] == 7
    assert stored[tokens._USER_PREFIX + tokens._entry_key(token.key).removeprefix(tokens._ENTRY_PREFIX)] == 7


def test_a_views_identity_parts_are_made_with_a_new_entry_in_one_write(token, monkeypatch):
    from types import SimpleNamespace

    request = APIRequestFactory().get("/", HTTP_AUTHORIZATION=f"Token {token.key}")
    view = SimpleNamespace(identity_parts={"email": lambda user: user.email})
    writes = []
    original_set, original_set_many = tokens.cache.set, tokens.cache.set_many
    inside_many = []  # a cache without set_many of its own (local memory) calls set for each key

    def set_one(*a, **k):
        if not inside_many:
            writes.append([a[0]])
        return original_set(*a, **k)

    def set_many(*a, **k):
        writes.append(list(a[0]))
        inside_many.append(True)
        try:
            return original_set_many(*a, **k)
        finally:
            inside_many.pop()

    monkeypatch.setattr(tokens.cache, "set", set_one)
    monkeypatch.setattr(tokens.cache, "set_many", set_many)
    from rest_framework.request import Request

    drf_request = Request(request, authenticators=[CachedTokenAuthentication()], parser_context={"view": view})
    drf_request.user  # noqa: B018 - authenticates
    assert identity_part(drf_request, "email", lambda user: pytest.fail("built again")) == token.user.email
    entry_key = tokens._entry_key(token.key)  # the entry and its user's id, in one write
    assert writes == [[entry_key, tokens._USER_PREFIX + entry_key.removeprefix(tokens._ENTRY_PREFIX)]]


def test_a_view_that_uses_each_token_once_makes_no_cache_entry(token, django_assert_num_queries):
    class VoteLikeView:
        cache_token_identity = False

    request = APIRequestFactory().post("/", HTTP_AUTHORIZATION=f"Token {token.key}")
    request.parser_context = {"view": VoteLikeView()}
    with django_assert_num_queries(1):
        user, _token = CachedTokenAuthentication().authenticate(request)
    assert user.pk == token.user_id
    assert cache.get(tokens._entry_key(token.key)) is None


def test_the_token_query_refuses_unknown_tokens_and_inactive_people(token):
    with pytest.raises(AuthenticationFailed):
        _authenticate("f" * 40)
    token.user.is_active = False
    token.user.save()
    with pytest.raises(AuthenticationFailed):
        _authenticate(token.key)


def test_on_redis_an_entry_is_decoded_once_per_process_and_each_request_gets_its_own_user(token, monkeypatch):
    from core import throttling

    if throttling._redis() is None:
        pytest.skip("the cache is not Redis (set REDIS_URL)")
    decoded = []
    original = tokens._decoded_entry
    monkeypatch.setattr(tokens, "_decoded", {})
    monkeypatch.setattr(tokens, "_decoded_entry", lambda raw, decode: original(raw, lambda b: decoded.append(b)
                                                                              or decode(b)))
    _authenticate(token.key)  # builds the entry
    first, _t = _authenticate(token.key)
    second, _t = _authenticate(token.key)
    assert len(decoded) == 1
    assert first.pk == second.pk == token.user_id and first is not second
    first.first_name = "changed by one request"
    assert _authenticate(token.key)[0].first_name != "changed by one request"
