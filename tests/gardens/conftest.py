import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english(settings):
    """Assertions read the English messages; the Polish catalogue is tested by asking for Polish explicitly."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _no_map_tiles(settings):
    """Tests draw maps on a plain background: no tile server is asked."""
    settings.MAP_TILE_URL = ""
