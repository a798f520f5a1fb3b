"""The Polish catalogue of the murals app is used (the office and most visitors read Polish)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from murals import services
from murals.models import Mural
from tests.murals.factories import MuralFactory


@pytest.fixture(autouse=True)
def _compiled():
    """Compile this app's catalogue (only it: other apps' catalogues are theirs to build)."""
    from pathlib import Path

    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po
    from django.utils.translation import trans_real

    po = Path(services.__file__).parent / "locale/pl/LC_MESSAGES/django.po"
    with po.open("rb") as source, po.with_suffix(".mo").open("wb") as target:
        write_mo(target, read_po(source, locale="pl"), use_fuzzy=False)
    trans_real._translations = {}  # reload the catalogues
    yield


@pytest.mark.django_db
def test_a_refused_move_is_explained_in_polish(centre, staff):
    mural = MuralFactory(centre=centre, status=Mural.Status.PLANNED)
    with translation.override("pl"), pytest.raises(ValidationError) as err:
        services.change_mural_status(mural=mural, to=Mural.Status.COMPLETED, by=staff)
    assert err.value.messages == ["Ta zmiana nie jest możliwa: z „planowany” na „ukończony”."]


@pytest.mark.django_db
def test_the_gallery_speaks_polish(client, settings, centre):
    settings.LANGUAGE_CODE = "pl"
    MuralFactory(centre=centre)
    with translation.override("pl"):
        html = client.get(reverse("murals:gallery"), HTTP_ACCEPT_LANGUAGE="pl").content.decode()
    assert "Szlak spacerowy" in html and "ukończony" in html
