"""Kind-specific rules plugged into the one contest engine.

A plugin answers two questions the engine asks: may this entry be made (`clean_entry`), and what keeps an entry
from being eligible (`eligibility_problems`). The green-garden contest is the one with rules of its own; another
app may register a plugin for its kind with `register(kind, plugin)`.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _

from .models import Contest, Entry


class ContestPlugin:
    """The default: any entry may be made, nothing blocks eligibility."""

    def clean_entry(self, *, contest: Contest, garden, by) -> dict[str, str]:
        if garden is not None:
            return {"garden": _("Only the green-garden contest takes gardens.")}
        return {}

    def eligibility_problems(self, entry: Entry) -> list[str]:
        return []

    def ranking_problems(self, entry: Entry) -> list[str]:
        """What takes an accepted entry out of the vote and the ranking now (checked at each vote and count)."""
        return []

    def ranking_condition(self, prefix: str = "") -> Q:
        """`ranking_problems` in the database's words: the entries (reached through `prefix`, e.g. "entry__")
        that have none. The vote's insert checks it in the same statement, so a vote needs no read for it."""
        return Q()


class GreenGardenPlugin(ContestPlugin):
    """A garden enters with its permit for the contest's season and needs all three kinds of live greenery."""

    def clean_entry(self, *, contest: Contest, garden, by) -> dict[str, str]:
        from gardens.models import GardenApplication

        if garden is None:
            return {"garden": _("Choose a garden with a permit for this season.")}
        if (garden.status != GardenApplication.Status.APPROVED or garden.season.year != contest.year
                or garden.season.centre_id != contest.centre_id):
            return {"garden": _("This garden has no permit for the %(year)s season in this centre.")
                    % {"year": contest.year}}
        return {}

    def eligibility_problems(self, entry: Entry) -> list[str]:
        from gardens.models import GardenApplication, GreeneryKind

        garden = entry.garden
        if garden is None:
            return [_("The entry names no garden.")]
        problems = []
        if garden.status != GardenApplication.Status.APPROVED:
            problems.append(_("The garden's permit is no longer valid."))
        missing = [label for value, label in GreeneryKind.choices if value not in garden.confirmed_greenery_kinds()]
        if missing:
            problems.append(_("The garden lacks confirmed greenery: %(kinds)s.") % {"kinds": ", ".join(map(str, missing))})
        return problems

    def ranking_problems(self, entry: Entry) -> list[str]:
        """A garden whose permit was revoked (or otherwise ended) leaves the vote and the ranking."""
        from gardens.models import GardenApplication

        garden = entry.garden
        if garden is not None and garden.status != GardenApplication.Status.APPROVED:
            return [_("The garden's permit is no longer valid.")]
        return []

    def ranking_condition(self, prefix: str = "") -> Q:
        from gardens.models import GardenApplication

        return (Q(**{f"{prefix}garden__isnull": True})
                | Q(**{f"{prefix}garden__status": GardenApplication.Status.APPROVED}))


_PLUGINS: dict[str, ContestPlugin] = {
    Contest.Kind.GREEN_GARDEN: GreenGardenPlugin(),
}


def register(kind: str, plugin: ContestPlugin) -> None:
    _PLUGINS[kind] = plugin


def plugin_for(contest: Contest) -> ContestPlugin:
    return plugin_for_kind(contest.kind)


def plugin_for_kind(kind: str) -> ContestPlugin:
    return _PLUGINS.get(kind, ContestPlugin())
