"""List pages and endpoints do a fixed number of queries whatever the number of rows."""

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from tests.conftest import client_for
from tests.gardens.factories import ApplicationFactory, SeasonFactory


def permits(business, n, start=0):
    season = SeasonFactory(centre=business.centre, year=2027)
    for i in range(start, start + n):
        ApplicationFactory(business=business, season=season, status="approved",
                           permit_number=f"{business.centre.code}/OG/2027/{i + 1:04d}")


@pytest.mark.parametrize("url", ["/api/v1/gardens/permits/", "/api/v1/gardens/seasons/", "/api/v1/gardens/rules/"])
def test_public_lists_do_not_grow(business, api, django_assert_max_num_queries, url):
    permits(business, 2)
    with time_machine.travel(dt.datetime(2027, 6, 10, 12)):
        with django_assert_max_num_queries(4):
            api.get(url)
        permits(business, 15, start=2)
        with django_assert_max_num_queries(4):
            assert api.get(url).status_code == 200


@pytest.mark.parametrize("name", ["gardens:register", "gardens:application-list"])
def test_list_pages_do_not_grow(business, owner, django_assert_max_num_queries, name):
    permits(business, 2)
    with time_machine.travel(dt.datetime(2027, 6, 10, 12)):
        client = Client()
        client.force_login(owner)
        client.get(reverse(name))
        with django_assert_max_num_queries(14):
            client.get(reverse(name))
        permits(business, 20, start=2)
        with django_assert_max_num_queries(14):
            assert client.get(reverse(name)).status_code == 200


def test_staff_application_list_does_not_grow(business, staff, django_assert_max_num_queries):
    permits(business, 2)
    api = client_for(staff)
    with django_assert_max_num_queries(6):
        api.get("/api/v1/gardens/applications/")
    permits(business, 20, start=2)
    with django_assert_max_num_queries(6):
        assert len(api.get("/api/v1/gardens/applications/").json()["results"]) == 22
