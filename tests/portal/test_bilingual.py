from types import SimpleNamespace

from django.utils import translation

from core.i18n import bilingual


def test_the_active_language_first_and_the_other_when_it_is_empty():
    both = SimpleNamespace(title_pl="Rabat", title_en="Discount")
    only_polish = SimpleNamespace(title_pl="Rabat", title_en="")
    only_english = SimpleNamespace(title_pl="", title_en="Discount")
    with translation.override("en"):
        assert [bilingual(o, "title") for o in (both, only_polish, only_english)] == ["Discount", "Rabat", "Discount"]
    with translation.override("pl"):
        assert [bilingual(o, "title") for o in (both, only_polish, only_english)] == ["Rabat", "Rabat", "Discount"]
